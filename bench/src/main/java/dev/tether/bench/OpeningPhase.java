package dev.tether.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cluster-scale run's opening phase, one job: open every connection through {@code POST
 * /connections} (round robin over the nodes, a window of POSTs in flight, a failed one retried
 * twice, within the POST budget), then wait until the members' own counts say every one is open,
 * naming those that are not when nothing moves. Fills in the opening figures of the report.
 */
final class OpeningPhase {
  private final ScaleOptions o;
  private final NodeProcesses processes;
  private final AdminClient client;
  private final ScaleReport report;

  OpeningPhase(ScaleOptions o, NodeProcesses processes, AdminClient client, ScaleReport report) {
    this.o = o;
    this.processes = processes;
    this.client = client;
    this.report = report;
  }

  void run() throws Exception {
    ClusterScale.say("opening " + report.total + " connections through the REST API (" + o.postConcurrency() + " POSTs in flight)");
    Semaphore window = new Semaphore(o.postConcurrency());
    CountDownLatch done = new CountDownLatch(report.total);
    long[] postNanos = new long[report.total];
    long[] answeredAt = new long[report.total];
    String[] owner = new String[report.total];
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    AtomicInteger retries = new AtomicInteger();
    ScheduledExecutorService retryTimer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "retry");
      t.setDaemon(true);
      return t;
    });
    long start = System.nanoTime();
    long budget = start + o.postBudget().toNanos();
    long lastProgress = start;
    int posted = 0;
    int requested = report.total;
    for (int i = 0; i < report.total; i++) {
      window.acquire();
      processes.checkAlive();
      if (System.nanoTime() > budget) break;
      if (System.nanoTime() - lastProgress > 10_000_000_000L) {
        lastProgress = System.nanoTime();
        ClusterScale.say(String.format(Locale.ROOT, "  %d of %d POSTs answered (%.0f s)", posted - (done.getCount() - (report.total - posted)), report.total,
            ClusterScale.secondsSince(start)));
        if (!errors.isEmpty()) break;
      }
      post(i, 1, System.nanoTime(), window, done, postNanos, owner, errors, retries, retryTimer, answeredAt, start);
      posted++;
    }
    for (int i = posted; i < report.total; i++) done.countDown(); // never sent
    long inFlightDeadline = System.nanoTime() + Duration.ofSeconds(150).toNanos(); // 3 attempts of at most 30 s, 1 s apart
    while (!done.await(10, TimeUnit.SECONDS)) {
      processes.checkAlive();
      if (System.nanoTime() > inFlightDeadline) {
        throw new ClusterScale.Failure("opening: " + done.getCount() + " POST /connections still unanswered 150 s after the last was sent; "
            + processes.logsHint());
      }
      ClusterScale.say(String.format(Locale.ROOT, "  %d POSTs still unanswered (%.0f s)", done.getCount(), ClusterScale.secondsSince(start)));
    }
    retryTimer.shutdownNow();
    if (!errors.isEmpty()) {
      report.problems.add("POST /connections failed for " + errors.size() + " connection(s); first: " + errors.peek());
      throw new ClusterScale.Failure("opening: " + errors.size() + " POST /connections failed; first: " + errors.peek());
    }
    if (posted < report.total) {
      report.problems.add(String.format(Locale.ROOT, "opening: the POST budget (--post-budget=%d s) ran out after %d of the %d "
          + "connections (%d per node wanted); everything after was measured with these %d", o.postBudget().toSeconds(), posted,
          report.total, o.perNode(), posted));
      ClusterScale.say("the POST budget of " + o.postBudget().toSeconds() + " s ran out after " + posted + " of " + report.total
          + " connections; going on with these");
      report.total = posted;
    }
    report.requested = requested;
    // The POST throughput as the store grew: connections answered per second, per slice of the answers.
    long[] at = java.util.Arrays.copyOf(answeredAt, report.total);
    java.util.Arrays.sort(at);
    int sliceSize = report.total >= 5000 ? 1000 : Math.max(1, report.total / 5);
    for (int from = 0; from + sliceSize <= report.total; from += sliceSize) {
      long t0 = from == 0 ? start : at[from - 1];
      double secs = (at[from + sliceSize - 1] - t0) / 1e9;
      report.postRates.add(String.format(Locale.ROOT, "%d–%d: %.1f/s", from + 1, from + sliceSize, sliceSize / secs));
    }
    postNanos = java.util.Arrays.copyOf(postNanos, report.total);
    report.postSeconds = ClusterScale.secondsSince(start);
    report.postRetries = retries.get();
    List<Double> ms = new ArrayList<>();
    for (long n : postNanos) ms.add(n / 1e6);
    report.postLatency = ScaleReport.Stats.of(ms);
    int slice = Math.max(1, Math.min(1000, report.total / 10));
    report.postFirst = ScaleReport.Stats.of(ms.subList(0, slice));
    report.postLast = ScaleReport.Stats.of(ms.subList(report.total - slice, report.total));
    report.postSlice = slice;
    for (int i = 0; i < report.total; i++) report.ownerAtOpen.put(ClusterScale.id(i), owner[i]);
    ClusterScale.say(String.format(Locale.ROOT, "all %d POSTs answered 201 in %.1f s (p50 %.0f ms, p99 %.0f ms; %d retries; %s)",
        report.total, report.postSeconds, report.postLatency.p50(), report.postLatency.p99(), report.postRetries, report.postAnswers));

    // Until every connection is open, by the members' own counts (GET /cluster).
    ScaleNode asker = processes.nodes().get(0);
    long deadline = System.nanoTime() + o.openTimeout().toNanos();
    long lastSay = System.nanoTime();
    long allOpenAt = 0;
    String lastCounts = "";
    long lastChange = System.nanoTime();
    boolean stallReported = false;
    AdminClient.ClusterView last = null;
    while (allOpenAt == 0) {
      processes.checkAlive();
      if (System.nanoTime() > deadline) {
        throw new ClusterScale.Failure("opening: not every connection open within " + o.openTimeout().toSeconds() + " s of the last POST's answer; last "
            + (last == null ? "-" : last.describe()) + "; not open: " + notOpen("open-not-open.txt") + "; " + processes.logsHint());
      }
      try {
        last = client.cluster(asker, Duration.ofSeconds(15));
        if (!last.partial() && last.count("open") == report.total) allOpenAt = System.nanoTime();
        String counts = last.count("open") + "/" + last.members().stream().mapToInt(m -> m.total() == null ? 0 : m.total()).sum();
        if (!counts.equals(lastCounts)) {
          lastCounts = counts;
          lastChange = System.nanoTime();
        }
      } catch (IOException e) {
        // answered next time
      }
      if (allOpenAt == 0 && !stallReported && System.nanoTime() - lastChange > o.stall().toNanos()) {
        // Nothing moves: say which are missing. Asking by id starts a stored connection that nothing started.
        stallReported = true;
        String missing = notOpen("open-not-open.txt");
        ClusterScale.say("  no progress for " + o.stall().toSeconds() + " s (" + last.describe() + "); not open: " + missing);
        report.problems.add("opening: after every POST was answered, the counts stopped at " + lastCounts + " (open/managed) of "
            + report.total + " for " + o.stall().toSeconds() + " s; not open: " + missing
            + ". A GET /connections/{id} of each starts a stored connection that nothing had started; the wait then goes on.");
      }
      if (allOpenAt == 0) {
        if (System.nanoTime() - lastSay > 10_000_000_000L) {
          lastSay = System.nanoTime();
          ClusterScale.say(String.format(Locale.ROOT, "  %.0f s: %s", ClusterScale.secondsSince(start), last == null ? "-" : last.describe()));
        }
        Thread.sleep(500);
      }
    }
    report.allOpenSeconds = (allOpenAt - start) / 1e9;
    for (AdminClient.Member m : last.members()) report.placement.put(m.node(), m.total() == null ? -1 : m.total());
    ClusterScale.say(String.format(Locale.ROOT, "all %d open %.1f s after the first POST; placement %s", report.total, report.allOpenSeconds,
        report.placement));
  }

  /** Which connections are not open, each as GET /connections/{id} on its own node shows it; written to a file. */
  private String notOpen(String file) {
    try {
      Map<String, JsonNode> views = client.viewsOf(ClusterScale.ids(report.total), List.of(processes.nodes().get(0), processes.nodes().get(1), processes.nodes().get(2)));
      List<String> lines = new ArrayList<>();
      for (String id : ClusterScale.ids(report.total)) {
        JsonNode v = views.get(id);
        String post = report.retriedIds.contains(id) ? " [its first POST failed and was retried]" : "";
        if (v == null) lines.add(id + post + ": GET /connections/" + id + " does not find it");
        else if (!v.path("state").asText().equals("open")) lines.add(id + post + ": " + v);
      }
      Files.write(o.out().resolve(file), lines, StandardCharsets.UTF_8);
      return lines.size() + " (" + file + "), first " + lines.subList(0, Math.min(3, lines.size()));
    } catch (Exception e) {
      return "(could not ask: " + e + ")";
    }
  }

  private void post(int i, int attempt, long firstSent, Semaphore window, CountDownLatch done, long[] postNanos, String[] owner,
      ConcurrentLinkedQueue<String> errors, AtomicInteger retries, ScheduledExecutorService retryTimer, long[] answeredAt, long start) {
    ScaleNode n = processes.nodes().get(i % 3);
    int port = processes.echoServers().get(i % processes.echoServers().size()).port();
    String body = "{\"id\":\"" + ClusterScale.id(i) + "\",\"host\":\"127.0.0.1\",\"port\":" + port + ",\"tlsProfile\":\"scale\"}";
    client.post(n, body).whenComplete((r, e) -> {
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
            owner[i] = AdminClient.JSON.readTree(r.body()).path("node").asText(null);
          } catch (IOException ignored) {
            // the listing says where it runs
          }
        }
        window.release();
        done.countDown();
      } else if (attempt < 3 && (e != null || r.statusCode() >= 500)) {
        report.retriedIds.add(ClusterScale.id(i));
        retries.incrementAndGet();
        retryTimer.schedule(() -> post(i, attempt + 1, firstSent, window, done, postNanos, owner, errors, retries, retryTimer, answeredAt,
            start), 1,
            TimeUnit.SECONDS);
      } else {
        errors.add(ClusterScale.id(i) + " via " + n.name() + " (attempt " + attempt + "): "
            + (e != null ? e.toString() : r.statusCode() + " " + r.body()));
        window.release();
        done.countDown();
      }
    });
  }
}
