package dev.tether.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The cluster-scale run's report, one job: {@code results.md} from the {@link ScaleReport} (the
 * machine, the setup and effective settings, then opening, listing and lookup, memory per node,
 * failover, the warnings in the node logs and the problems seen), written to the output directory
 * and printed. Also reads what it says about the machine.
 */
final class ReportWriter {
  private final ScaleOptions o;
  private final List<ScaleNode> nodes;
  private final ScaleReport report;

  ReportWriter(ScaleOptions o, List<ScaleNode> nodes, ScaleReport report) {
    this.o = o;
    this.nodes = nodes;
    this.report = report;
  }

  void write() throws IOException {
    ScaleReport r = report;
    StringBuilder md = new StringBuilder();
    md.append("# Tether cluster scale: 3 nodes × ").append(o.perNode()).append(" connections");
    if (r.requested > 0 && r.requested != report.total) {
      md.append(" wanted; the POST budget ran out at ").append(report.total).append(" in all");
    }
    md.append("\n\n");
    md.append("Run ").append(r.started).append(" → ").append(r.finished == null ? "(did not finish)" : r.finished.toString());
    if (r.started != null && r.finished != null) {
      md.append(String.format(Locale.ROOT, " (%.1f min)", Duration.between(r.started, r.finished).toMillis() / 60000.0));
    }
    md.append("; product (connection-actors, admin-api) at commit ").append(o.commit().isEmpty() ? "?" : o.commit()).append(".\n\n");
    md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores (shared with other builds), ")
        .append(String.format(Locale.ROOT, "%.0f GB RAM", totalMemoryGb())).append(", open-file limit per process ")
        .append(System.getenv().getOrDefault("CLUSTER_SCALE_NOFILE", "?")).append("; Java ").append(System.getProperty("java.version"))
        .append("; load average at start ").append(r.loadAtStart).append(", after opening ").append(r.loadAfterOpen == null ? "-" : r.loadAfterOpen).append(".\n\n");
    md.append("Setup: three `tether.jar` service processes on loopback (`-Xmx").append(o.nodeHeap()).append(" -XX:+UseG1GC`")
        .append(o.nodeOpts().isEmpty() ? "" : " " + String.join(" ", o.nodeOpts()))
        .append("; the root `application.conf` via `include`, `TETHER_DEMO=off`, plus a TLS profile `scale` trusting the echo servers), ")
        .append(o.echoServers()).append(" TLS echo server JVM(s) (`EchoServer`, TLS 1.3, EC P-256) as peers; ")
        .append(report.total).append(" connections `scale-00001`… opened by `POST /connections`, round robin over the three nodes, ")
        .append(o.postConcurrency()).append(" in flight.\n\n");
    md.append("| setting (effective, as shipped unless noted) | value |\n|---|---|\n");
    r.settings.forEach((k, v) -> md.append("| `").append(k).append("` | ").append(v).append(" |\n"));
    md.append("| SBR at start (node-1 log) | ").append(escape(r.sbrLine == null ? "-" : r.sbrLine.replaceFirst("^.* - ", ""))).append(" |\n\n");

    if (r.failure != null) md.append("**The run failed:** ").append(escape(r.failure)).append("\n\n");

    md.append("## Opening\n\n| figure | value |\n|---|---|\n");
    md.append(String.format(Locale.ROOT, "| cluster formed (3 members up, seen by each node) | %.1f s |\n", r.formSeconds));
    if (r.postLatency != null) {
      md.append(String.format(Locale.ROOT, "| %d × `POST /connections` answered (201) | %.1f s (%.0f/s), %d retries |\n", report.total,
          r.postSeconds, report.total / r.postSeconds, r.postRetries));
      md.append("| POST answers (a 5xx or an I/O error is retried after 1 s, twice at most; a 409 to a retry counts as created) | ")
          .append(r.postAnswers).append(" |\n");
      md.append(String.format(Locale.ROOT, "| POST latency p50 / p99 / max | %.0f / %.0f / %.0f ms |\n", r.postLatency.p50(),
          r.postLatency.p99(), r.postLatency.max()));
      md.append(String.format(Locale.ROOT, "| POST latency p50, first %d / last %d | %.0f / %.0f ms |\n", r.postSlice, r.postSlice,
          r.postFirst.p50(), r.postLast.p50()));
      md.append("| POSTs answered per second, by slice of the answers (the spec store growing) | ").append(String.join("; ", r.postRates))
          .append(" |\n");
    }
    if (r.allOpenSeconds > 0) {
      md.append(String.format(Locale.ROOT, "| all %d `open` (GET /cluster counts), from the first POST | %.1f s |\n", report.total,
          r.allOpenSeconds));
      md.append("| placement by sharding | ").append(r.placement).append(" |\n");
    }
    md.append('\n');

    if (!r.listings.isEmpty() || r.getRemote != null) {
      md.append("## Listing and lookup\n\n| request | n | median | max | response | complete? |\n|---|---|---|---|---|---|\n");
      r.listings.forEach((phase, l) -> {
        List<Double> ms = l.samples().stream().map(ScaleReport.ListSample::ms).toList();
        ScaleReport.Stats s = ScaleReport.Stats.of(ms);
        long bytes = l.samples().stream().mapToLong(ScaleReport.ListSample::bytes).max().orElse(0);
        String complete = l.samples().stream().map(x -> x.status() != 200 ? "HTTP " + x.status()
                : x.partial() ? "partial: " + x.count() + " listed, missing " + x.missing() : x.count() + " listed")
            .distinct().collect(Collectors.joining("; "));
        String what = phase.equals("before") ? "`GET /connections` from " + l.from().name() + ", " + report.total + " on 3 nodes"
            : "`GET /connections` from " + l.from().name() + " after the failover, " + report.total + " on 2 nodes";
        md.append(String.format(Locale.ROOT, "| %s | %d | %.0f ms | %.0f ms | %.1f MB | %s |\n", what, s.n(), s.p50(), s.max(),
            bytes / 1e6, escape(complete)));
        md.append("| (each, ms) | | ").append(ms.stream().map(x -> String.format(Locale.ROOT, "%.0f", x))
            .collect(Collectors.joining(", "))).append(" | | | |\n");
      });
      if (r.getRemote != null) {
        md.append(String.format(Locale.ROOT, "| `GET /connections/{id}` from a node that does not own it | %d | %.1f ms | %.1f ms (p95 %.1f) | | %d failed |\n",
            r.getRemote.n(), r.getRemote.p50(), r.getRemote.max(), r.getRemote.p95(), r.getFailures));
        md.append(String.format(Locale.ROOT, "| `GET /connections/{id}` on the owner (to compare) | %d | %.1f ms | %.1f ms (p95 %.1f) | | |\n",
            r.getLocal.n(), r.getLocal.p50(), r.getLocal.max(), r.getLocal.p95()));
        md.append("\nOwners taken from ").append(r.ownersFrom).append("; each id picked at random, asked alternately of the two other nodes, sequentially, after 20 unrecorded requests.\n");
      }
      md.append('\n');
    }

    md.append("## Memory per node (heap used after a full GC, `jcmd GC.run`; RSS)\n\n");
    md.append("| node | idle heap | loaded: connections | heap | (heap − idle) / connection | RSS |");
    boolean after = nodes.stream().anyMatch(n -> n.afterFailover != null);
    md.append(after ? " after failover: connections | heap | RSS |\n|---|---|---|---|---|---|---|---|---|\n" : "\n|---|---|---|---|---|---|\n");
    for (ScaleNode n : nodes) {
      Integer count = r.placement.get(n.address);
      md.append("| ").append(n.name()).append(n == r.victim ? " (killed)" : "").append(" | ").append(mb(n.idle == null ? -1 : n.idle.heapUsedAfterGcKb()))
          .append(" | ").append(count == null ? "-" : count).append(" | ").append(mb(n.loaded == null ? -1 : n.loaded.heapUsedAfterGcKb()))
          .append(" | ").append(perConnection(n, count)).append(" | ").append(mb(n.loaded == null ? -1 : n.loaded.rssKb())).append(" |");
      if (after) {
        Integer moved = r.movedHomes.get(n.address);
        md.append(' ').append(n.afterFailover == null ? "-" : String.valueOf((count == null ? 0 : count) + (moved == null ? 0 : moved)))
            .append(" | ").append(mb(n.afterFailover == null ? -1 : n.afterFailover.heapUsedAfterGcKb())).append(" | ")
            .append(mb(n.afterFailover == null ? -1 : n.afterFailover.rssKb())).append(" |");
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
      if (r.movedOpen != null && r.movedOpen.n() > 0) {
        md.append("| first moved connection `open` (its `stateSince`) | ").append(sec(r.movedOpen.min())).append(" |\n");
        md.append("| median moved connection `open` | ").append(sec(r.movedOpen.p50())).append(" |\n");
        md.append("| last moved connection `open` | ").append(sec(r.movedOpen.max())).append(" |\n");
      }
      md.append("| all ").append(report.total).append(" `open` on the survivors, seen by polling `GET /cluster` | **")
          .append(r.pollAllOpenMs == null ? "not reached" : sec(r.pollAllOpenMs)).append("** |\n");
      md.append("| moved connections open again before the harness asked for each by id | ").append(r.movedOpenBeforeAsking)
          .append(" of ").append(r.moved).append(" |\n\n");
      md.append("Moved connections: new homes ").append(r.movedHomes).append("; states ").append(r.movedStates).append("; ")
          .append(r.movedIncarnations).append(". Polling timeline: `failover-timeline.csv`.\n\n");
      if (!r.events.isEmpty()) {
        md.append("Survivors' log lines about membership, downing and sharding after the kill (ms after the kill):\n\n```\n");
        for (ScaleReport.LogEvent e : r.events.subList(0, Math.min(40, r.events.size()))) {
          md.append(String.format(Locale.ROOT, "%+8.0f %s %s%n", e.ms(), e.node(), e.line()));
        }
        md.append("```\n\n");
      }
    }

    md.append("## Warnings and errors in the node logs\n\n");
    boolean any = false;
    for (ScaleNode n : nodes) {
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
    for (ScaleNode n : nodes) {
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

    Files.createDirectories(o.out());
    Files.writeString(o.out().resolve("results.md"), md.toString(), StandardCharsets.UTF_8);
    System.out.println(md);
    ClusterScale.say("results: " + o.out().resolve("results.md"));
  }

  private Double firstEvent(String containing) {
    return report.events.stream().filter(e -> e.line().contains(containing) && e.ms() >= 0).map(ScaleReport.LogEvent::ms).findFirst().orElse(null);
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

  private static String perConnection(ScaleNode n, Integer count) {
    if (n.idle == null || n.loaded == null || n.idle.heapUsedAfterGcKb() < 0 || n.loaded.heapUsedAfterGcKb() < 0 || count == null
        || count == 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.0f KB", (n.loaded.heapUsedAfterGcKb() - n.idle.heapUsedAfterGcKb()) / (double) count);
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

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " / " + f[1] + " / " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }
}
