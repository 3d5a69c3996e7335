package dev.tether.admin.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.admin.testing.LineCollector;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Tether service processes forming one cluster on loopback, configured as an operator would: the
 * repository's application.conf and its environment variables (plus system properties for what a
 * test adds, such as a TLS profile). Each node keeps its ports and data directory across restarts.
 * Each node is a {@link ServiceProcess}; the waits poll its admin API, woken by its own log lines.
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
  private final ServiceProcess[] nodes;

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
    this.nodes = new ServiceProcess[size];
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
    return nodes[i].output();
  }

  /** Every node's log, for a failure message. */
  String logs() {
    StringBuilder b = new StringBuilder();
    for (ServiceProcess n : nodes) if (n != null) b.append(n.output()).append('\n');
    return b.toString();
  }

  /** Starts node i (again), seeded by the first two nodes. */
  void start(int i) throws IOException {
    nodes[i] = ServiceProcess.builder("node " + (i + 1))
        .config(RepositoryFiles.applicationConf())
        // As the jar's manifest does for java -jar: LMDB (the durable specs) reaches into NIO internals.
        .jvmOptions(List.of("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED"))
        .jvmOptions(extraProperties)
        .adminPort(admin[i])
        .env(Map.of(
            "TETHER_DEMO", "off",
            "TETHER_CLUSTER_ENABLED", "on",
            "TETHER_CLUSTER_HOST", "127.0.0.1",
            "TETHER_CLUSTER_PORT", String.valueOf(remoting[i]),
            "TETHER_CLUSTER_SEEDS", node(0) + "," + node(Math.min(1, size() - 1)),
            "TETHER_DATA_DIR", dir.resolve("node-" + (i + 1)).toString()))
        .start();
  }

  /** SIGKILL: no leave, no goodbye. */
  void kill9(int i) throws InterruptedException {
    nodes[i].kill();
  }

  /** Sends SIGTERM (only the signal: our end of its output stays open). */
  void sigterm(int i) {
    nodes[i].sigterm();
  }

  /** Waits for node i to exit and returns its exit code. */
  int awaitExit(int i) throws InterruptedException {
    return nodes[i].awaitExit(WAIT);
  }

  @Override
  public void close() throws InterruptedException {
    for (ServiceProcess n : nodes) if (n != null) n.close();
  }

  // ---------------------------------------------------------------- the admin API

  HttpResponse<String> request(int i, String method, String path, String jsonBody) throws IOException, InterruptedException {
    return nodes[i].request(method, path, jsonBody);
  }

  JsonNode getJson(int i, String path) throws Exception {
    return nodes[i].getJson(path);
  }

  /** Polls GET /cluster on node i until the members, as node → "status:reachable", satisfy the condition. */
  SortedMap<String, String> awaitMembers(int i, Predicate<Map<String, String>> condition, String what) throws Exception {
    return nodes[i].poll(what, FORM_WAIT, seen -> {
      // Not up yet, or not in a cluster yet: "not yet" (ServiceProcess.poll).
      TreeMap<String, String> members = new TreeMap<>();
      nodes[i].getJson("/cluster").get("members").forEach(m -> members.put(m.get("node").asText(),
          m.get("status").asText() + ":" + m.get("reachable").asBoolean()));
      seen.append(members);
      return condition.test(members) ? members : null;
    });
  }

  /** Waits until node i sees all {@code n} members up and reachable. */
  void awaitAllUp(int i, int n) throws Exception {
    awaitMembers(i, m -> m.size() == n && m.values().stream().allMatch("up:true"::equals),
        "node " + (i + 1) + " sees " + n + " members up");
  }

  /** Polls GET path on node i until the JSON body satisfies the condition (a 404 or a failure is "not yet"). */
  JsonNode await(int i, String path, Predicate<JsonNode> condition, String what) throws Exception {
    return nodes[i].await(path, condition, what, WAIT);
  }

  static int freePort() throws IOException {
    return ServiceProcess.freePort();
  }
}
