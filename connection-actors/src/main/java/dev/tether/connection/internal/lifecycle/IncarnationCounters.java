package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.ConnectionView;
import java.util.Arrays;
import java.util.Optional;

/**
 * INTERNAL API: the running counters of one incarnation. One writer, the incarnation's connection
 * actor; any number of readers through {@link #snapshot()}, in practice its supervisor, which made
 * it and hands it to each incarnation it spawns.
 *
 * <p>Why shared rather than asked for: a view (and a listing of N connections) then costs no
 * message to the incarnation and is never staler than the last write the JVM has made visible.
 * Single-writer volatile fields keep that safe without locks: {@code +=} on a volatile is not
 * atomic, but only one thread ever writes. The round-trip samples are the writer's alone; readers
 * see the percentiles computed at the last answered ping (pings come seconds apart).
 */
final class IncarnationCounters {
  private static final int RTT_SAMPLES = 64;

  private volatile long bytesIn;
  private volatile long bytesOut;
  private volatile Optional<Long> lastRttMillis = Optional.empty();
  private volatile Optional<ConnectionView.RttPercentiles> percentiles = Optional.empty();
  // The writer's only. Made at the first answered ping: most connections never ping, and 528 bytes each add up.
  private long[] rtts;
  private int rttCount;

  /** Writer only. */
  void addIn(long n) {
    bytesIn += n;
  }

  /** Writer only. */
  void addOut(long n) {
    bytesOut += n;
  }

  /** Writer only. */
  void recordRtt(long millis) {
    if (rtts == null) rtts = new long[RTT_SAMPLES];
    rtts[rttCount % RTT_SAMPLES] = millis;
    rttCount++;
    percentiles = computePercentiles();
    lastRttMillis = Optional.of(millis);
  }

  long bytesIn() {
    return bytesIn;
  }

  long bytesOut() {
    return bytesOut;
  }

  /** Safe from any thread. */
  IncarnationStats snapshot() {
    return new IncarnationStats(bytesIn, bytesOut, lastRttMillis, percentiles);
  }

  /** p50, p90, p99 of the most recent round-trip times (nearest rank). */
  private Optional<ConnectionView.RttPercentiles> computePercentiles() {
    int n = Math.min(rttCount, RTT_SAMPLES);
    long[] sorted = Arrays.copyOf(rtts, n);
    Arrays.sort(sorted);
    return Optional.of(new ConnectionView.RttPercentiles(at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99), n));
  }

  private static long at(long[] sorted, double q) {
    int idx = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }
}
