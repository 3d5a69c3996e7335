package dev.tether.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the cluster-scale run found, filled in by its phases as they go and written out by {@link
 * ReportWriter}; a failed run still has the figures of the steps before the failure.
 */
final class ScaleReport {
  record ListSample(double ms, long bytes, int status, int count, boolean partial, List<String> missing) {}

  record Listing(ScaleNode from, List<ListSample> samples) {}

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

  /** Connections to open; after a POST budget that ran out, those that were created. */
  int total;
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
  ScaleNode victim;
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
