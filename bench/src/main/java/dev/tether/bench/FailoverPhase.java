package dev.tether.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster-scale run's failover, one job: {@code kill -9} of the node holding the most
 * connections, then the timeline until every one of them is open again on the survivors: polled
 * through {@code GET /cluster} (written to {@code failover-timeline.csv}), read from the survivors'
 * logs (failure detection, the Split Brain Resolver's decision, the removal) and from the moved
 * connections' own {@code stateSince}. Fills in the failover figures of the report.
 */
final class FailoverPhase {
  private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

  private final ScaleOptions o;
  private final NodeProcesses processes;
  private final AdminClient client;
  private final ScaleReport report;

  FailoverPhase(ScaleOptions o, NodeProcesses processes, AdminClient client, ScaleReport report) {
    this.o = o;
    this.processes = processes;
    this.client = client;
    this.report = report;
  }

  void run() throws Exception {
    AdminClient.ClusterView before = client.cluster(processes.nodes().get(0), Duration.ofSeconds(15));
    AdminClient.Member most = before.members().stream().max((a, b) -> Integer.compare(a.total() == null ? -1 : a.total(), b.total() == null ? -1 : b.total()))
        .orElseThrow();
    ScaleNode victim = processes.nodes().stream().filter(n -> n.address.equals(most.node())).findFirst().orElseThrow();
    List<ScaleNode> survivors = processes.nodes().stream().filter(n -> n != victim).toList();
    report.victim = victim;
    // The oldest member runs the cluster singletons, here sharding's coordinator.
    report.victimWasOldest = NodeProcesses.firstLogLine(victim, "starting singleton actor").isPresent();
    List<String> moved = victimIds(victim, most.total());
    report.moved = moved.size();
    ClusterScale.say("kill -9 of " + victim.name() + " (" + victim.address + "), which holds " + moved.size() + " connections");

    ScaleNode poller = survivors.get(0);
    List<String> timeline = new ArrayList<>();
    timeline.add("ms_after_kill,victim_member,survivors_open,survivors_total,partial,poll_ms");
    Instant killedAt = Instant.now();
    long kill = System.nanoTime();
    victim.process.destroyForcibly(); // SIGKILL
    victim.process.waitFor(30, TimeUnit.SECONDS);
    report.killedAt = killedAt;
    long deadline = kill + o.failoverTimeout().toNanos();
    Double removedMs = null;
    Double allOpenMs = null;
    Double unreachableMs = null;
    AdminClient.ClusterView last = null;
    String timedOut = null;
    String lastCounts = "";
    long lastChange = System.nanoTime();
    long lastSay = System.nanoTime();
    while (allOpenMs == null) {
      for (ScaleNode n : survivors) {
        if (!n.process.isAlive()) throw new ClusterScale.Failure("node " + n.name() + " exited during the failover; see " + n.log);
      }
      if (System.nanoTime() > deadline) {
        timedOut = "failover: the connections of " + victim.name() + " were not all open again within "
            + o.failoverTimeout().toSeconds() + " s of the kill; last seen by " + poller.name() + ": "
            + (last == null ? "-" : last.describe()) + "; " + processes.logsHint();
        break;
      }
      long t0 = System.nanoTime();
      try {
        last = client.cluster(poller, Duration.ofSeconds(10));
      } catch (IOException e) {
        Thread.sleep(200);
        continue;
      }
      double at = (System.nanoTime() - kill) / 1e6;
      double pollMs = (System.nanoTime() - t0) / 1e6;
      Optional<AdminClient.Member> v = last.member(victim.address);
      int open = 0;
      int all = 0;
      for (AdminClient.Member m : last.members()) {
        if (m.node().equals(victim.address) || m.total() == null) continue;
        open += m.byState().getOrDefault("open", 0);
        all += m.total();
      }
      timeline.add(String.format(Locale.ROOT, "%.0f,%s,%d,%d,%s,%.0f", at,
          v.map(m -> m.status() + (m.reachable() ? "/reachable" : "/unreachable")).orElse("removed"), open, all, last.partial(), pollMs));
      if (unreachableMs == null && v.isPresent() && !v.get().reachable()) unreachableMs = at;
      if (removedMs == null && v.isEmpty()) removedMs = at;
      if (v.isEmpty() && !last.partial() && open == report.total) allOpenMs = at;
      String counts = open + "/" + all;
      if (!counts.equals(lastCounts)) {
        lastCounts = counts;
        lastChange = System.nanoTime();
      }
      if (allOpenMs == null && removedMs != null && at > removedMs + 60_000 && System.nanoTime() - lastChange > o.stall().toNanos()) {
        timedOut = String.format(Locale.ROOT, "failover: stalled: %.0f s after the kill the survivors had %d open of %d managed "
            + "(of %d) and nothing changed for %d s (the killed node was removed %.1f s after the kill); %s", at / 1000, open, all,
            report.total, o.stall().toSeconds(), removedMs / 1000, processes.logsHint());
        break;
      }
      if (System.nanoTime() - lastSay > 5_000_000_000L) {
        lastSay = System.nanoTime();
        ClusterScale.say(String.format(Locale.ROOT, "  %.1f s after the kill: %s", at / 1000, last.describe()));
      }
      if (allOpenMs == null) Thread.sleep(200);
    }
    Files.write(o.out().resolve("failover-timeline.csv"), timeline, StandardCharsets.UTF_8);
    report.pollUnreachableMs = unreachableMs;
    report.pollRemovedMs = removedMs;
    report.pollAllOpenMs = allOpenMs;
    if (timedOut == null) {
      ClusterScale.say(String.format(Locale.ROOT, "every connection open again %.1f s after the kill (seen by polling GET /cluster on %s)",
          allOpenMs / 1000, poller.name()));
    } else {
      ClusterScale.say(timedOut);
      ClusterScale.say("collecting the moved connections' views and the survivors' log lines for the report");
    }

    // What the survivors' logs say happened, and when.
    Thread.sleep(1000); // the async log appender
    for (ScaleNode n : survivors) report.events.addAll(logEvents(n, killedAt));
    report.events.sort((a, b) -> Double.compare(a.ms(), b.ms()));

    // The moved connections' own open times.
    Instant askedAt = Instant.now();
    int openedAfterAsking = 0;
    Map<String, JsonNode> views = client.viewsOf(moved, survivors);
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
    report.movedOpen = ScaleReport.Stats.of(openedMs);
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
    ClusterScale.say(String.format(Locale.ROOT, "moved connections opened between %.1f s and %.1f s after the kill (median %.1f s); new homes %s;"
        + " states %s", report.movedOpen.min() / 1000, report.movedOpen.max() / 1000, report.movedOpen.p50() / 1000, newHome, states));
    if (!notOpen.isEmpty()) {
      Files.write(o.out().resolve("failover-not-open.txt"), notOpen, StandardCharsets.UTF_8);
      report.problems.add(notOpen.size() + " of the " + moved.size() + " connections of the killed node were not open (or not found) "
          + "when the failover step ended; first: " + notOpen.subList(0, Math.min(5, notOpen.size()))
          + "; all in failover-not-open.txt");
    }
    if (timedOut != null) throw new ClusterScale.Failure(timedOut);
  }

  /** The ids the victim runs: from its own listing (its own part needs no remoting), else asked one by one. */
  private List<String> victimIds(ScaleNode victim, Integer expected) throws Exception {
    List<String> ids = new ArrayList<>();
    try {
      HttpResponse<byte[]> r = client.list(victim);
      if (r.statusCode() == 200) {
        AdminClient.JSON.readTree(r.body()).path("connections").forEach(c -> {
          if (c.path("node").asText().equals(victim.address)) ids.add(c.path("id").asText());
        });
      }
    } catch (IOException e) {
      // asked one by one below
    }
    if (expected != null && ids.size() == expected) return ids;
    ClusterScale.say("  the victim's own listing had " + ids.size() + " of its " + expected + " connections; asking each id");
    ids.clear();
    Map<String, JsonNode> all = client.viewsOf(ClusterScale.ids(report.total), List.of(victim));
    all.forEach((id, v) -> {
      if (v.path("node").asText().equals(victim.address)) ids.add(id);
    });
    Collections.sort(ids);
    return ids;
  }

  /** Cluster membership and sharding events in a survivor's log after the kill. */
  private List<ScaleReport.LogEvent> logEvents(ScaleNode n, Instant after) throws IOException {
    Pattern time = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3}) ");
    List<String> keys = List.of("UNREACHABLE", "SBR ", "removing", "Leader is", "ShardCoordinator", "Coordinator",
        "rebalanc", "waking", "Shutting down", "quarantin", "Exiting", "Down");
    List<ScaleReport.LogEvent> events = new ArrayList<>();
    for (String line : Files.readAllLines(n.log, StandardCharsets.UTF_8)) {
      Matcher m = time.matcher(line);
      if (!m.find()) continue;
      if (keys.stream().noneMatch(line::contains)) continue;
      Instant at = LocalDateTime.parse(m.group(1), LOG_TIME).atZone(ZoneId.systemDefault()).toInstant();
      double ms = Duration.between(after, at).toNanos() / 1e6;
      if (ms < -1000) continue;
      String text = line.length() > 300 ? line.substring(0, 300) + "…" : line;
      events.add(new ScaleReport.LogEvent(ms, n.name(), text));
    }
    return events;
  }
}
