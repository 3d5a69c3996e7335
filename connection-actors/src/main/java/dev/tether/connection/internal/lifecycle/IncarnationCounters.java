package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.ConnectionView;
import java.util.Arrays;
import java.util.Optional;

/**
 * INTERNAL API: the running counters of one incarnation. Owned by its connection actor and never
 * handed to another actor: others get an {@link IncarnationStats} snapshot.
 */
final class IncarnationCounters {
  private static final int RTT_SAMPLES = 64;

  private long bytesIn;
  private long bytesOut;
  private long lastRttMillis = -1;
  // Made at the first answered ping: most connections never ping, and 528 bytes each add up.
  private long[] rtts;
  private int rttCount;

  void addIn(long n) {
    bytesIn += n;
  }

  void addOut(long n) {
    bytesOut += n;
  }

  void recordRtt(long millis) {
    if (rtts == null) rtts = new long[RTT_SAMPLES];
    rtts[rttCount % RTT_SAMPLES] = millis;
    rttCount++;
    lastRttMillis = millis;
  }

  long bytesIn() {
    return bytesIn;
  }

  long bytesOut() {
    return bytesOut;
  }

  IncarnationStats snapshot() {
    return new IncarnationStats(bytesIn, bytesOut,
        lastRttMillis < 0 ? Optional.empty() : Optional.of(lastRttMillis), percentiles());
  }

  /** p50, p90, p99 of the most recent round-trip times (nearest rank). */
  private Optional<ConnectionView.RttPercentiles> percentiles() {
    int n = Math.min(rttCount, RTT_SAMPLES);
    if (n == 0) return Optional.empty();
    long[] sorted = Arrays.copyOf(rtts, n);
    Arrays.sort(sorted);
    return Optional.of(new ConnectionView.RttPercentiles(at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99), n));
  }

  private static long at(long[] sorted, double q) {
    int idx = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }
}
