package dev.tether.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The processes of the cluster-scale run, one job: start the TLS echo servers and the three service
 * nodes (each pid recorded for the script's cleanup), tell whether the nodes still run, and stop
 * everything at the end. The nodes' logs are read through here too.
 */
final class NodeProcesses {
  private final ScaleOptions o;
  /** Says which node was killed on purpose: that one is not expected to run. */
  private final ScaleReport report;
  private final List<ScaleNode> nodes = new ArrayList<>();
  private final List<EchoServerProcess> echoServers = new ArrayList<>();
  private final List<Process> started = Collections.synchronizedList(new ArrayList<>());

  NodeProcesses(ScaleOptions o, ScaleReport report) {
    this.o = o;
    this.report = report;
  }

  List<ScaleNode> nodes() {
    return nodes;
  }

  List<EchoServerProcess> echoServers() {
    return echoServers;
  }

  /** The echo servers, the connections' peers. */
  void startEchoServers(ThrowawayTls tls) throws IOException {
    for (int i = 0; i < o.echoServers(); i++) {
      EchoServerProcess echo = EchoServerProcess.start(tls, o.out().resolve("echo-" + (i + 1) + ".log"));
      echoServers.add(echo);
      recordPid(echo.pid());
    }
  }

  /** The three nodes, the first two the seeds, each on free ports. */
  void startNodes(Path conf) throws IOException {
    int[] remoting = {freePort(), freePort(), freePort()};
    int[] admin = {freePort(), freePort(), freePort()};
    String seeds = "127.0.0.1:" + remoting[0] + ",127.0.0.1:" + remoting[1];
    for (int i = 0; i < 3; i++) nodes.add(startNode(i, remoting[i], admin[i], seeds, conf));
  }

  private ScaleNode startNode(int i, int remoting, int admin, String seeds, Path conf) throws IOException {
    ScaleNode n = new ScaleNode(i, remoting, admin, o.out().resolve("node-" + (i + 1) + ".log"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + o.nodeHeap(), "-XX:+UseG1GC"));
    cmd.addAll(o.nodeOpts());
    cmd.addAll(List.of("-Dconfig.file=" + conf, "-jar", o.jar().toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(n.log.toFile()));
    for (String name : List.of("TETHER_ADMIN_HOST", "TETHER_ADMIN_TOKEN", "TETHER_JOBS_PORT")) pb.environment().remove(name);
    pb.environment().putAll(Map.of(
        "TETHER_DEMO", "off",
        "TETHER_ADMIN_PORT", String.valueOf(admin),
        "TETHER_CLUSTER_ENABLED", "on",
        "TETHER_CLUSTER_HOST", "127.0.0.1",
        "TETHER_CLUSTER_PORT", String.valueOf(remoting),
        "TETHER_CLUSTER_SEEDS", seeds,
        "TETHER_DATA_DIR", o.work().resolve("data-node-" + (i + 1)).toString()));
    Files.writeString(n.log, "# " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8);
    n.startedAt = System.nanoTime();
    n.process = pb.start();
    started.add(n.process);
    recordPid(n.process.pid());
    return n;
  }

  void checkAlive() {
    for (ScaleNode n : nodes) {
      if (n != report.victim && !n.process.isAlive()) {
        throw new ClusterScale.Failure("node " + n.name() + " exited (code " + n.process.exitValue() + "); see " + n.log + ":\n"
            + tail(n.log, 30));
      }
    }
  }

  void stopAll() {
    for (Process p : started) p.destroyForcibly();
    for (EchoServerProcess e : echoServers) {
      try {
        e.close();
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }
    for (Process p : started) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void recordPid(long pid) throws IOException {
    if (o.pidFile().isPresent()) {
      Files.writeString(o.pidFile().get(), pid + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  String logsHint() {
    return "node logs: " + nodes.stream().map(n -> n.log.toString()).collect(Collectors.joining(", "));
  }

  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(" + e + ")";
    }
  }

  static Optional<String> firstLogLine(ScaleNode n, String containing) throws IOException {
    try (var lines = Files.lines(n.log, StandardCharsets.UTF_8)) {
      return lines.filter(l -> l.contains(containing)).findFirst();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
