package dev.tether.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The scenarios, each run for one system at a time with a fresh driver. Figures go to {@link
 * Results} when {@code record} is set (it is not during the warm-up); connection problems go to
 * {@link #failures}.
 */
final class Scenarios {
  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(120);
  /**
   * How long opening N may take before the connections not open count as failed: 120 s, plus 20 ms
   * per connection beyond 5000 (a slowest rate of 50/s), so that N = 20000 on a busy 2-core machine
   * measures the systems, not the deadline.
   */
  private static Duration openTimeout(int n) {
    return OPEN_TIMEOUT.plusMillis(Math.max(0, n - 5000) * 20L);
  }
  private static final Duration STORM_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

  private final BenchOptions options;
  /** The echo peers; connection {@code idx} goes to {@code servers[idx % size]} (see {@link Driver.Target}). */
  private final List<EchoServerProcess> servers;
  private final AcceptClientProcess acceptClient;
  private final ThrowawayTls tls;
  private final Results results;
  private final Consumer<String> failures;
  private final Consumer<String> progress;

  /**
   * @param servers the echo peers of the outbound scenarios (empty if none of them runs)
   * @param acceptClient the clients of the accept scenario (null if it does not run)
   */
  Scenarios(BenchOptions options, List<EchoServerProcess> servers, AcceptClientProcess acceptClient, ThrowawayTls tls,
      Results results, Consumer<String> failures, Consumer<String> progress) {
    this.options = options;
    this.servers = servers;
    this.acceptClient = acceptClient;
    this.tls = tls;
    this.results = results;
    this.failures = failures;
    this.progress = progress;
  }

  private Driver driver(String system, Driver.Events events) {
    Driver.Target target =
        new Driver.Target(servers.stream().map(EchoServerProcess::port).toList(), tls.newClientContext(), options.backoff());
    return Driver.create(system, target, events);
  }

  private void put(boolean record, String scenario, String system, String metric, String unit, double value) {
    if (record) results.add(scenario, system, metric, unit, value);
  }

  private void fail(boolean record, String scenario, String system, int failed, List<String> problems) {
    if (failed > 0) {
      failures.accept((record ? "" : "(warm-up) ") + scenario + " / " + system + ": " + failed + " failed connection(s)"
          + (problems.isEmpty() ? "" : "; first: " + String.join(" | ", problems.subList(0, Math.min(3, problems.size())))));
    }
  }

  /**
   * Scenarios 1, 5 and 4 on one set of N connections: open N (time, heap per connection, threads),
   * kill and restart the peer (time until all are open again, peak connect rate), then close all
   * gracefully (time until every outcome, per-connection p50/p99).
   */
  void scale(String system, int n, boolean storm, boolean record) throws Exception {
    ConnectionTracker t = new ConnectionTracker(n, options.openConcurrency());
    String sOpen = "open N=" + n;
    String sStorm = "reconnect N=" + n;
    String sClose = "close N=" + n;
    try (Driver d = driver(system, t)) {
      Footprint before = Footprint.afterGc();
      long t0 = System.nanoTime();
      t.openAll(i -> d.open(i, false, 0), openTimeout(n));
      boolean allOpen = ConnectionTracker.await(t::openNow, n, openTimeout(n));
      double openMs = (System.nanoTime() - t0) / 1e6;
      int threads = ManagementFactory.getThreadMXBean().getThreadCount();
      Footprint after = Footprint.afterGc();
      int failedOpen = t.failedOpens() + (allOpen ? 0 : n - t.openNow());
      put(record, sOpen, system, "time-to-all-open", "ms", openMs);
      putFootprint(record, sOpen, system, before, after, n);
      put(record, sOpen, system, "live-threads", "threads", threads);
      put(record, sOpen, system, "failed-connections", "count", failedOpen);
      diagnostics(record, sOpen, d);
      fail(record, sOpen, system, failedOpen, t.problems());
      progress.accept(String.format("  %s %s: all open in %.0f ms, %s, %d threads%s", sOpen, system, openMs,
          describe(before, after, n), threads, allOpen ? "" : " (NOT ALL OPEN: " + t.openNow() + ")"));
      if (!allOpen) return;

      if (storm) {
        long mark = System.nanoTime();
        t.markStorm(mark);
        for (EchoServerProcess server : servers) server.kill();
        for (EchoServerProcess server : servers) server.restart();
        boolean back = ConnectionTracker.await(t::reopened, n, STORM_TIMEOUT);
        double stormMs = (System.nanoTime() - mark) / 1e6;
        int failedStorm = n - t.reopened();
        put(record, sStorm, system, "time-to-all-reopened", "ms", stormMs);
        put(record, sStorm, system, "peak-connect-rate", "conn/s", t.peakOpensPerSecond());
        put(record, sStorm, system, "failed-connections", "count", failedStorm);
        diagnostics(record, sStorm, d);
        fail(record, sStorm, system, failedStorm, t.problems());
        progress.accept(String.format("  %s %s: all reopened in %.0f ms, peak %d conn/s%s", sStorm, system, stormMs,
            t.peakOpensPerSecond(), back ? "" : " (NOT ALL BACK: " + t.reopened() + ")"));
        t.endStorm();
        if (!back || !ConnectionTracker.await(t::openNow, n, Duration.ofSeconds(10))) return;
        // Close settled connections, not ones whose TLS 1.3 post-handshake messages are still in
        // flight: a close_notify that races them is not what this scenario measures.
        Thread.sleep(1000);
      }

      long c0 = System.nanoTime();
      d.closeAllGracefully(n);
      boolean allEnded = ConnectionTracker.await(t::ends, n, CLOSE_TIMEOUT);
      double closeMs = (System.nanoTime() - c0) / 1e6;
      List<Double> lat = t.endLatenciesMillis(c0);
      int failedClose = t.insecureEnds() + (allEnded ? 0 : n - t.ends());
      put(record, sClose, system, "time-to-all-outcomes", "ms", closeMs);
      put(record, sClose, system, "p50", "ms", Results.percentile(lat, 50));
      put(record, sClose, system, "p99", "ms", Results.percentile(lat, 99));
      put(record, sClose, system, "failed-connections", "count", failedClose);
      fail(record, sClose, system, failedClose, t.problems());
      progress.accept(String.format("  %s %s: all outcomes in %.0f ms (p50 %.0f, p99 %.0f)%s", sClose, system, closeMs,
          Results.percentile(lat, 50), Results.percentile(lat, 99), allEnded ? "" : " (NOT ALL ENDED: " + t.ends() + ")"));
    }
  }

  /**
   * Scenario 2: keeps a fixed number of handshakes in flight; each connection is reset as soon as it
   * is open and replaced by a new one. Counts the opens within the window, after a warm-up second.
   */
  void handshakeRate(String system, boolean record) throws Exception {
    String scenario = "handshake TLSv1.3";
    ExecutorService loop = Executors.newSingleThreadExecutor();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger opensInWindow = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Set<Integer> openSet = ConcurrentHashMap.newKeySet();
    List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
    boolean[] counting = new boolean[1];
    boolean[] running = {true};
    Driver[] holder = new Driver[1];
    Driver.Events events = new Driver.Events() {
      @Override
      public void opened(int idx, long nanos) {
        loop.execute(() -> {
          if (!openSet.add(idx)) return;
          if (counting[0]) opensInWindow.incrementAndGet();
          holder[0].close(idx, false);
          inFlight.decrementAndGet();
          if (running[0]) startOne();
        });
      }

      @Override
      public void ended(int idx, long nanos, boolean secure, String detail) {
        loop.execute(() -> {
          if (openSet.remove(idx)) return; // our own reset after the handshake
          failed.incrementAndGet();
          if (problems.size() < 5) problems.add("connection " + idx + ": " + detail);
          holder[0].close(idx, false); // no reconnect for it
          inFlight.decrementAndGet();
          if (running[0]) startOne();
        });
      }

      private void startOne() {
        inFlight.incrementAndGet();
        holder[0].open(next.getAndIncrement(), false, 0);
      }
    };
    try (Driver d = driver(system, events)) {
      holder[0] = d;
      loop.submit(() -> {
        for (int i = 0; i < options.handshakeConcurrency(); i++) {
          inFlight.incrementAndGet();
          d.open(next.getAndIncrement(), false, 0);
        }
      }).get();
      Thread.sleep(options.smoke() ? 500 : 1000);
      loop.submit(() -> counting[0] = true).get();
      long t0 = System.nanoTime();
      Thread.sleep(options.window().toMillis());
      loop.submit(() -> {
        counting[0] = false;
        running[0] = false;
      }).get();
      double seconds = (System.nanoTime() - t0) / 1e9;
      ConnectionTracker.await(() -> -inFlight.get(), 0, Duration.ofSeconds(30));
      Thread.sleep(200); // let the last resets reach the server
      double rate = opensInWindow.get() / seconds;
      put(record, scenario, system, "handshake-rate", "conn/s", rate);
      put(record, scenario, system, "failed-connections", "count", failed.get());
      fail(record, scenario, system, failed.get(), problems);
      progress.accept(String.format("  %s %s: %.0f conn/s", scenario, system, rate));
    } finally {
      loop.shutdownNow();
    }
  }

  /** Scenario 3: {@code conns} connections each writing as fast as backpressure allows; MB/s echoed back. */
  void throughput(String system, int conns, boolean record) throws Exception {
    String scenario = "throughput x" + conns;
    ConnectionTracker t = new ConnectionTracker(conns, conns);
    try (Driver d = driver(system, t)) {
      t.openAll(i -> d.open(i, true, options.chunk()), OPEN_TIMEOUT);
      boolean allOpen = ConnectionTracker.await(t::openNow, conns, OPEN_TIMEOUT);
      int failedOpen = t.failedOpens() + (allOpen ? 0 : conns - t.openNow());
      if (allOpen) {
        Thread.sleep(options.smoke() ? 500 : 1000);
        long b0 = d.rxBytes();
        long t0 = System.nanoTime();
        Thread.sleep(options.window().toMillis());
        long b1 = d.rxBytes();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double mbs = (b1 - b0) / 1e6 / seconds;
        put(record, scenario, system, "throughput", "MB/s", mbs);
        progress.accept(String.format("  %s %s: %.1f MB/s", scenario, system, mbs));
      }
      put(record, scenario, system, "failed-connections", "count", failedOpen);
      fail(record, scenario, system, failedOpen, t.problems());
      t.expectAborts();
      for (int i = 0; i < conns; i++) d.close(i, false);
      ConnectionTracker.await(t::ends, t.ends() + t.openNow(), Duration.ofSeconds(20));
    }
  }

  /**
   * Scenario 6, inbound: the server under test runs here, N clients in the {@link AcceptClient} JVM
   * connect with at most {@code --open-concurrency} in flight (a slot is freed when the connection's
   * one echoed line came back). Accept rate = N / (time from the OPEN command until the server saw
   * the N-th handshake complete); heap per connection as in {@link #scale}, here of the server. Then
   * the clients close gracefully. A few primer connections are opened and closed before the heap
   * baseline, so that state a server creates lazily once (Netty's buffer arenas, first-use classes)
   * does not count per connection. {@code -Dbench.accept.hold-seconds=S} keeps the N connections
   * open S seconds after the heap figure (for {@code jmap -histo:live}).
   */
  void accept(String system, int n, boolean record) throws Exception {
    String scenario = "accept N=" + n;
    try (AcceptServer srv = AcceptServer.start(system, tls.newServerContext(), n)) {
      int primerFailed = acceptRound(srv, PRIMER_CONNECTIONS).failed();
      srv.resetCounts();

      Footprint before = Footprint.afterGc();
      long t0 = System.nanoTime();
      acceptClient.open(srv.port(), n, options.openConcurrency());
      boolean allAccepted = ConnectionTracker.await(srv::handshakes, n, openTimeout(n));
      double acceptMs = (srv.lastHandshakeNanos() - t0) / 1e6;
      AcceptClientProcess.Opened opened = acceptClient.awaitOpened(openTimeout(n));
      int threads = ManagementFactory.getThreadMXBean().getThreadCount();
      Footprint after = Footprint.afterGc();
      progress.accept(String.format("  %s %s: %d accepted in %.0f ms (%.0f conn/s), client: %d ready in %.0f ms, "
          + "%s, %d threads", scenario, system, srv.handshakes(), acceptMs, n / (acceptMs / 1000),
          opened.ready(), opened.millis(), describe(before, after, n), threads));
      long hold = Long.getLong("bench.accept.hold-seconds", 0);
      if (hold > 0) {
        progress.accept("    holding " + opened.ready() + " connections open for " + hold + " s; harness pid "
            + ProcessHandle.current().pid());
        Thread.sleep(hold * 1000);
      }
      Map<String, Double> diag = new TreeMap<>(srv.diagnostics());
      Round closed = closeRound(srv, opened);

      if (allAccepted) put(record, scenario, system, "accept-rate", "conn/s", n / (acceptMs / 1000));
      putFootprint(record, scenario, system, before, after, n);
      put(record, scenario, system, "live-threads", "threads", threads);
      put(record, scenario, system, "unclean-closes", "count", closed.unclean());
      put(record, scenario, system, "failed-connections", "count", primerFailed + closed.failed());
      diag.forEach((key, value) -> put(record, scenario, system, key.substring(0, key.lastIndexOf(' ')),
          key.substring(key.lastIndexOf(' ') + 1), value));
      if (!diag.isEmpty()) progress.accept("    " + system + " diagnostics: " + diag);
      fail(record, scenario, system, primerFailed + closed.failed(), closed.problems());
    }
  }

  private static final int PRIMER_CONNECTIONS = 16;

  /**
   * What one round of the accept scenario saw. {@code failed}: connections that were not accepted
   * and echoed, ended early, or (for a server that answers close_notify) closed without it; the
   * same connection may fail on both sides, so the larger side counts.
   */
  private record Round(int failed, int unclean, List<String> problems) {}

  /** Opens {@code n} connections, then closes them (the primer). */
  private Round acceptRound(AcceptServer srv, int n) throws Exception {
    acceptClient.open(srv.port(), n, options.openConcurrency());
    return closeRound(srv, acceptClient.awaitOpened(OPEN_TIMEOUT));
  }

  /** The clients close gracefully; waits until the server saw every accepted connection end. */
  private Round closeRound(AcceptServer srv, AcceptClientProcess.Opened opened) throws Exception {
    int n = opened.ready() + opened.failed();
    srv.expectCloses();
    AcceptClientProcess.Closed closed = acceptClient.closeAll(CLOSE_TIMEOUT);
    boolean allEnded = ConnectionTracker.await(srv::ends, srv.handshakes(), CLOSE_TIMEOUT);
    int clientFailed = opened.failed() + (srv.answersCloseNotify() ? closed.unclean() : 0);
    int failed = Math.max(Math.max(clientFailed, srv.failures()), n - srv.handshakes())
        + (allEnded ? 0 : srv.handshakes() - srv.ends());
    List<String> problems = new java.util.ArrayList<>(srv.problems());
    if (!opened.problems().isBlank()) problems.add("client, opening: " + opened.problems());
    if (!closed.problems().isBlank() && failed > 0) problems.add("client, closing: " + closed.problems());
    progress.accept(String.format("    %d closed: %d with close_notify both ways, %d without, in %.0f ms (client); "
        + "the server saw %d of %d end", n, closed.clean(), closed.unclean(), closed.millis(), srv.ends(), srv.handshakes()));
    return new Round(failed, closed.unclean(), problems);
  }

  private void diagnostics(boolean record, String scenario, Driver d) {
    Map<String, Double> diag = new TreeMap<>(d.diagnostics());
    diag.forEach((key, value) -> put(record, scenario, d.system(), key.substring(0, key.lastIndexOf(' ')),
        key.substring(key.lastIndexOf(' ') + 1), value));
    if (!diag.isEmpty()) progress.accept("    " + d.system() + " diagnostics: " + diag);
  }

  /**
   * Heap, outside-heap and resident memory per connection between two {@link Footprint}s of this
   * JVM: JVM-wide figures, so only one driver runs at a time. The last two only where RSS is known
   * and the heap pre-touched (see {@link Footprint}).
   */
  private void putFootprint(boolean record, String scenario, String system, Footprint before, Footprint after, int n) {
    put(record, scenario, system, "heap-per-connection", "bytes", after.heapPerConnection(before, n));
    double outside = after.nativePerConnection(before, n);
    if (Double.isNaN(outside)) return;
    put(record, scenario, system, "off-heap-per-connection", "bytes", outside);
    put(record, scenario, system, "rss-per-connection", "bytes", after.rssPerConnection(before, n));
  }

  private static String describe(Footprint before, Footprint after, int n) {
    return String.format("%.0f B/conn heap, %.0f B/conn off-heap resident", after.heapPerConnection(before, n),
        after.nativePerConnection(before, n));
  }

  static void settle() throws InterruptedException {
    Thread.sleep(300);
    System.gc();
    TimeUnit.MILLISECONDS.sleep(200);
  }
}
