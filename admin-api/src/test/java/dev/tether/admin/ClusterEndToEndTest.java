package dev.tether.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.admin.json.JsonSupport;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode with three real service processes on loopback, configured only through the
 * environment variables of the root application.conf: they form one cluster, every node's
 * {@code GET /cluster} shows the three, and after {@code kill -9} of one the Split Brain Resolver
 * removes it (stable-after shortened for the test). Each member's connection counts come from its own
 * manager; an unreachable member's are reported missing. A connection opened through one node runs
 * where sharding places it, is reached by id from any node, and after {@code kill -9} of its node
 * is managed again by a survivor.
 */
class ClusterEndToEndTest {
  private static final Duration FORM = Duration.ofSeconds(60);
  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  @AfterEach
  void stop() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void threeNodesFormOneClusterAndACrashedOneIsRemoved() throws Exception {
    int[] remoting = {freePort(), freePort(), freePort()};
    int[] admin = {freePort(), freePort(), freePort()};
    List<LineCollector> logs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Process p = node(remoting[i], admin[i], "127.0.0.1:" + remoting[0] + ",127.0.0.1:" + remoting[1]);
      logs.add(LineCollector.of("node " + (i + 1), p.getInputStream()));
    }
    String[] nodes = new String[3];
    for (int i = 0; i < 3; i++) nodes[i] = "127.0.0.1:" + remoting[i];

    for (int i = 0; i < 3; i++) {
      int n = i;
      java.util.SortedMap<String, String> seen = awaitMembers(admin[i], m -> m.size() == 3 && m.values().stream().allMatch("up:true"::equals),
          "node " + (i + 1) + " sees 3 members up", logs.get(i));
      assertEquals(new java.util.TreeSet<>(List.of(nodes)), seen.keySet());
      JsonNode self = getJson(admin[n], "/cluster");
      assertEquals(nodes[n], self.get("self").asText());
    }

    // A connection opened through node 2 (to a port where nothing listens, so it keeps retrying)
    // runs wherever sharding places it; its view says where, and every member's counts agree.
    HttpResponse<String> opened = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin[1] + "/connections"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"sharded-1\",\"host\":\"127.0.0.1\",\"port\":" + freePort() + "}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, opened.statusCode(), opened.body());
    String hostNode = JsonSupport.mapper().readTree(opened.body()).get("node").asText();
    int host = List.of(nodes).indexOf(hostNode);
    assertTrue(host >= 0, "views name their member: " + opened.body());
    int asker = (host + 1) % 3;
    int third = (host + 2) % 3;
    // The first answers between fresh JVMs can be slow (cold serializers): wait for a complete view.
    JsonNode view = awaitCluster(admin[asker], v -> !v.get("partial").asBoolean(), "a complete view", logs.get(asker));
    for (JsonNode member : view.get("members")) {
      int expected = member.get("node").asText().equals(hostNode) ? 1 : 0;
      assertEquals(expected, member.get("connections").get("total").asInt(), view.toString());
    }
    // Reached by id from a member that does not run it, and listed by every member.
    assertEquals(hostNode, getJson(admin[third], "/connections/sharded-1").get("node").asText());
    JsonNode listed = getJson(admin[third], "/connections");
    assertEquals(false, listed.get("partial").asBoolean(), listed.toString());
    assertEquals(List.of("sharded-1"), ids(listed.get("connections")), listed.toString());

    processes.get(host).destroyForcibly(); // SIGKILL: no leave, no goodbye
    awaitMembers(admin[asker], m -> "up:false".equals(m.get(hostNode)), "the host seen unreachable", logs.get(asker));
    // While it is unreachable, its counts cannot be had: said so, not left out.
    JsonNode partial = awaitCluster(admin[asker], v -> v.get("partial").asBoolean(), "the host missing", logs.get(asker));
    assertEquals(hostNode, partial.get("missing").get(0).asText(), partial.toString());
    java.util.SortedMap<String, String> after = awaitMembers(admin[asker], m -> !m.containsKey(hostNode) && m.size() == 2,
        "the host removed by the Split Brain Resolver", logs.get(asker));
    assertEquals(new java.util.TreeSet<>(List.of(nodes[asker], nodes[third])), after.keySet());
    // Its connection is managed again, by a survivor (its spec was stored on a majority).
    JsonNode moved = awaitConnection(admin[third], "sharded-1", v -> !v.get("node").asText().equals(hostNode), logs.get(third));
    assertTrue(List.of(nodes[asker], nodes[third]).contains(moved.get("node").asText()), moved.toString());
  }

  private static List<String> ids(JsonNode connections) {
    List<String> ids = new ArrayList<>();
    connections.forEach(c -> ids.add(c.get("id").asText()));
    return ids;
  }

  /** Polls GET /connections/{id} (bounded) until it answers 200 with a view that satisfies the condition. */
  private JsonNode awaitConnection(int adminPort, String id, java.util.function.Predicate<JsonNode> condition,
      LineCollector log) throws Exception {
    long deadline = System.nanoTime() + FORM.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/connections/" + id))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      last = r.statusCode() + " " + r.body();
      if (r.statusCode() == 200) {
        JsonNode v = JsonSupport.mapper().readTree(r.body());
        if (condition.test(v)) return v;
      }
      log.awaitNewLine(Duration.ofMillis(500));
    }
    throw new AssertionError(id + ": not managed as expected within " + FORM + "; last " + last + "\nlog:\n" + log);
  }

  private Process node(int remotingPort, int adminPort, String seeds) throws IOException {
    Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (!Files.exists(root.resolve("application.conf")) || !Files.exists(root.resolve("admin-api"))) {
      root = root.getParent();
      assertTrue(root != null, "application.conf not found above " + System.getProperty("user.dir"));
    }
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // As the jar's manifest does for java -jar: LMDB (the durable specs) reaches into NIO internals.
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), "-Dconfig.file=" + root.resolve("application.conf"),
        "-Dpekko.cluster.split-brain-resolver.stable-after=10s", AdminApp.class.getName()).redirectErrorStream(true);
    for (String name : List.of("TETHER_ADMIN_HOST", "TETHER_ADMIN_TOKEN")) pb.environment().remove(name);
    pb.environment().putAll(Map.of(
        "TETHER_DEMO", "off",
        "TETHER_ADMIN_PORT", String.valueOf(adminPort),
        "TETHER_CLUSTER_ENABLED", "on",
        "TETHER_CLUSTER_HOST", "127.0.0.1",
        "TETHER_CLUSTER_PORT", String.valueOf(remotingPort),
        "TETHER_CLUSTER_SEEDS", seeds,
        "TETHER_DATA_DIR", dir.resolve("node-" + remotingPort).toString()));
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** Polls GET /cluster (bounded) until the members, as node → "status:reachable", satisfy the condition. */
  private java.util.SortedMap<String, String> awaitMembers(int adminPort, java.util.function.Predicate<Map<String, String>> condition,
      String what, LineCollector log) throws Exception {
    long deadline = System.nanoTime() + FORM.toNanos();
    TreeMap<String, String> last = new TreeMap<>();
    while (System.nanoTime() < deadline) {
      try {
        JsonNode body = getJson(adminPort, "/cluster");
        TreeMap<String, String> members = new TreeMap<>();
        body.get("members").forEach(m -> members.put(m.get("node").asText(),
            m.get("status").asText() + ":" + m.get("reachable").asBoolean()));
        last = members;
        if (condition.test(members)) return members;
      } catch (IOException | AssertionError notYet) {
        // the admin API is not up yet, or the node is not in a cluster yet
      }
      log.awaitNewLine(Duration.ofMillis(500)); // woken by the node's own log, else polls twice a second
    }
    throw new AssertionError(what + ": not within " + FORM + "; last seen " + last + "\nlog:\n" + log);
  }

  /** Polls GET /cluster (bounded) until the body satisfies the condition. */
  private JsonNode awaitCluster(int adminPort, java.util.function.Predicate<JsonNode> condition, String what,
      LineCollector log) throws Exception {
    long deadline = System.nanoTime() + FORM.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = getJson(adminPort, "/cluster");
      if (condition.test(last)) return last;
      log.awaitNewLine(Duration.ofMillis(500));
    }
    throw new AssertionError(what + ": not within " + FORM + "; last " + last + "\nlog:\n" + log);
  }

  private JsonNode getJson(int port, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return JsonSupport.mapper().readTree(r.body());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
