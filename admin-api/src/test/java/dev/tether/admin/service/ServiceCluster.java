package dev.tether.admin.service;

import dev.tether.admin.testing.LineCollector;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Tether service processes forming one cluster on loopback, configured as an operator would: the
 * repository's application.conf and its environment variables (plus system properties for what a
 * test adds, such as a TLS profile). Each node keeps its ports and data directory across restarts.
 * The waits poll the admin API, woken by the node's own log lines, bounded by {@link #WAIT}.
 */
final class ServiceCluster implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(60);
  /**
   * For members to see each other after their JVMs start: JVM start, remoting and joining took more
   * than a minute once on this 2-core machine while other builds ran (load average 34).
   */
  static final Duration FORM_WAIT = Duration.ofMinutes(3);

  private final Path dir;
  private final List<String> extraProperties;
  private final int[] remoting;
  private final int[] admin;
  private final Process[] processes;
  private final LineCollector[] logs;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param extraProperties {@code -D} options for every node, e.g. a shortened resolver stable-after
   */
  ServiceCluster(Path dir, int size, List<String> extraProperties) throws IOException {
    this.dir = dir;
    this.extraProperties = List.copyOf(extraProperties);
    this.remoting = new int[size];
    this.admin = new int[size];
    for (int i = 0; i < size; i++) {
      remoting[i] = freePort();
      admin[i] = freePort();
    }
    this.processes = new Process[size];
    this.logs = new LineCollector[size];
  }

  int size() {
    return remoting.length;
  }

  /** The member's name as views and {@code GET /cluster} give it. */
  String node(int i) {
    return "127.0.0.1:" + remoting[i];
  }

  int indexOf(String node) {
    for (int i = 0; i < size(); i++) if (node(i).equals(node)) return i;
    throw new AssertionError("no member " + node);
  }

  LineCollector log(int i) {
    return logs[i];
  }

  /** Every node's log, for a failure message. */
  String logs() {
    StringBuilder b = new StringBuilder();
    for (LineCollector l : logs) if (l != null) b.append(l).append('\n');
    return b.toString();
  }

  /** Starts node i (again), seeded by the first two nodes. */
  void start(int i) throws IOException {
    Path conf = RepositoryFiles.applicationConf();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // As the jar's manifest does for java -jar: LMDB (the durable specs) reaches into NIO internals.
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), "-Dconfig.file=" + conf));
    cmd.addAll(extraProperties);
    cmd.add(AdminApp.class.getName());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    for (String name : List.of("TETHER_ADMIN_HOST", "TETHER_ADMIN_TOKEN")) pb.environment().remove(name);
    Map<String, String> env = new HashMap<>(Map.of(
        "TETHER_DEMO", "off",
        "TETHER_ADMIN_PORT", String.valueOf(admin[i]),
        "TETHER_CLUSTER_ENABLED", "on",
        "TETHER_CLUSTER_HOST", "127.0.0.1",
        "TETHER_CLUSTER_PORT", String.valueOf(remoting[i]),
        "TETHER_CLUSTER_SEEDS", node(0) + "," + node(Math.min(1, size() - 1)),
        "TETHER_DATA_DIR", dir.resolve("node-" + (i + 1)).toString()));
    pb.environment().putAll(env);
    processes[i] = pb.start();
    logs[i] = LineCollector.of("node " + (i + 1), processes[i].getInputStream());
  }

  /** SIGKILL: no leave, no goodbye. */
  void kill9(int i) throws InterruptedException {
    processes[i].destroyForcibly();
    processes[i].waitFor(30, TimeUnit.SECONDS);
  }

  /** Sends SIGTERM (only the signal: our end of its output stays open). */
  void sigterm(int i) {
    assertTrue(processes[i].toHandle().destroy(), "SIGTERM not sent to node " + (i + 1));
  }

  /** Waits for node i to exit and returns its exit code. */
  int awaitExit(int i) throws InterruptedException {
    assertTrue(processes[i].waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "node " + (i + 1) + " did not exit:\n" + logs[i]);
    return processes[i].exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : processes) {
      if (p == null) continue;
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  // ---------------------------------------------------------------- the admin API

  HttpResponse<String> request(int i, String method, String path, String jsonBody) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin[i] + path));
    b = jsonBody == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
        : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode getJson(int i, String path) throws Exception {
    HttpResponse<String> r = request(i, "GET", path, null);
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return JsonSupport.mapper().readTree(r.body());
  }

  /** Polls GET /cluster on node i until the members, as node → "status:reachable", satisfy the condition. */
  SortedMap<String, String> awaitMembers(int i, Predicate<Map<String, String>> condition, String what) throws Exception {
    long deadline = System.nanoTime() + FORM_WAIT.toNanos();
    TreeMap<String, String> last = new TreeMap<>();
    while (System.nanoTime() < deadline) {
      try {
        JsonNode body = getJson(i, "/cluster");
        TreeMap<String, String> members = new TreeMap<>();
        body.get("members").forEach(m -> members.put(m.get("node").asText(),
            m.get("status").asText() + ":" + m.get("reachable").asBoolean()));
        last = members;
        if (condition.test(members)) return members;
      } catch (IOException | AssertionError notYet) {
        // the admin API is not up yet, or the node is not in a cluster yet
      }
      logs[i].awaitNewLine(Duration.ofMillis(500)); // woken by the node's own log, else polls twice a second
    }
    throw new AssertionError(what + ": not within " + FORM_WAIT + "; last seen " + last + "\nlog:\n" + logs[i]);
  }

  /** Waits until node i sees all {@code n} members up and reachable. */
  void awaitAllUp(int i, int n) throws Exception {
    awaitMembers(i, m -> m.size() == n && m.values().stream().allMatch("up:true"::equals),
        "node " + (i + 1) + " sees " + n + " members up");
  }

  /** Polls GET path on node i until the JSON body satisfies the condition (a 404 or a failure is "not yet"). */
  JsonNode await(int i, String path, Predicate<JsonNode> condition, String what) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = request(i, "GET", path, null);
        last = r.statusCode() + " " + r.body();
        if (r.statusCode() == 200) {
          JsonNode v = JsonSupport.mapper().readTree(r.body());
          if (condition.test(v)) return v;
        }
      } catch (IOException notYet) {
        last = notYet.toString();
      }
      logs[i].awaitNewLine(Duration.ofMillis(500));
    }
    throw new AssertionError(what + ": not within " + WAIT + "; last " + abbreviate(last) + "\nlog:\n" + logs[i]);
  }

  private static String abbreviate(String s) {
    return s.length() > 4000 ? s.substring(0, 4000) + "..." : s;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
