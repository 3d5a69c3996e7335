package dev.tether.bench;

import dev.tether.bench.jmh.EchoRoundTripBenchmark;
import dev.tether.bench.jmh.SessionEchoRoundTripBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every scenario for the product and both baselines in one invocation, interleaving the
 * systems (rotated per repetition) so that a noisy machine affects all of them alike; prints the
 * table and the targets, writes {@code bench-results.json}. Exits 1 if any connection failed or any
 * scenario errored.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    BenchOptions o = BenchOptions.parse(args);
    Files.createDirectories(o.out());
    long start = System.nanoTime();
    List<String> failures = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    Results results = new Results();
    System.err.printf("bench: %s mode, N=%s, %d repetition(s), window %ss, systems %s%n", o.smoke() ? "smoke" : "full",
        o.counts(), o.reps(), o.window().toMillis() / 1000.0, o.systems());

    ThrowawayTls tls = ThrowawayTls.generate(o.out().resolve("tls"));
    Path serverLog = o.out().resolve("echo-server.log");
    Path clientLog = o.out().resolve("accept-client.log");
    Files.deleteIfExists(serverLog);
    Files.deleteIfExists(clientLog);
    boolean outbound = o.scenarios().stream().anyMatch(List.of("handshake", "throughput", "scale")::contains);
    boolean inbound = o.scenarios().contains("accept");
    checkFileLimit(o);
    // The echo servers are the peers of the outbound scenarios; the accept client, of the inbound one.
    List<EchoServerProcess> servers = new ArrayList<>();
    try (AutoCloseable stopServers = () -> {
          for (EchoServerProcess server : servers) server.close();
        };
        AcceptClientProcess acceptClient = inbound ? AcceptClientProcess.start(tls, clientLog) : null) {
      for (int i = 0; outbound && i < echoServers(o); i++) {
        servers.add(EchoServerProcess.start(tls, serverLog));
        System.err.println("bench: echo server on 127.0.0.1:" + servers.get(i).port() + " (log " + serverLog + ")");
      }
      if (acceptClient != null) System.err.println("bench: accept clients in a child JVM (log " + clientLog + ")");
      Scenarios s = new Scenarios(o, servers, acceptClient, tls, results, f -> {
        synchronized (failures) {
          failures.add(f);
        }
        System.err.println("  FAILED: " + f);
      }, System.err::println);

      if (o.warmup()) {
        System.err.println("bench: warm-up (not recorded)");
        for (String system : o.systems()) {
          run(errors, "warm-up " + system, () -> {
            if (o.scenarios().contains("scale")) s.scale(system, Math.min(1000, o.counts().get(0)), false, false);
            if (o.scenarios().contains("handshake")) s.handshakeRate(system, false);
            if (o.scenarios().contains("throughput")) s.throughput(system, 1, false);
            if (inbound) s.accept(system, Math.min(1000, o.counts().get(0)), false);
          });
        }
      }
      for (int rep = 0; rep < o.reps(); rep++) {
        List<String> order = rotate(o.systems(), rep);
        System.err.printf("bench: repetition %d/%d, order %s%n", rep + 1, o.reps(), order);
        if (o.scenarios().contains("handshake")) {
          for (String system : order) run(errors, "handshake " + system, () -> s.handshakeRate(system, true));
        }
        for (int conns : o.scenarios().contains("throughput") ? List.of(1, 100) : List.<Integer>of()) {
          for (String system : order) run(errors, "throughput x" + conns + " " + system, () -> s.throughput(system, conns, true));
        }
        for (int n : o.scenarios().contains("scale") ? o.counts() : List.<Integer>of()) {
          for (String system : order) {
            run(errors, "scale N=" + n + " " + system, () -> s.scale(system, n, o.storm(), true));
            Scenarios.settle();
          }
        }
        for (int n : inbound ? o.counts() : List.<Integer>of()) {
          for (String system : order) {
            run(errors, "accept N=" + n + " " + system, () -> s.accept(system, n, true));
            Scenarios.settle();
          }
        }
      }
    }

    if (o.jmh()) {
      for (int round = 1; round <= o.jmhRounds(); round++) {
        if (o.jmhRounds() > 1) System.err.printf("bench: JMH round %d/%d%n", round, o.jmhRounds());
        run(errors, "jmh", () -> jmh(o, tls, results));
      }
    } else {
      System.err.println("bench: JMH skipped (--no-jmh)");
    }

    Path json = o.out().resolve("bench-results.json");
    results.writeJson(json);
    System.out.println();
    System.out.println("Figures: median [min..max] over " + o.reps() + " repetition(s); ratios are tether / baseline.");
    if (o.smoke()) System.out.println("Smoke mode: no warm-up, tiny N; the figures only prove that the code runs.");
    System.out.println(results.table());
    System.out.println(targets(o, results));
    if (!failures.isEmpty() || !errors.isEmpty()) {
      System.out.println("Problems:");
      failures.forEach(f -> System.out.println("  - failed connections: " + f));
      errors.forEach(e -> System.out.println("  - error: " + e));
    }
    System.out.printf(Locale.ROOT, "Wrote %s in %.0f s.%n", json, (System.nanoTime() - start) / 1e9);
    System.exit(failures.isEmpty() && errors.isEmpty() ? 0 : 1);
  }

  /**
   * Connections one echo server JVM holds at most: below the process file limit here (20000, hard)
   * with room for the JVM's own files. N beyond it spreads over more servers.
   */
  private static final int CONNECTIONS_PER_ECHO_SERVER = 10_000;
  /** Files the harness JVM needs besides the connections' sockets: jars, selectors, pipes, logs. */
  private static final int HARNESS_SPARE_FILES = 200;

  private static int echoServers(BenchOptions o) {
    int largest = o.counts().stream().mapToInt(Integer::intValue).max().orElse(0);
    return Math.max(1, (largest + CONNECTIONS_PER_ECHO_SERVER - 1) / CONNECTIONS_PER_ECHO_SERVER);
  }

  /**
   * Fails early, with the reason, if the harness JVM cannot hold N sockets: every connection is a
   * file of this process, and (unlike the peer) the client side cannot be spread over more JVMs
   * without changing what the heap and RSS figures mean.
   */
  private static void checkFileLimit(BenchOptions o) throws Exception {
    long limit = ((com.sun.management.UnixOperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getMaxFileDescriptorCount();
    long open = ((com.sun.management.UnixOperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getOpenFileDescriptorCount();
    int largest = o.counts().stream().mapToInt(Integer::intValue).max().orElse(0);
    if (largest + open + HARNESS_SPARE_FILES > limit) {
      throw new IllegalArgumentException("N=" + largest + " does not fit this process's file limit of " + limit
          + " (" + open + " files already open, " + HARNESS_SPARE_FILES + " kept spare): at most N="
          + (limit - open - HARNESS_SPARE_FILES) + " here; raise ulimit -n");
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void run(List<String> errors, String name, Step step) {
    try {
      step.run();
    } catch (Exception | AssertionError e) {
      errors.add(name + ": " + e);
      System.err.println("  ERROR in " + name + ": " + e);
      e.printStackTrace();
    }
  }

  private static List<String> rotate(List<String> systems, int by) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < systems.size(); i++) out.add(systems.get((i + by) % systems.size()));
    return out;
  }

  /**
   * The JMH echo round trips, one fork per system: addressed by id through the manager (every
   * system; the baselines have no manager), and through a connection's session (Tether only).
   */
  private static void jmh(BenchOptions o, ThrowawayTls tls, Results results) throws Exception {
    System.err.println("bench: JMH " + EchoRoundTripBenchmark.class.getSimpleName());
    for (RunResult r : new Runner(jmhOptions(o, tls, EchoRoundTripBenchmark.class, o.systems())).run()) {
      results.add("jmh echo 64 B", r.getParams().getParam("system"), "round-trip", r.getPrimaryResult().getScoreUnit(),
          r.getPrimaryResult().getScore());
    }
    List<String> tethers = o.systems().stream().filter(s -> s.startsWith("tether")).toList();
    if (tethers.isEmpty()) return;
    System.err.println("bench: JMH " + SessionEchoRoundTripBenchmark.class.getSimpleName());
    for (RunResult r : new Runner(jmhOptions(o, tls, SessionEchoRoundTripBenchmark.class, tethers)).run()) {
      results.add("jmh echo 64 B", r.getParams().getParam("system"), "round-trip, session handler",
          r.getPrimaryResult().getScoreUnit(), r.getPrimaryResult().getScore());
    }
  }

  private static org.openjdk.jmh.runner.options.Options jmhOptions(BenchOptions o, ThrowawayTls tls, Class<?> benchmark,
      List<String> systems) {
    ChainedOptionsBuilder b = new OptionsBuilder()
        .include(benchmark.getName() + "\\.")
        .param("system", systems.toArray(String[]::new))
        .forks(1)
        // The fork inherits the harness's options; its -Xms4g would exceed -Xmx1g, so both are set here.
        .jvmArgsAppend("-Xms1g", "-Xmx1g", "-D" + EchoRoundTripBenchmark.TLS_DIR + "=" + tls.cert().getParent().toAbsolutePath(),
            "-D" + EchoRoundTripBenchmark.LOG + "=" + o.out().resolve("echo-server-jmh.log").toAbsolutePath());
    if (o.smoke()) {
      b.warmupIterations(1).warmupTime(TimeValue.milliseconds(500)).measurementIterations(1)
          .measurementTime(TimeValue.milliseconds(500));
    } else {
      b.warmupIterations(3).warmupTime(TimeValue.seconds(1)).measurementIterations(5).measurementTime(TimeValue.seconds(1));
    }
    return b.build();
  }

  /**
   * Issue 11's targets, checked against the medians for the product with either TLS stage ({@code
   * tether} and {@code tether-pekko-stage}), each against raw Pekko of the same run. "No failed
   * connection" is not listed: any failure fails the run.
   */
  private static String targets(BenchOptions o, Results r) {
    StringBuilder b = new StringBuilder();
    for (String t : List.of("tether", "tether-pekko-stage")) {
      if (!o.systems().contains(t)) continue;
      b.append("Targets (").append(t).append("):\n");
      if (o.scenarios().contains("scale")) {
        for (int n : o.counts()) {
          String s = "open N=" + n;
          double heap = r.median(s, t, "heap-per-connection");
          b.append(check("heap per idle connection <= 40 KB (" + s + ")", heap / 1000, heap <= 40_000, " KB"));
          double ratio = heap / r.median(s, "pekko-raw", "heap-per-connection");
          b.append(check("heap per idle connection <= 0.35x pekko-raw (" + s + ")", ratio, ratio <= 0.35, "x"));
        }
      }
      if (o.scenarios().contains("throughput")) {
        for (int conns : List.of(1, 100)) {
          String s = "throughput x" + conns;
          double ratio = r.median(s, t, "throughput") / r.median(s, "pekko-raw", "throughput");
          b.append(check("throughput >= 1.0x pekko-raw (" + s + ")", ratio, ratio >= 1.0, "x"));
        }
      }
      if (o.jmh()) {
        double raw = r.median("jmh echo 64 B", "pekko-raw", "round-trip");
        double rt = r.median("jmh echo 64 B", t, "round-trip, session handler") / raw;
        b.append(check("64-byte echo round trip <= 1.2x pekko-raw (through the session)", rt, rt <= 1.2, "x"));
        double byId = r.median("jmh echo 64 B", t, "round-trip") / raw;
        b.append(check("64-byte echo round trip <= 1.2x pekko-raw (by id, through the manager)", byId, byId <= 1.2, "x"));
      }
      if (o.scenarios().contains("scale")) {
        int largest = o.counts().stream().mapToInt(Integer::intValue).max().orElse(0);
        double close = r.median("close N=" + largest, t, "time-to-all-outcomes");
        b.append(check("graceful close of N=" + largest + " within 1.5 s" + (largest != 8000 ? " (target is for N=8000)" : ""),
            close, close <= 1500, " ms"));
      }
      if (o.scenarios().contains("accept")) {
        for (int n : o.counts()) {
          String s = "accept N=" + n;
          double rate = r.median(s, t, "accept-rate") / r.median(s, "pekko-raw", "accept-rate");
          b.append(check("accept rate >= 0.9x pekko-raw (" + s + ")", rate, rate >= 0.9, "x"));
          double heap = r.median(s, t, "heap-per-connection");
          b.append(check("accepted connection's heap <= 40 KB (" + s + ")", heap / 1000, heap <= 40_000, " KB"));
        }
      }
    }
    return b.toString();
  }

  private static String check(String what, double value, boolean ok, String unit) {
    return String.format(Locale.ROOT, "  [%s] %s: %s%s%n", Double.isNaN(value) ? "n/a " : ok ? "PASS" : "MISS", what,
        Results.num(value), unit);
  }
}
