package dev.tether.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The cluster-scale run's measurements of the API over many connections, one job: {@code GET
 * /connections} over all of them from one node (repetitions, response size, completeness) and
 * {@code GET /connections/{id}} from a node that does not own the connection and, to compare, from
 * the owner. Fills in the listing and lookup figures of the report.
 */
final class ListingMeasurements {
  private final ScaleOptions o;
  private final NodeProcesses processes;
  private final AdminClient client;
  private final ScaleReport report;

  ListingMeasurements(ScaleOptions o, NodeProcesses processes, AdminClient client, ScaleReport report) {
    this.o = o;
    this.processes = processes;
    this.client = client;
    this.report = report;
  }

  void listAll(String phase, ScaleNode from, int reps) throws Exception {
    int expected = report.total;
    ClusterScale.say("GET /connections from " + from.name() + " (" + expected + " connections), " + reps + " repetition(s)");
    List<ScaleReport.ListSample> samples = new ArrayList<>();
    for (int r = 0; r < reps; r++) {
      processes.checkAlive();
      long t0 = System.nanoTime();
      HttpResponse<byte[]> resp;
      try {
        resp = client.list(from);
      } catch (IOException e) {
        samples.add(new ScaleReport.ListSample((System.nanoTime() - t0) / 1e6, 0, -1, 0, true, List.of(e.toString())));
        continue;
      }
      double ms = (System.nanoTime() - t0) / 1e6;
      if (resp.statusCode() != 200) {
        samples.add(new ScaleReport.ListSample(ms, resp.body().length, resp.statusCode(), 0, true,
            List.of(new String(resp.body(), StandardCharsets.UTF_8))));
        continue;
      }
      JsonNode body = AdminClient.JSON.readTree(resp.body());
      List<String> missing = new ArrayList<>();
      body.path("missing").forEach(m -> missing.add(m.asText()));
      int count = body.path("connections").size();
      if (phase.equals("before") || report.lastCompleteListing == null) {
        if (!body.path("partial").asBoolean() && count == expected) report.lastCompleteListing = body.path("connections");
      }
      if (phase.equals("after") && !body.path("partial").asBoolean()) report.afterListing = body.path("connections");
      samples.add(new ScaleReport.ListSample(ms, resp.body().length, 200, count, body.path("partial").asBoolean(), missing));
      ClusterScale.say(String.format(Locale.ROOT, "  %.0f ms, %d bytes, %d listed, partial=%s %s", ms, resp.body().length, count,
          body.path("partial").asBoolean(), missing.isEmpty() ? "" : "missing=" + missing));
    }
    report.listings.put(phase, new ScaleReport.Listing(from, samples));
    for (ScaleReport.ListSample s : samples) {
      if (s.status() != 200 || s.partial() || s.count() != expected) {
        report.problems.add("GET /connections (" + phase + " the failover, from " + from.name() + "): answered " + s.status()
            + " with " + s.count() + " of " + expected + " connections, partial=" + s.partial() + ", missing=" + s.missing()
            + String.format(Locale.ROOT, " after %.0f ms", s.ms()));
        break;
      }
    }
  }

  void getOne() throws Exception {
    Map<String, String> owners = owners();
    List<String> ids = new ArrayList<>(owners.keySet());
    Collections.sort(ids);
    Random random = new Random(10);
    ClusterScale.say("GET /connections/{id} from a node that does not own it, " + o.getReps() + " times (and from the owner, to compare)");
    // Warm-up: the first cross-node asks between fresh JVMs are slow (serializers, remote paths).
    for (int k = 0; k < 20; k++) getById(ids.get(random.nextInt(ids.size())), owners, false, k);
    List<Double> remote = new ArrayList<>();
    List<Double> local = new ArrayList<>();
    int failed = 0;
    List<String> failures = new ArrayList<>();
    for (int k = 0; k < o.getReps(); k++) {
      String id = ids.get(random.nextInt(ids.size()));
      for (boolean onOwner : new boolean[] {false, true}) {
        ScaleReport.GetSample g = getById(id, owners, onOwner, k);
        if (!g.ok()) {
          failed++;
          if (failures.size() < 3) failures.add(g.problem());
        } else if (g.askedOwner()) {
          local.add(g.ms());
        } else {
          remote.add(g.ms());
        }
      }
    }
    report.getRemote = ScaleReport.Stats.of(remote);
    report.getLocal = ScaleReport.Stats.of(local);
    report.getFailures = failed;
    if (failed > 0) report.problems.add("GET /connections/{id}: " + failed + " of " + (2 * o.getReps()) + " failed; " + failures);
    ClusterScale.say(String.format(Locale.ROOT, "  from a non-owner: p50 %.1f ms, p95 %.1f ms, max %.1f ms; on the owner: p50 %.1f ms, p95 %.1f ms",
        report.getRemote.p50(), report.getRemote.p95(), report.getRemote.max(), report.getLocal.p50(), report.getLocal.p95()));
  }

  private ScaleReport.GetSample getById(String id, Map<String, String> owners, boolean onOwner, int k) throws Exception {
    String owner = owners.get(id);
    List<ScaleNode> others = processes.nodes().stream().filter(n -> !n.address.equals(owner)).toList();
    ScaleNode asker = onOwner ? processes.nodes().stream().filter(n -> n.address.equals(owner)).findFirst().orElse(processes.nodes().get(0))
        : others.get(k % others.size());
    long t0 = System.nanoTime();
    HttpResponse<String> r;
    try {
      r = client.get(asker, id);
    } catch (IOException e) {
      return new ScaleReport.GetSample(false, 0, id + " from " + asker.name() + ": " + e, false);
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    if (r.statusCode() != 200) return new ScaleReport.GetSample(false, ms, id + " from " + asker.name() + ": " + r.statusCode() + " " + r.body(), false);
    String node = AdminClient.JSON.readTree(r.body()).path("node").asText();
    return new ScaleReport.GetSample(true, ms, null, node.equals(asker.address)); // where it runs now (a shard may have moved)
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
}
