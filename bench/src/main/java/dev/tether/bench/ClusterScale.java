package dev.tether.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 */
public final class ClusterScale {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
  private static final long STARTED = System.nanoTime();

  private final Options o;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .executor(Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "http");
        t.setDaemon(true);
        return t;
      }))
      .build();
  private final List<Node> nodes = new ArrayList<>();
  private final List<EchoServerProcess> echoServers = new ArrayList<>();
  private final List<Process> started = Collections.synchronizedList(new ArrayList<>());
  private final Report report = new Report();
  /** Connections to open; after a POST budget that ran out, those that were created. */
  private int total;

  private ClusterScale(Options o) {
    this.o = o;
    this.total = 3 * o.perNode;
  }

  // ------------------------------------------------------------------------------------ options

  /**
   * @param perNode connections per node (3 × perNode in total)
   * @param out where results.md, the timeline and the node logs go
   * @param root the repository (its application.conf is included by the nodes' configuration)
   * @param work scratch directory (certificates, configuration, data directories); removed by the script
   * @param jar the service jar to run
   * @param pidFile every started process's pid is appended here, for the script's cleanup
   */
  record Options(int perNode, Path out, Path root, Path work, Path jar, Optional<Path> pidFile, int listReps,
      int getReps, int postConcurrency, int echoServers, String nodeHeap, List<String> nodeOpts,
      Duration formTimeout, Duration postBudget, Duration openTimeout, Duration failoverTimeout, Duration stall, boolean failover,
      String commit) {

    static final String USAGE = "options: --per-node=5000 --out=DIR --list-reps=5 --get-reps=200 --post-concurrency=8 "
        + "--echo-servers=auto --node-heap=1500m --node-opt=-Dkey=value (repeatable) --form-timeout=180 "
        + "--post-budget=3600 --open-timeout=600 --failover-timeout=300 --stall=90 (seconds) --no-failover";

    static Options parse(String[] args) {
      int perNode = 5000;
      Path out = null;
      Path root = Path.of(".");
      Path work = null;
      Path jar = null;
      Path pidFile = null;
      int listReps = 5;
      int getReps = 200;
      int postConcurrency = 8;
      int echo = 0;
      String heap = "1500m";
      List<String> nodeOpts = new ArrayList<>();
      long form = 180;
      long open = 600;
      long postBudget = 3600;
      long failoverTimeout = 300;
      long stall = 90;
      boolean failover = true;
      String commit = "";
      for (String a : args) {
        String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : "";
        if (a.startsWith("--per-node=")) perNode = Integer.parseInt(v);
        else if (a.startsWith("--out=")) out = Path.of(v);
        else if (a.startsWith("--root=")) root = Path.of(v);
        else if (a.startsWith("--work=")) work = Path.of(v);
        else if (a.startsWith("--jar=")) jar = Path.of(v);
        else if (a.startsWith("--pid-file=")) pidFile = Path.of(v);
        else if (a.startsWith("--commit=")) commit = v;
        else if (a.startsWith("--list-reps=")) listReps = Integer.parseInt(v);
        else if (a.startsWith("--get-reps=")) getReps = Integer.parseInt(v);
        else if (a.startsWith("--post-concurrency=")) postConcurrency = Integer.parseInt(v);
        else if (a.startsWith("--echo-servers=")) echo = v.equals("auto") ? 0 : Integer.parseInt(v);
        else if (a.startsWith("--node-heap=")) heap = v;
        else if (a.startsWith("--node-opt=")) nodeOpts.add(v);
        else if (a.startsWith("--form-timeout=")) form = Long.parseLong(v);
        else if (a.startsWith("--open-timeout=")) open = Long.parseLong(v);
        else if (a.startsWith("--post-budget=")) postBudget = Long.parseLong(v);
        else if (a.startsWith("--failover-timeout=")) failoverTimeout = Long.parseLong(v);
        else if (a.startsWith("--stall=")) stall = Long.parseLong(v);
        else if (a.equals("--no-failover")) failover = false;
        else throw new IllegalArgumentException("unknown option " + a + "; " + USAGE);
      }
      if (perNode < 1) throw new IllegalArgumentException("--per-node must be at least 1");
      if (work == null || jar == null) throw new IllegalArgumentException("--work and --jar are required (bench/cluster-scale sets them)");
      if (out == null) {
        out = root.resolve("bench/results/cluster-scale-"
            + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss")));
      }
      if (echo <= 0) echo = Math.max(1, (3 * perNode + 9999) / 10000); // at most 10000 peer sockets per echo JVM
      return new Options(perNode, out.toAbsolutePath(), root.toAbsolutePath(), work.toAbsolutePath(), jar.toAbsolutePath(),
          Optional.ofNullable(pidFile), listReps, getReps, postConcurrency, echo, heap, List.copyOf(nodeOpts),
          Duration.ofSeconds(form), Duration.ofSeconds(postBudget), Duration.ofSeconds(open), Duration.ofSeconds(failoverTimeout), Duration.ofSeconds(stall), failover, commit);
    }
  }

  /** A step that did not complete within its bound, or a product answer that makes going on pointless. */
  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message);
    }
  }

  public static void main(String[] args) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("cluster-scale: " + e.getMessage());
      System.exit(2);
      return;
    }
    ClusterScale run = new ClusterScale(o);
    Runtime.getRuntime().addShutdownHook(new Thread(run::stopAll, "cluster-scale-cleanup"));
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
      run.writeReport();
    } catch (Exception e) {
      say("could not write the report: " + e);
      code = 1;
    }
    System.exit(code);
  }

  // ------------------------------------------------------------------------------------ the run

  private void run() throws Exception {
    Files.createDirectories(o.out);
    report.started = Instant.now();
    report.loadAtStart = loadAverage();
    say("output: " + o.out);
    say(total + " connections: " + o.perNode + " per node × 3 nodes, " + o.echoServers + " echo server JVM(s); node heap -Xmx"
        + o.nodeHeap);

    ThrowawayTls tls = ThrowawayTls.generate(o.work.resolve("tls"));
    for (int i = 0; i < o.echoServers; i++) {
      EchoServerProcess echo = EchoServerProcess.start(tls, o.out.resolve("echo-" + (i + 1) + ".log"));
      echoServers.add(echo);
      recordPid(echo.pid());
    }
    say("echo servers on ports " + echoServers.stream().map(e -> String.valueOf(e.port())).collect(Collectors.joining(", ")));

    Path conf = writeNodeConfig(tls);
    report.settings = effectiveSettings(conf);
    int[] remoting = {freePort(), freePort(), freePort()};
    int[] admin = {freePort(), freePort(), freePort()};
    String seeds = "127.0.0.1:" + remoting[0] + ",127.0.0.1:" + remoting[1];
    for (int i = 0; i < 3; i++) nodes.add(startNode(i, remoting[i], admin[i], seeds, conf));
    long formStart = System.nanoTime();
    for (Node n : nodes) {
      await("node " + n.name() + " sees 3 members up", o.formTimeout, Duration.ofMillis(500), () -> {
        ClusterView v = cluster(n, Duration.ofSeconds(5));
        return v.members.size() == 3 && v.members.stream().allMatch(m -> m.status.equals("up") && m.reachable)
            ? Optional.of(v) : Optional.empty();
      }, n);
    }
    report.formSeconds = secondsSince(formStart);
    say(String.format(Locale.ROOT, "cluster formed in %.1f s: %s", report.formSeconds,
        nodes.stream().map(n -> n.address).collect(Collectors.joining(", "))));
    report.sbrLine = firstLogLine(nodes.get(0), "SBR started").orElse("(not found in the log)");
    for (Node n : nodes) n.idle = memory(n);

    open();
    listAll("before", nodes.get(0), o.listReps);
    getOne();
    for (Node n : nodes) n.loaded = memory(n);
    report.loadAfterOpen = loadAverage();
    if (o.failover) {
      failover();
      for (Node n : nodes) if (n != report.victim) n.afterFailover = memory(n);
      Node survivor = nodes.stream().filter(n -> n != report.victim).findFirst().orElseThrow();
      listAll("after", survivor, Math.max(1, Math.min(3, o.listReps)));
    }
    report.finished = Instant.now();
  }

  // ------------------------------------------------------------------------------------ opening

  private void open() throws Exception {
    say("opening " + total + " connections through the REST API (" + o.postConcurrency + " POSTs in flight)");
    Semaphore window = new Semaphore(o.postConcurrency);
    CountDownLatch done = new CountDownLatch(total);
    long[] postNanos = new long[total];
    long[] answeredAt = new long[total];
    String[] owner = new String[total];
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    AtomicInteger retries = new AtomicInteger();
    ScheduledExecutorService retryTimer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "retry");
      t.setDaemon(true);
      return t;
    });
    long start = System.nanoTime();
    long budget = start + o.postBudget.toNanos();
    long lastProgress = start;
    int posted = 0;
    int requested = total;
    for (int i = 0; i < total; i++) {
      window.acquire();
      checkAlive();
      if (System.nanoTime() > budget) break;
      if (System.nanoTime() - lastProgress > 10_000_000_000L) {
        lastProgress = System.nanoTime();
        say(String.format(Locale.ROOT, "  %d of %d POSTs answered (%.0f s)", posted - (done.getCount() - (total - posted)), total,
            secondsSince(start)));
        if (!errors.isEmpty()) break;
      }
      post(i, 1, System.nanoTime(), window, done, postNanos, owner, errors, retries, retryTimer, answeredAt, start);
      posted++;
    }
    for (int i = posted; i < total; i++) done.countDown(); // never sent
    long inFlightDeadline = System.nanoTime() + Duration.ofSeconds(150).toNanos(); // 3 attempts of at most 30 s, 1 s apart
    while (!done.await(10, TimeUnit.SECONDS)) {
      checkAlive();
      if (System.nanoTime() > inFlightDeadline) {
        throw new Failure("opening: " + done.getCount() + " POST /connections still unanswered 150 s after the last was sent; "
            + logsHint());
      }
      say(String.format(Locale.ROOT, "  %d POSTs still unanswered (%.0f s)", done.getCount(), secondsSince(start)));
    }
    retryTimer.shutdownNow();
    if (!errors.isEmpty()) {
      report.problems.add("POST /connections failed for " + errors.size() + " connection(s); first: " + errors.peek());
      throw new Failure("opening: " + errors.size() + " POST /connections failed; first: " + errors.peek());
    }
    if (posted < total) {
      report.problems.add(String.format(Locale.ROOT, "opening: the POST budget (--post-budget=%d s) ran out after %d of the %d "
          + "connections (%d per node wanted); everything after was measured with these %d", o.postBudget.toSeconds(), posted,
          total, o.perNode, posted));
      say("the POST budget of " + o.postBudget.toSeconds() + " s ran out after " + posted + " of " + total
          + " connections; going on with these");
      total = posted;
    }
    report.requested = requested;
    // The POST throughput as the store grew: connections answered per second, per slice of the answers.
    long[] at = java.util.Arrays.copyOf(answeredAt, total);
    java.util.Arrays.sort(at);
    int sliceSize = total >= 5000 ? 1000 : Math.max(1, total / 5);
    for (int from = 0; from + sliceSize <= total; from += sliceSize) {
      long t0 = from == 0 ? start : at[from - 1];
      double secs = (at[from + sliceSize - 1] - t0) / 1e9;
      report.postRates.add(String.format(Locale.ROOT, "%d–%d: %.1f/s", from + 1, from + sliceSize, sliceSize / secs));
    }
    postNanos = java.util.Arrays.copyOf(postNanos, total);
    report.postSeconds = secondsSince(start);
    report.postRetries = retries.get();
    List<Double> ms = new ArrayList<>();
    for (long n : postNanos) ms.add(n / 1e6);
    report.postLatency = Stats.of(ms);
    int slice = Math.max(1, Math.min(1000, total / 10));
    report.postFirst = Stats.of(ms.subList(0, slice));
    report.postLast = Stats.of(ms.subList(total - slice, total));
    report.postSlice = slice;
    for (int i = 0; i < total; i++) report.ownerAtOpen.put(id(i), owner[i]);
    say(String.format(Locale.ROOT, "all %d POSTs answered 201 in %.1f s (p50 %.0f ms, p99 %.0f ms; %d retries; %s)",
        total, report.postSeconds, report.postLatency.p50, report.postLatency.p99, report.postRetries, report.postAnswers));

    // Until every connection is open, by the members' own counts (GET /cluster).
    Node asker = nodes.get(0);
    long deadline = System.nanoTime() + o.openTimeout.toNanos();
    long lastSay = System.nanoTime();
    long allOpenAt = 0;
    String lastCounts = "";
    long lastChange = System.nanoTime();
    boolean stallReported = false;
    ClusterView last = null;
    while (allOpenAt == 0) {
      checkAlive();
      if (System.nanoTime() > deadline) {
        throw new Failure("opening: not every connection open within " + o.openTimeout.toSeconds() + " s of the last POST's answer; last "
            + (last == null ? "-" : last.describe()) + "; not open: " + notOpen("open-not-open.txt") + "; " + logsHint());
      }
      try {
        last = cluster(asker, Duration.ofSeconds(15));
        if (!last.partial && last.count("open") == total) allOpenAt = System.nanoTime();
        String counts = last.count("open") + "/" + last.members.stream().mapToInt(m -> m.total == null ? 0 : m.total).sum();
        if (!counts.equals(lastCounts)) {
          lastCounts = counts;
          lastChange = System.nanoTime();
        }
      } catch (IOException e) {
        // answered next time
      }
      if (allOpenAt == 0 && !stallReported && System.nanoTime() - lastChange > o.stall.toNanos()) {
        // Nothing moves: say which are missing. Asking by id starts a stored connection that nothing started.
        stallReported = true;
        String missing = notOpen("open-not-open.txt");
        say("  no progress for " + o.stall.toSeconds() + " s (" + last.describe() + "); not open: " + missing);
        report.problems.add("opening: after every POST was answered, the counts stopped at " + lastCounts + " (open/managed) of "
            + total + " for " + o.stall.toSeconds() + " s; not open: " + missing
            + ". A GET /connections/{id} of each starts a stored connection that nothing had started; the wait then goes on.");
      }
      if (allOpenAt == 0) {
        if (System.nanoTime() - lastSay > 10_000_000_000L) {
          lastSay = System.nanoTime();
          say(String.format(Locale.ROOT, "  %.0f s: %s", secondsSince(start), last == null ? "-" : last.describe()));
        }
        Thread.sleep(500);
      }
    }
    report.allOpenSeconds = (allOpenAt - start) / 1e9;
    for (Member m : last.members) report.placement.put(m.node, m.total == null ? -1 : m.total);
    say(String.format(Locale.ROOT, "all %d open %.1f s after the first POST; placement %s", total, report.allOpenSeconds,
        report.placement));
  }

  /** Which connections are not open, each as GET /connections/{id} on its own node shows it; written to a file. */
  private String notOpen(String file) {
    try {
      Map<String, JsonNode> views = viewsOf(allIds(), List.of(nodes.get(0), nodes.get(1), nodes.get(2)));
      List<String> lines = new ArrayList<>();
      for (String id : allIds()) {
        JsonNode v = views.get(id);
        String post = report.retriedIds.contains(id) ? " [its first POST failed and was retried]" : "";
        if (v == null) lines.add(id + post + ": GET /connections/" + id + " does not find it");
        else if (!v.path("state").asText().equals("open")) lines.add(id + post + ": " + v);
      }
      Files.write(o.out.resolve(file), lines, StandardCharsets.UTF_8);
      return lines.size() + " (" + file + "), first " + lines.subList(0, Math.min(3, lines.size()));
    } catch (Exception e) {
      return "(could not ask: " + e + ")";
    }
  }

  private void post(int i, int attempt, long firstSent, Semaphore window, CountDownLatch done, long[] postNanos, String[] owner,
      ConcurrentLinkedQueue<String> errors, AtomicInteger retries, ScheduledExecutorService retryTimer, long[] answeredAt, long start) {
    Node n = nodes.get(i % 3);
    int port = echoServers.get(i % echoServers.size()).port();
    String body = "{\"id\":\"" + id(i) + "\",\"host\":\"127.0.0.1\",\"port\":" + port + ",\"tlsProfile\":\"scale\"}";
    HttpRequest req = HttpRequest.newBuilder(n.uri("/connections"))
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
      long took = System.nanoTime() - firstSent; // as a client sees it: retries included
      report.postAnswers.merge((attempt == 1 ? "first attempt: " : "retry: ")
          + (e != null ? e.getClass().getSimpleName() : String.valueOf(r.statusCode())), 1, Integer::sum);
      boolean created = e == null && r.statusCode() == 201;
      // A retry that finds the id taken: the first attempt was stored after all.
      boolean createdEarlier = e == null && attempt > 1 && r.statusCode() == 409;
      if (created || createdEarlier) {
        postNanos[i] = took;
        answeredAt[i] = System.nanoTime();
        if (created) {
          try {
            owner[i] = JSON.readTree(r.body()).path("node").asText(null);
          } catch (IOException ignored) {
            // the listing says where it runs
          }
        }
        window.release();
        done.countDown();
      } else if (attempt < 3 && (e != null || r.statusCode() >= 500)) {
        report.retriedIds.add(id(i));
        retries.incrementAndGet();
        retryTimer.schedule(() -> post(i, attempt + 1, firstSent, window, done, postNanos, owner, errors, retries, retryTimer, answeredAt,
            start), 1,
            TimeUnit.SECONDS);
      } else {
        errors.add(id(i) + " via " + n.name() + " (attempt " + attempt + "): "
            + (e != null ? e.toString() : r.statusCode() + " " + r.body()));
        window.release();
        done.countDown();
      }
    });
  }

  // ------------------------------------------------------------------------------------ measurements

  private void listAll(String phase, Node from, int reps) throws Exception {
    int expected = total;
    say("GET /connections from " + from.name() + " (" + expected + " connections), " + reps + " repetition(s)");
    List<ListSample> samples = new ArrayList<>();
    for (int r = 0; r < reps; r++) {
      checkAlive();
      HttpRequest req = HttpRequest.newBuilder(from.uri("/connections")).timeout(Duration.ofSeconds(120)).GET().build();
      long t0 = System.nanoTime();
      HttpResponse<byte[]> resp;
      try {
        resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        samples.add(new ListSample((System.nanoTime() - t0) / 1e6, 0, -1, 0, true, List.of(e.toString())));
        continue;
      }
      double ms = (System.nanoTime() - t0) / 1e6;
      if (resp.statusCode() != 200) {
        samples.add(new ListSample(ms, resp.body().length, resp.statusCode(), 0, true,
            List.of(new String(resp.body(), StandardCharsets.UTF_8))));
        continue;
      }
      JsonNode body = JSON.readTree(resp.body());
      List<String> missing = new ArrayList<>();
      body.path("missing").forEach(m -> missing.add(m.asText()));
      int count = body.path("connections").size();
      if (phase.equals("before") || report.lastCompleteListing == null) {
        if (!body.path("partial").asBoolean() && count == expected) report.lastCompleteListing = body.path("connections");
      }
      if (phase.equals("after") && !body.path("partial").asBoolean()) report.afterListing = body.path("connections");
      samples.add(new ListSample(ms, resp.body().length, 200, count, body.path("partial").asBoolean(), missing));
      say(String.format(Locale.ROOT, "  %.0f ms, %d bytes, %d listed, partial=%s %s", ms, resp.body().length, count,
          body.path("partial").asBoolean(), missing.isEmpty() ? "" : "missing=" + missing));
    }
    report.listings.put(phase, new Listing(from, samples));
    for (ListSample s : samples) {
      if (s.status != 200 || s.partial || s.count != expected) {
        report.problems.add("GET /connections (" + phase + " the failover, from " + from.name() + "): answered " + s.status
            + " with " + s.count + " of " + expected + " connections, partial=" + s.partial + ", missing=" + s.missing
            + String.format(Locale.ROOT, " after %.0f ms", s.ms));
        break;
      }
    }
  }

  private void getOne() throws Exception {
    Map<String, String> owners = owners();
    List<String> ids = new ArrayList<>(owners.keySet());
    Collections.sort(ids);
    Random random = new Random(10);
    say("GET /connections/{id} from a node that does not own it, " + o.getReps + " times (and from the owner, to compare)");
    // Warm-up: the first cross-node asks between fresh JVMs are slow (serializers, remote paths).
    for (int k = 0; k < 20; k++) getById(ids.get(random.nextInt(ids.size())), owners, false, k);
    List<Double> remote = new ArrayList<>();
    List<Double> local = new ArrayList<>();
    int failed = 0;
    List<String> failures = new ArrayList<>();
    for (int k = 0; k < o.getReps; k++) {
      String id = ids.get(random.nextInt(ids.size()));
      for (boolean onOwner : new boolean[] {false, true}) {
        GetSample g = getById(id, owners, onOwner, k);
        if (!g.ok) {
          failed++;
          if (failures.size() < 3) failures.add(g.problem);
        } else if (g.askedOwner) {
          local.add(g.ms);
        } else {
          remote.add(g.ms);
        }
      }
    }
    report.getRemote = Stats.of(remote);
    report.getLocal = Stats.of(local);
    report.getFailures = failed;
    if (failed > 0) report.problems.add("GET /connections/{id}: " + failed + " of " + (2 * o.getReps) + " failed; " + failures);
    say(String.format(Locale.ROOT, "  from a non-owner: p50 %.1f ms, p95 %.1f ms, max %.1f ms; on the owner: p50 %.1f ms, p95 %.1f ms",
        report.getRemote.p50, report.getRemote.p95, report.getRemote.max, report.getLocal.p50, report.getLocal.p95));
  }

  private GetSample getById(String id, Map<String, String> owners, boolean onOwner, int k) throws Exception {
    String owner = owners.get(id);
    List<Node> others = nodes.stream().filter(n -> !n.address.equals(owner)).toList();
    Node asker = onOwner ? nodes.stream().filter(n -> n.address.equals(owner)).findFirst().orElse(nodes.get(0))
        : others.get(k % others.size());
    HttpRequest req = HttpRequest.newBuilder(asker.uri("/connections/" + id)).timeout(Duration.ofSeconds(30)).GET().build();
    long t0 = System.nanoTime();
    HttpResponse<String> r;
    try {
      r = http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return new GetSample(false, 0, id + " from " + asker.name() + ": " + e, false);
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    if (r.statusCode() != 200) return new GetSample(false, ms, id + " from " + asker.name() + ": " + r.statusCode() + " " + r.body(), false);
    String node = JSON.readTree(r.body()).path("node").asText();
    return new GetSample(true, ms, null, node.equals(asker.address)); // where it runs now (a shard may have moved)
  }

  /** Where each connection runs: from a complete listing if there was one, else from the POST answers. */
  private Map<String, String> owners() {
    Map<String, String> owners = new HashMap<>();
    if (report.lastCompleteListing != null) {
      report.lastCompleteListing.forEach(c -> owners.put(c.path("id").asText(), c.path("node").asText()));
      report.ownersFrom = "the complete listing";
    } else {
      report.ownerAtOpen.forEach((id, node) -> {
        if (node != null) owners.put(id, node);
      });
      report.ownersFrom = "the POST answers (no complete listing)";
    }
    return owners;
  }

  // ------------------------------------------------------------------------------------ failover

  private void failover() throws Exception {
    ClusterView before = cluster(nodes.get(0), Duration.ofSeconds(15));
    Member most = before.members.stream().max((a, b) -> Integer.compare(a.total == null ? -1 : a.total, b.total == null ? -1 : b.total))
        .orElseThrow();
    Node victim = nodes.stream().filter(n -> n.address.equals(most.node)).findFirst().orElseThrow();
    List<Node> survivors = nodes.stream().filter(n -> n != victim).toList();
    report.victim = victim;
    // The oldest member runs the cluster singletons, here sharding's coordinator.
    report.victimWasOldest = firstLogLine(victim, "starting singleton actor").isPresent();
    List<String> moved = victimIds(victim, most.total);
    report.moved = moved.size();
    say("kill -9 of " + victim.name() + " (" + victim.address + "), which holds " + moved.size() + " connections");

    Node poller = survivors.get(0);
    List<String> timeline = new ArrayList<>();
    timeline.add("ms_after_kill,victim_member,survivors_open,survivors_total,partial,poll_ms");
    Instant killedAt = Instant.now();
    long kill = System.nanoTime();
    victim.process.destroyForcibly(); // SIGKILL
    victim.process.waitFor(30, TimeUnit.SECONDS);
    report.killedAt = killedAt;
    long deadline = kill + o.failoverTimeout.toNanos();
    Double removedMs = null;
    Double allOpenMs = null;
    Double unreachableMs = null;
    ClusterView last = null;
    String timedOut = null;
    String lastCounts = "";
    long lastChange = System.nanoTime();
    long lastSay = System.nanoTime();
    while (allOpenMs == null) {
      for (Node n : survivors) {
        if (!n.process.isAlive()) throw new Failure("node " + n.name() + " exited during the failover; see " + n.log);
      }
      if (System.nanoTime() > deadline) {
        timedOut = "failover: the connections of " + victim.name() + " were not all open again within "
            + o.failoverTimeout.toSeconds() + " s of the kill; last seen by " + poller.name() + ": "
            + (last == null ? "-" : last.describe()) + "; " + logsHint();
        break;
      }
      long t0 = System.nanoTime();
      try {
        last = cluster(poller, Duration.ofSeconds(10));
      } catch (IOException e) {
        Thread.sleep(200);
        continue;
      }
      double at = (System.nanoTime() - kill) / 1e6;
      double pollMs = (System.nanoTime() - t0) / 1e6;
      Optional<Member> v = last.member(victim.address);
      int open = 0;
      int all = 0;
      for (Member m : last.members) {
        if (m.node.equals(victim.address) || m.total == null) continue;
        open += m.byState.getOrDefault("open", 0);
        all += m.total;
      }
      timeline.add(String.format(Locale.ROOT, "%.0f,%s,%d,%d,%s,%.0f", at,
          v.map(m -> m.status + (m.reachable ? "/reachable" : "/unreachable")).orElse("removed"), open, all, last.partial, pollMs));
      if (unreachableMs == null && v.isPresent() && !v.get().reachable) unreachableMs = at;
      if (removedMs == null && v.isEmpty()) removedMs = at;
      if (v.isEmpty() && !last.partial && open == total) allOpenMs = at;
      String counts = open + "/" + all;
      if (!counts.equals(lastCounts)) {
        lastCounts = counts;
        lastChange = System.nanoTime();
      }
      if (allOpenMs == null && removedMs != null && at > removedMs + 60_000 && System.nanoTime() - lastChange > o.stall.toNanos()) {
        timedOut = String.format(Locale.ROOT, "failover: stalled: %.0f s after the kill the survivors had %d open of %d managed "
            + "(of %d) and nothing changed for %d s (the killed node was removed %.1f s after the kill); %s", at / 1000, open, all,
            total, o.stall.toSeconds(), removedMs / 1000, logsHint());
        break;
      }
      if (System.nanoTime() - lastSay > 5_000_000_000L) {
        lastSay = System.nanoTime();
        say(String.format(Locale.ROOT, "  %.1f s after the kill: %s", at / 1000, last.describe()));
      }
      if (allOpenMs == null) Thread.sleep(200);
    }
    Files.write(o.out.resolve("failover-timeline.csv"), timeline, StandardCharsets.UTF_8);
    report.pollUnreachableMs = unreachableMs;
    report.pollRemovedMs = removedMs;
    report.pollAllOpenMs = allOpenMs;
    if (timedOut == null) {
      say(String.format(Locale.ROOT, "every connection open again %.1f s after the kill (seen by polling GET /cluster on %s)",
          allOpenMs / 1000, poller.name()));
    } else {
      say(timedOut);
      say("collecting the moved connections' views and the survivors' log lines for the report");
    }

    // What the survivors' logs say happened, and when.
    Thread.sleep(1000); // the async log appender
    for (Node n : survivors) report.events.addAll(logEvents(n, killedAt));
    report.events.sort((a, b) -> Double.compare(a.ms, b.ms));

    // The moved connections' own open times.
    Instant askedAt = Instant.now();
    int openedAfterAsking = 0;
    Map<String, JsonNode> views = viewsOf(moved, survivors);
    List<Double> openedMs = new ArrayList<>();
    Map<String, Integer> newHome = new TreeMap<>();
    Map<String, Integer> states = new TreeMap<>();
    Map<String, Integer> incarnations = new TreeMap<>();
    int notMoved = 0;
    List<String> notOpen = new ArrayList<>();
    for (String id : moved) {
      JsonNode view = views.get(id);
      if (view == null || !view.path("state").asText().equals("open")) {
        notOpen.add(id + (view == null ? " (unknown)" : " (" + view.path("state").asText() + " on " + view.path("node").asText()
            + ", last outcome " + view.path("lastOutcome") + ")"));
      }
      if (view == null) {
        states.merge("(no view)", 1, Integer::sum);
        continue;
      }
      String node = view.path("node").asText();
      newHome.merge(node, 1, Integer::sum);
      states.merge(view.path("state").asText(), 1, Integer::sum);
      incarnations.merge("incarnation " + view.path("incarnation").asText() + ", reconnects " + view.path("reconnects").asText(), 1,
          Integer::sum);
      if (node.equals(victim.address)) notMoved++;
      if (view.path("state").asText().equals("open")) {
        Instant since = Instant.parse(view.path("stateSince").asText());
        // Opened before the views were asked for: asking by id starts a connection that nothing else started.
        if (since.isBefore(askedAt)) openedMs.add(Duration.between(killedAt, since).toNanos() / 1e6);
        else openedAfterAsking++;
      }
    }
    report.movedOpen = Stats.of(openedMs);
    report.movedOpenBeforeAsking = openedMs.size();
    if (openedAfterAsking > 0 || openedMs.size() < moved.size()) {
      report.problems.add(String.format(Locale.ROOT, "failover: %d of the %d connections of the killed node were open again when the "
          + "failover step ended (%.0f s after the kill); the other %d were not running anywhere (absent from a complete listing, or "
          + "started only when GET /connections/{id} asked for them, which starts a stored connection)", openedMs.size(), moved.size(),
          Duration.between(killedAt, askedAt).toMillis() / 1000.0, moved.size() - openedMs.size()));
    }
    report.movedHomes = newHome;
    report.movedStates = states;
    report.movedIncarnations = incarnations;
    if (notMoved > 0) report.problems.add(notMoved + " connection(s) of the killed node still name it as their node after the failover");
    if (!openedMs.isEmpty() && openedMs.stream().anyMatch(ms -> ms < 0)) {
      report.problems.add("some moved connections have a stateSince before the kill: they were not restarted");
    }
    say(String.format(Locale.ROOT, "moved connections opened between %.1f s and %.1f s after the kill (median %.1f s); new homes %s;"
        + " states %s", report.movedOpen.min / 1000, report.movedOpen.max / 1000, report.movedOpen.p50 / 1000, newHome, states));
    if (!notOpen.isEmpty()) {
      Files.write(o.out.resolve("failover-not-open.txt"), notOpen, StandardCharsets.UTF_8);
      report.problems.add(notOpen.size() + " of the " + moved.size() + " connections of the killed node were not open (or not found) "
          + "when the failover step ended; first: " + notOpen.subList(0, Math.min(5, notOpen.size()))
          + "; all in failover-not-open.txt");
    }
    if (timedOut != null) throw new Failure(timedOut);
  }

  /** The ids the victim runs: from its own listing (its own part needs no remoting), else asked one by one. */
  private List<String> victimIds(Node victim, Integer expected) throws Exception {
    List<String> ids = new ArrayList<>();
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(victim.uri("/connections")).timeout(Duration.ofSeconds(120)).GET()
          .build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 200) {
        JSON.readTree(r.body()).path("connections").forEach(c -> {
          if (c.path("node").asText().equals(victim.address)) ids.add(c.path("id").asText());
        });
      }
    } catch (IOException e) {
      // asked one by one below
    }
    if (expected != null && ids.size() == expected) return ids;
    say("  the victim's own listing had " + ids.size() + " of its " + expected + " connections; asking each id");
    ids.clear();
    Map<String, JsonNode> all = viewsOf(allIds(), List.of(victim));
    all.forEach((id, v) -> {
      if (v.path("node").asText().equals(victim.address)) ids.add(id);
    });
    Collections.sort(ids);
    return ids;
  }

  /** The views of these ids: from a complete listing of a node if it has one, else one GET per id (16 in flight). */
  private Map<String, JsonNode> viewsOf(List<String> ids, List<Node> askers) throws Exception {
    Map<String, JsonNode> views = new HashMap<>();
    for (Node asker : askers) {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(asker.uri("/connections")).timeout(Duration.ofSeconds(120)).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 200) {
        JsonNode body = JSON.readTree(r.body());
        if (!body.path("partial").asBoolean()) {
          body.path("connections").forEach(c -> views.put(c.path("id").asText(), c));
          if (views.keySet().containsAll(ids)) return views;
        }
      }
    }
    views.clear();
    Semaphore window = new Semaphore(16);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    Map<String, JsonNode> got = Collections.synchronizedMap(new HashMap<>());
    int k = 0;
    for (String id : ids) {
      Node asker = askers.get(k++ % askers.size());
      window.acquire();
      all.add(http.sendAsync(HttpRequest.newBuilder(asker.uri("/connections/" + id)).timeout(Duration.ofSeconds(30)).GET().build(),
              HttpResponse.BodyHandlers.ofString())
          .handle((r, e) -> {
            window.release();
            if (e == null && r.statusCode() == 200) {
              try {
                got.put(id, JSON.readTree(r.body()));
              } catch (IOException ignored) {
                // counted as no view
              }
            }
            return null;
          }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    return got;
  }

  private List<String> allIds() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < total; i++) ids.add(id(i));
    return ids;
  }

  /** Cluster membership and sharding events in a survivor's log after the kill. */
  private List<LogEvent> logEvents(Node n, Instant after) throws IOException {
    Pattern time = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3}) ");
    List<String> keys = List.of("UNREACHABLE", "SBR ", "removing", "Leader is", "ShardCoordinator", "Coordinator",
        "rebalanc", "waking", "Shutting down", "quarantin", "Exiting", "Down");
    List<LogEvent> events = new ArrayList<>();
    for (String line : Files.readAllLines(n.log, StandardCharsets.UTF_8)) {
      Matcher m = time.matcher(line);
      if (!m.find()) continue;
      if (keys.stream().noneMatch(line::contains)) continue;
      Instant at = LocalDateTime.parse(m.group(1), LOG_TIME).atZone(ZoneId.systemDefault()).toInstant();
      double ms = Duration.between(after, at).toNanos() / 1e6;
      if (ms < -1000) continue;
      String text = line.length() > 300 ? line.substring(0, 300) + "…" : line;
      events.add(new LogEvent(ms, n.name(), text));
    }
    return events;
  }

  // ------------------------------------------------------------------------------------ nodes

  final class Node {
    final int index;
    final int remoting;
    final int admin;
    final String address;
    final Path log;
    Process process;
    long startedAt;
    Memory idle;
    Memory loaded;
    Memory afterFailover;

    Node(int index, int remoting, int admin, Path log) {
      this.index = index;
      this.remoting = remoting;
      this.admin = admin;
      this.address = "127.0.0.1:" + remoting;
      this.log = log;
    }

    String name() {
      return "node-" + (index + 1);
    }

    URI uri(String path) {
      return URI.create("http://127.0.0.1:" + admin + path);
    }
  }

  private Path writeNodeConfig(ThrowawayTls tls) throws IOException {
    Path conf = o.work.resolve("node.conf");
    String text = "# bench/cluster-scale: the repository's application.conf plus a TLS profile that trusts the echo servers.\n"
        + "include file(" + quote(o.root.resolve("application.conf").toString()) + ")\n"
        + "tether.tls-profiles.scale {\n"
        + "  trust-pem = " + quote(tls.cert().toAbsolutePath().toString()) + "\n"
        + "  protocols = [\"TLSv1.3\"]\n"
        + "}\n";
    Files.writeString(conf, text, StandardCharsets.UTF_8);
    Files.writeString(o.out.resolve("node.conf"), text, StandardCharsets.UTF_8);
    return conf;
  }

  private Node startNode(int i, int remoting, int admin, String seeds, Path conf) throws IOException {
    Node n = new Node(i, remoting, admin, o.out.resolve("node-" + (i + 1) + ".log"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + o.nodeHeap, "-XX:+UseG1GC"));
    cmd.addAll(o.nodeOpts);
    cmd.addAll(List.of("-Dconfig.file=" + conf, "-jar", o.jar.toString()));
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
        "TETHER_DATA_DIR", o.work.resolve("data-node-" + (i + 1)).toString()));
    Files.writeString(n.log, "# " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8);
    n.startedAt = System.nanoTime();
    n.process = pb.start();
    started.add(n.process);
    recordPid(n.process.pid());
    return n;
  }

  private void checkAlive() {
    for (Node n : nodes) {
      if (n != report.victim && !n.process.isAlive()) {
        throw new Failure("node " + n.name() + " exited (code " + n.process.exitValue() + "); see " + n.log + ":\n"
            + tail(n.log, 30));
      }
    }
  }

  private void stopAll() {
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
    if (o.pidFile.isPresent()) {
      Files.writeString(o.pidFile.get(), pid + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  private String logsHint() {
    return "node logs: " + nodes.stream().map(n -> n.log.toString()).collect(Collectors.joining(", "));
  }

  private static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(" + e + ")";
    }
  }

  private static Optional<String> firstLogLine(Node n, String containing) throws IOException {
    try (var lines = Files.lines(n.log, StandardCharsets.UTF_8)) {
      return lines.filter(l -> l.contains(containing)).findFirst();
    }
  }

  // ------------------------------------------------------------------------------------ /cluster

  record Member(String node, String status, boolean reachable, Integer total, Map<String, Integer> byState) {}

  record ClusterView(String self, List<Member> members, boolean partial, List<String> missing) {
    long count(String state) {
      return members.stream().filter(m -> m.byState != null).mapToLong(m -> m.byState.getOrDefault(state, 0)).sum();
    }

    Optional<Member> member(String node) {
      return members.stream().filter(m -> m.node.equals(node)).findFirst();
    }

    String describe() {
      return members.stream().map(m -> m.node + " " + m.status + (m.reachable ? "" : "/unreachable") + " "
              + (m.byState == null ? "(no answer)" : m.byState.toString()))
          .collect(Collectors.joining("; ")) + (partial ? " partial, missing " + missing : "");
    }
  }

  private ClusterView cluster(Node n, Duration timeout) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(n.uri("/cluster")).timeout(timeout).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IOException("GET /cluster on " + n.name() + ": " + r.statusCode() + " " + r.body());
    JsonNode body = JSON.readTree(r.body());
    List<Member> members = new ArrayList<>();
    for (JsonNode m : body.path("members")) {
      JsonNode c = m.path("connections");
      Map<String, Integer> byState = null;
      Integer count = null;
      if (c.isObject()) {
        byState = new TreeMap<>();
        Map<String, Integer> s = byState;
        c.path("byState").fields().forEachRemaining(e -> s.put(e.getKey(), e.getValue().asInt()));
        count = c.path("total").asInt();
      }
      members.add(new Member(m.path("node").asText(), m.path("status").asText(), m.path("reachable").asBoolean(), count, byState));
    }
    List<String> missing = new ArrayList<>();
    body.path("missing").forEach(m -> missing.add(m.asText()));
    return new ClusterView(body.path("self").asText(), members, body.path("partial").asBoolean(), missing);
  }

  private <T> T await(String what, Duration bound, Duration every, java.util.concurrent.Callable<Optional<T>> probe, Node node)
      throws Exception {
    long deadline = System.nanoTime() + bound.toNanos();
    String last = "-";
    while (System.nanoTime() < deadline) {
      checkAlive();
      try {
        Optional<T> got = probe.call();
        if (got.isPresent()) return got.get();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(every.toMillis());
    }
    throw new Failure(what + ": not within " + bound.toSeconds() + " s (last: " + last + "); see " + node.log + ":\n" + tail(node.log, 20));
  }

  // ------------------------------------------------------------------------------------ memory

  record Memory(long heapUsedAfterGcKb, long rssKb) {}

  /** Heap used after a full GC (jcmd GC.run, then GC.heap_info) and the resident set size; -1 where unknown. */
  private Memory memory(Node n) {
    long heap = -1;
    long rss = -1;
    try {
      if (run("jcmd", String.valueOf(n.process.pid()), "GC.run") != null) {
        String info = run("jcmd", String.valueOf(n.process.pid()), "GC.heap_info");
        Matcher m = info == null ? null : Pattern.compile("used (\\d+)K").matcher(info);
        if (m != null && m.find()) heap = Long.parseLong(m.group(1));
      }
      for (String line : Files.readAllLines(Path.of("/proc/" + n.process.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("\\D", ""));
      }
    } catch (Exception e) {
      // unknown
    }
    return new Memory(heap, rss);
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
    return out;
  }

  // ------------------------------------------------------------------------------------ settings

  /** The nodes' effective settings that the figures depend on: their configuration file over the jar's defaults. */
  private Map<String, String> effectiveSettings(Path conf) {
    Map<String, String> s = new LinkedHashMap<>();
    try (URLClassLoader jar = new URLClassLoader(new URL[] {o.jar.toUri().toURL()}, null)) {
      Config c = ConfigFactory.parseFile(conf.toFile())
          .withFallback(ConfigFactory.parseResources(jar, "tether-service.conf"))
          .withFallback(ConfigFactory.defaultReference(jar))
          .resolve();
      for (String key : List.of(
          "pekko.cluster.downing-provider-class",
          "pekko.cluster.split-brain-resolver.active-strategy",
          "pekko.cluster.split-brain-resolver.stable-after",
          "pekko.cluster.split-brain-resolver.down-all-when-unstable",
          "pekko.cluster.failure-detector.heartbeat-interval",
          "pekko.cluster.failure-detector.acceptable-heartbeat-pause",
          "pekko.cluster.failure-detector.threshold",
          "pekko.cluster.unreachable-nodes-reaper-interval",
          "pekko.cluster.leader-actions-interval",
          "pekko.cluster.sharding.number-of-shards",
          "pekko.cluster.sharding.rebalance-interval",
          "pekko.remote.artery.advanced.maximum-frame-size",
          "tether.admin.ask-timeout",
          "tether.max-concurrent-handshakes",
          "tether.connection-defaults.connect-timeout",
          "tether.connection-defaults.handshake-timeout",
          "tether.connection-defaults.reconnect.min-backoff",
          "tether.connection-defaults.reconnect.max-backoff")) {
        s.put(key, c.hasPath(key) ? c.getValue(key).render().replace("\"", "") : "(unset)");
      }
    } catch (Exception e) {
      s.put("(could not read the effective configuration)", e.toString());
    }
    for (String opt : o.nodeOpts) s.put("node JVM option", opt);
    return s;
  }

  // ------------------------------------------------------------------------------------ report

  record ListSample(double ms, long bytes, int status, int count, boolean partial, List<String> missing) {}

  record Listing(Node from, List<ListSample> samples) {}

  record GetSample(boolean ok, double ms, String problem, boolean askedOwner) {}

  record LogEvent(double ms, String node, String line) {}

  record Stats(int n, double min, double p50, double p95, double p99, double max) {
    static Stats of(List<Double> values) {
      if (values.isEmpty()) return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
      List<Double> v = new ArrayList<>(values);
      Collections.sort(v);
      return new Stats(v.size(), v.get(0), pct(v, 50), pct(v, 95), pct(v, 99), v.get(v.size() - 1));
    }

    private static double pct(List<Double> sorted, double p) {
      int rank = (int) Math.ceil(p / 100 * sorted.size());
      return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
  }

  final class Report {
    Instant started;
    Instant finished;
    String loadAtStart;
    String loadAfterOpen;
    Map<String, String> settings = new LinkedHashMap<>();
    String sbrLine;
    double formSeconds;
    double postSeconds;
    int postRetries;
    Stats postLatency;
    Stats postFirst;
    Stats postLast;
    int postSlice;
    double allOpenSeconds;
    final Map<String, String> ownerAtOpen = new HashMap<>();
    final java.util.Set<String> retriedIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final Map<String, Integer> postAnswers = new java.util.concurrent.ConcurrentSkipListMap<>();
    final Map<String, Integer> placement = new TreeMap<>();
    final Map<String, Listing> listings = new LinkedHashMap<>();
    JsonNode lastCompleteListing;
    JsonNode afterListing;
    String ownersFrom = "-";
    Stats getRemote;
    Stats getLocal;
    int getFailures;
    Node victim;
    boolean victimWasOldest;
    int moved;
    Instant killedAt;
    Double pollUnreachableMs;
    Double pollRemovedMs;
    Double pollAllOpenMs;
    final List<LogEvent> events = new ArrayList<>();
    Stats movedOpen;
    int movedOpenBeforeAsking;
    Map<String, Integer> movedHomes = Map.of();
    Map<String, Integer> movedStates = Map.of();
    Map<String, Integer> movedIncarnations = Map.of();
    final List<String> problems = new ArrayList<>();
    final List<String> postRates = new ArrayList<>();
    int requested;
    String failure;
  }

  private void writeReport() throws IOException {
    Report r = report;
    StringBuilder md = new StringBuilder();
    md.append("# Tether cluster scale: 3 nodes × ").append(o.perNode).append(" connections");
    if (r.requested > 0 && r.requested != total) {
      md.append(" wanted; the POST budget ran out at ").append(total).append(" in all");
    }
    md.append("\n\n");
    md.append("Run ").append(r.started).append(" → ").append(r.finished == null ? "(did not finish)" : r.finished.toString());
    if (r.started != null && r.finished != null) {
      md.append(String.format(Locale.ROOT, " (%.1f min)", Duration.between(r.started, r.finished).toMillis() / 60000.0));
    }
    md.append("; product (connection-actors, admin-api) at commit ").append(o.commit.isEmpty() ? "?" : o.commit).append(".\n\n");
    md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores (shared with other builds), ")
        .append(String.format(Locale.ROOT, "%.0f GB RAM", totalMemoryGb())).append(", open-file limit per process ")
        .append(System.getenv().getOrDefault("CLUSTER_SCALE_NOFILE", "?")).append("; Java ").append(System.getProperty("java.version"))
        .append("; load average at start ").append(r.loadAtStart).append(", after opening ").append(r.loadAfterOpen == null ? "-" : r.loadAfterOpen).append(".\n\n");
    md.append("Setup: three `tether.jar` service processes on loopback (`-Xmx").append(o.nodeHeap).append(" -XX:+UseG1GC`")
        .append(o.nodeOpts.isEmpty() ? "" : " " + String.join(" ", o.nodeOpts))
        .append("; the root `application.conf` via `include`, `TETHER_DEMO=off`, plus a TLS profile `scale` trusting the echo servers), ")
        .append(o.echoServers).append(" TLS echo server JVM(s) (`EchoServer`, TLS 1.3, EC P-256) as peers; ")
        .append(total).append(" connections `scale-00001`… opened by `POST /connections`, round robin over the three nodes, ")
        .append(o.postConcurrency).append(" in flight.\n\n");
    md.append("| setting (effective, as shipped unless noted) | value |\n|---|---|\n");
    r.settings.forEach((k, v) -> md.append("| `").append(k).append("` | ").append(v).append(" |\n"));
    md.append("| SBR at start (node-1 log) | ").append(escape(r.sbrLine == null ? "-" : r.sbrLine.replaceFirst("^.* - ", ""))).append(" |\n\n");

    if (r.failure != null) md.append("**The run failed:** ").append(escape(r.failure)).append("\n\n");

    md.append("## Opening\n\n| figure | value |\n|---|---|\n");
    md.append(String.format(Locale.ROOT, "| cluster formed (3 members up, seen by each node) | %.1f s |\n", r.formSeconds));
    if (r.postLatency != null) {
      md.append(String.format(Locale.ROOT, "| %d × `POST /connections` answered (201) | %.1f s (%.0f/s), %d retries |\n", total,
          r.postSeconds, total / r.postSeconds, r.postRetries));
      md.append("| POST answers (a 5xx or an I/O error is retried after 1 s, twice at most; a 409 to a retry counts as created) | ")
          .append(r.postAnswers).append(" |\n");
      md.append(String.format(Locale.ROOT, "| POST latency p50 / p99 / max | %.0f / %.0f / %.0f ms |\n", r.postLatency.p50,
          r.postLatency.p99, r.postLatency.max));
      md.append(String.format(Locale.ROOT, "| POST latency p50, first %d / last %d | %.0f / %.0f ms |\n", r.postSlice, r.postSlice,
          r.postFirst.p50, r.postLast.p50));
      md.append("| POSTs answered per second, by slice of the answers (the spec store growing) | ").append(String.join("; ", r.postRates))
          .append(" |\n");
    }
    if (r.allOpenSeconds > 0) {
      md.append(String.format(Locale.ROOT, "| all %d `open` (GET /cluster counts), from the first POST | %.1f s |\n", total,
          r.allOpenSeconds));
      md.append("| placement by sharding | ").append(r.placement).append(" |\n");
    }
    md.append('\n');

    if (!r.listings.isEmpty() || r.getRemote != null) {
      md.append("## Listing and lookup\n\n| request | n | median | max | response | complete? |\n|---|---|---|---|---|---|\n");
      r.listings.forEach((phase, l) -> {
        List<Double> ms = l.samples.stream().map(ListSample::ms).toList();
        Stats s = Stats.of(ms);
        long bytes = l.samples.stream().mapToLong(ListSample::bytes).max().orElse(0);
        String complete = l.samples.stream().map(x -> x.status != 200 ? "HTTP " + x.status
                : x.partial ? "partial: " + x.count + " listed, missing " + x.missing : x.count + " listed")
            .distinct().collect(Collectors.joining("; "));
        String what = phase.equals("before") ? "`GET /connections` from " + l.from.name() + ", " + total + " on 3 nodes"
            : "`GET /connections` from " + l.from.name() + " after the failover, " + total + " on 2 nodes";
        md.append(String.format(Locale.ROOT, "| %s | %d | %.0f ms | %.0f ms | %.1f MB | %s |\n", what, s.n, s.p50, s.max,
            bytes / 1e6, escape(complete)));
        md.append("| (each, ms) | | ").append(ms.stream().map(x -> String.format(Locale.ROOT, "%.0f", x))
            .collect(Collectors.joining(", "))).append(" | | | |\n");
      });
      if (r.getRemote != null) {
        md.append(String.format(Locale.ROOT, "| `GET /connections/{id}` from a node that does not own it | %d | %.1f ms | %.1f ms (p95 %.1f) | | %d failed |\n",
            r.getRemote.n, r.getRemote.p50, r.getRemote.max, r.getRemote.p95, r.getFailures));
        md.append(String.format(Locale.ROOT, "| `GET /connections/{id}` on the owner (to compare) | %d | %.1f ms | %.1f ms (p95 %.1f) | | |\n",
            r.getLocal.n, r.getLocal.p50, r.getLocal.max, r.getLocal.p95));
        md.append("\nOwners taken from ").append(r.ownersFrom).append("; each id picked at random, asked alternately of the two other nodes, sequentially, after 20 unrecorded requests.\n");
      }
      md.append('\n');
    }

    md.append("## Memory per node (heap used after a full GC, `jcmd GC.run`; RSS)\n\n");
    md.append("| node | idle heap | loaded: connections | heap | (heap − idle) / connection | RSS |");
    boolean after = nodes.stream().anyMatch(n -> n.afterFailover != null);
    md.append(after ? " after failover: connections | heap | RSS |\n|---|---|---|---|---|---|---|---|---|\n" : "\n|---|---|---|---|---|---|\n");
    for (Node n : nodes) {
      Integer count = r.placement.get(n.address);
      md.append("| ").append(n.name()).append(n == r.victim ? " (killed)" : "").append(" | ").append(mb(n.idle == null ? -1 : n.idle.heapUsedAfterGcKb))
          .append(" | ").append(count == null ? "-" : count).append(" | ").append(mb(n.loaded == null ? -1 : n.loaded.heapUsedAfterGcKb))
          .append(" | ").append(perConnection(n, count)).append(" | ").append(mb(n.loaded == null ? -1 : n.loaded.rssKb)).append(" |");
      if (after) {
        Integer moved = r.movedHomes.get(n.address);
        md.append(' ').append(n.afterFailover == null ? "-" : String.valueOf((count == null ? 0 : count) + (moved == null ? 0 : moved)))
            .append(" | ").append(mb(n.afterFailover == null ? -1 : n.afterFailover.heapUsedAfterGcKb)).append(" | ")
            .append(mb(n.afterFailover == null ? -1 : n.afterFailover.rssKb)).append(" |");
      }
      md.append('\n');
    }
    md.append('\n');

    if (r.killedAt != null) {
      md.append("## Failover: `kill -9` of ").append(r.victim.name()).append(" (").append(r.victim.address).append("), holding ")
          .append(r.moved).append(" connections").append(r.victimWasOldest ? " (the oldest member: it also hosted the shard coordinator)" : "")
          .append("\n\n| moment | after the kill |\n|---|---|\n");
      md.append("| survivor marks it unreachable (log) | ").append(sec(firstEvent("UNREACHABLE"))).append(" |\n");
      md.append("| SBR decides to down it (log) | ").append(sec(firstEvent("SBR took decision"))).append(" |\n");
      md.append("| leader removes it (log) | ").append(sec(firstEvent("removing"))).append(" |\n");
      md.append("| removed, seen by polling `GET /cluster` | ").append(sec(r.pollRemovedMs)).append(" |\n");
      if (r.movedOpen != null && r.movedOpen.n > 0) {
        md.append("| first moved connection `open` (its `stateSince`) | ").append(sec(r.movedOpen.min)).append(" |\n");
        md.append("| median moved connection `open` | ").append(sec(r.movedOpen.p50)).append(" |\n");
        md.append("| last moved connection `open` | ").append(sec(r.movedOpen.max)).append(" |\n");
      }
      md.append("| all ").append(total).append(" `open` on the survivors, seen by polling `GET /cluster` | **")
          .append(r.pollAllOpenMs == null ? "not reached" : sec(r.pollAllOpenMs)).append("** |\n");
      md.append("| moved connections open again before the harness asked for each by id | ").append(r.movedOpenBeforeAsking)
          .append(" of ").append(r.moved).append(" |\n\n");
      md.append("Moved connections: new homes ").append(r.movedHomes).append("; states ").append(r.movedStates).append("; ")
          .append(r.movedIncarnations).append(". Polling timeline: `failover-timeline.csv`.\n\n");
      if (!r.events.isEmpty()) {
        md.append("Survivors' log lines about membership, downing and sharding after the kill (ms after the kill):\n\n```\n");
        for (LogEvent e : r.events.subList(0, Math.min(40, r.events.size()))) {
          md.append(String.format(Locale.ROOT, "%+8.0f %s %s%n", e.ms, e.node, e.line));
        }
        md.append("```\n\n");
      }
    }

    md.append("## Warnings and errors in the node logs\n\n");
    boolean any = false;
    for (Node n : nodes) {
      Map<String, Integer> counts = warnings(n.log);
      if (counts.isEmpty()) continue;
      any = true;
      md.append("- ").append(n.name()).append(":\n");
      counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(8)
          .forEach(e -> md.append("  - ").append(e.getValue()).append(" × `").append(e.getKey().replace("`", "'")).append("`\n"));
    }
    if (!any) md.append("None.\n");
    md.append('\n');

    // Actors of the product that failed: the manager (its node's REST API then answers 500 to everything) or entities.
    for (Node n : nodes) {
      try {
        List<String> lines = Files.readAllLines(n.log, StandardCharsets.UTF_8);
        Optional<String> manager = lines.stream().filter(l -> l.contains("SupervisorStrategy [pekko://tether/user]")).findFirst();
        manager.ifPresent(l -> r.problems.add(n.name() + ": the connection manager (/user/connections) failed and was stopped; "
            + "every request to its REST API answered 500 from then on: `" + l.replaceFirst("^\\S+ ", "") + "`"));
        List<String> entities = lines.stream().filter(l -> l.contains("StopSupervisor saw failure")).toList();
        if (!entities.isEmpty()) {
          r.problems.add(n.name() + ": " + entities.size() + " actor(s) stopped by a failure, first: `"
              + entities.get(0).replaceFirst("^\\S+ ", "") + "`");
        }
      } catch (IOException ignored) {
        // the log is named in the warnings section
      }
    }
    md.append("## Problems seen\n\n");
    if (r.problems.isEmpty() && r.failure == null) md.append("None.\n");
    for (String p : r.problems) md.append("- ").append(escape(p)).append('\n');
    if (r.failure != null) md.append("- the run failed: ").append(escape(r.failure)).append('\n');

    Files.createDirectories(o.out);
    Files.writeString(o.out.resolve("results.md"), md.toString(), StandardCharsets.UTF_8);
    System.out.println(md);
    say("results: " + o.out.resolve("results.md"));
  }

  private Double firstEvent(String containing) {
    return report.events.stream().filter(e -> e.line.contains(containing) && e.ms >= 0).map(LogEvent::ms).findFirst().orElse(null);
  }

  /** WARN and ERROR lines by message, numbers and addresses blurred so that repeats count together. */
  private static Map<String, Integer> warnings(Path log) {
    Map<String, Integer> counts = new HashMap<>();
    try {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        if (!line.contains(" WARN ") && !line.contains(" ERROR ")) continue;
        String msg = line.replaceFirst("^\\S+ \\S+ ", "").replaceAll("\\d+", "N");
        if (msg.length() > 240) msg = msg.substring(0, 240) + "…";
        counts.merge(msg, 1, Integer::sum);
      }
    } catch (IOException e) {
      counts.put("(log unreadable: " + e + ")", 1);
    }
    return counts;
  }

  private String perConnection(Node n, Integer count) {
    if (n.idle == null || n.loaded == null || n.idle.heapUsedAfterGcKb < 0 || n.loaded.heapUsedAfterGcKb < 0 || count == null
        || count == 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.0f KB", (n.loaded.heapUsedAfterGcKb - n.idle.heapUsedAfterGcKb) / (double) count);
  }

  private static String mb(long kb) {
    return kb < 0 ? "-" : String.format(Locale.ROOT, "%.0f MB", kb / 1024.0);
  }

  private static String sec(Double ms) {
    return ms == null || ms.isNaN() ? "-" : String.format(Locale.ROOT, "%.1f s", ms / 1000);
  }

  private static String escape(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  private static double totalMemoryGb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0;
      }
    } catch (IOException ignored) {
      // unknown
    }
    return Double.NaN;
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " / " + f[1] + " / " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String id(int i) {
    return String.format(Locale.ROOT, "scale-%05d", i + 1);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  private static void say(String s) {
    System.err.printf(Locale.ROOT, "[%6.1f s] cluster-scale: %s%n", secondsSince(STARTED), s);
  }
}
