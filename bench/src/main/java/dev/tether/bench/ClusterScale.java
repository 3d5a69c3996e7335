package dev.tether.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code bench/cluster-scale}: Tether's cluster mode at scale (issue 10, "Scale"). Three service
 * processes ({@code tether.jar}, the root {@code application.conf} plus one TLS profile that trusts
 * the echo servers) form a cluster on loopback; N outbound connections per node are opened through
 * the REST API (each POST to one node, round robin; sharding decides where each runs) to {@link
 * EchoServer} JVMs; then it measures
 *
 * <ol>
 *   <li>{@code GET /connections} over all of them from one node (repetitions, response size);
 *   <li>{@code GET /connections/{id}} from a node that does not own the connection (and, to compare,
 *       from the owner);
 *   <li>{@code kill -9} of the node holding the most: time until every one of its connections is
 *       open again on the survivors, with the moments of failure detection, the Split Brain
 *       Resolver's decision and the removal (from the survivors' logs) and of the first and last
 *       moved connection's open (the connections' own {@code stateSince});
 * </ol>
 *
 * plus heap (after a full GC) and RSS per node. Writes {@code results.md} (and the timeline of the
 * failover) to the output directory and prints the Markdown. Started by {@code bench/cluster-scale},
 * which builds, makes the work directory and cleans up.
 *
 * <p>This class runs the steps in order; each has its own class: {@link NodeProcesses} (the echo
 * servers and nodes), {@link NodeConfig}, {@link AdminClient} (the REST API), {@link OpeningPhase},
 * {@link ListingMeasurements}, {@link NodeMemory}, {@link FailoverPhase}, and {@link ReportWriter}
 * (from the {@link ScaleReport} they fill in).
 */
public final class ClusterScale {
  private static final long STARTED = System.nanoTime();

  private final ScaleOptions o;
  private final ScaleReport report = new ScaleReport();
  private final NodeProcesses processes;
  private final AdminClient client = new AdminClient();

  private ClusterScale(ScaleOptions o) {
    this.o = o;
    this.report.total = 3 * o.perNode();
    this.processes = new NodeProcesses(o, report);
  }

  /** A step that did not complete within its bound, or a product answer that makes going on pointless. */
  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message);
    }
  }

  public static void main(String[] args) {
    ScaleOptions o;
    try {
      o = ScaleOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("cluster-scale: " + e.getMessage());
      System.exit(2);
      return;
    }
    ClusterScale run = new ClusterScale(o);
    Runtime.getRuntime().addShutdownHook(new Thread(run.processes::stopAll, "cluster-scale-cleanup"));
    int code = 0;
    try {
      run.run();
    } catch (Failure e) {
      say("FAILED: " + e.getMessage());
      run.report.failure = e.getMessage();
      code = 1;
    } catch (Exception e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      say("FAILED: " + trace);
      run.report.failure = e.toString();
      code = 1;
    }
    try {
      new ReportWriter(o, run.processes.nodes(), run.report).write();
    } catch (Exception e) {
      say("could not write the report: " + e);
      code = 1;
    }
    System.exit(code);
  }

  // ------------------------------------------------------------------------------------ the run

  private void run() throws Exception {
    Files.createDirectories(o.out());
    report.started = Instant.now();
    report.loadAtStart = ReportWriter.loadAverage();
    say("output: " + o.out());
    say(report.total + " connections: " + o.perNode() + " per node × 3 nodes, " + o.echoServers() + " echo server JVM(s); node heap -Xmx"
        + o.nodeHeap());

    ThrowawayTls tls = ThrowawayTls.generate(o.work().resolve("tls"));
    processes.startEchoServers(tls);
    say("echo servers on ports " + processes.echoServers().stream().map(e -> String.valueOf(e.port())).collect(Collectors.joining(", ")));

    NodeConfig config = new NodeConfig(o);
    Path conf = config.write(tls);
    report.settings = config.effectiveSettings(conf);
    processes.startNodes(conf);
    List<ScaleNode> nodes = processes.nodes();
    long formStart = System.nanoTime();
    for (ScaleNode n : nodes) {
      await("node " + n.name() + " sees 3 members up", o.formTimeout(), Duration.ofMillis(500), () -> {
        AdminClient.ClusterView v = client.cluster(n, Duration.ofSeconds(5));
        return v.members().size() == 3 && v.members().stream().allMatch(m -> m.status().equals("up") && m.reachable())
            ? Optional.of(v) : Optional.empty();
      }, n);
    }
    report.formSeconds = secondsSince(formStart);
    say(String.format(Locale.ROOT, "cluster formed in %.1f s: %s", report.formSeconds,
        nodes.stream().map(n -> n.address).collect(Collectors.joining(", "))));
    report.sbrLine = NodeProcesses.firstLogLine(nodes.get(0), "SBR started").orElse("(not found in the log)");
    for (ScaleNode n : nodes) n.idle = NodeMemory.of(n);

    new OpeningPhase(o, processes, client, report).run();
    ListingMeasurements measurements = new ListingMeasurements(o, processes, client, report);
    measurements.listAll("before", nodes.get(0), o.listReps());
    measurements.getOne();
    for (ScaleNode n : nodes) n.loaded = NodeMemory.of(n);
    report.loadAfterOpen = ReportWriter.loadAverage();
    if (o.failover()) {
      new FailoverPhase(o, processes, client, report).run();
      for (ScaleNode n : nodes) if (n != report.victim) n.afterFailover = NodeMemory.of(n);
      ScaleNode survivor = nodes.stream().filter(n -> n != report.victim).findFirst().orElseThrow();
      measurements.listAll("after", survivor, Math.max(1, Math.min(3, o.listReps())));
    }
    report.finished = Instant.now();
  }

  private <T> T await(String what, Duration bound, Duration every, java.util.concurrent.Callable<Optional<T>> probe, ScaleNode node)
      throws Exception {
    long deadline = System.nanoTime() + bound.toNanos();
    String last = "-";
    while (System.nanoTime() < deadline) {
      processes.checkAlive();
      try {
        Optional<T> got = probe.call();
        if (got.isPresent()) return got.get();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(every.toMillis());
    }
    throw new Failure(what + ": not within " + bound.toSeconds() + " s (last: " + last + "); see " + node.log + ":\n" + NodeProcesses.tail(node.log, 20));
  }

  /** The id of the {@code i}th connection (from 0): {@code scale-00001}, … */
  static String id(int i) {
    return String.format(Locale.ROOT, "scale-%05d", i + 1);
  }

  /** The ids of the first {@code total} connections. */
  static List<String> ids(int total) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < total; i++) ids.add(id(i));
    return ids;
  }

  static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  static void say(String s) {
    System.err.printf(Locale.ROOT, "[%6.1f s] cluster-scale: %s%n", secondsSince(STARTED), s);
  }
}
