package dev.tether.connection.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * INTERNAL API: the counters of one incarnation. Written only by its connection actor and read by
 * the manager for queries and metrics, like a metrics counter; nothing else is shared.
 */
public final class IncarnationStats {
  private static final int RTT_SAMPLES = 64;

  private final AtomicLong bytesIn = new AtomicLong();
  private final AtomicLong bytesOut = new AtomicLong();
  private final AtomicLong lastRttMillis = new AtomicLong(-1);
  private final long[] rtts = new long[RTT_SAMPLES];
  private int rttCount;

  public long bytesIn() {
    return bytesIn.get();
  }

  public long bytesOut() {
    return bytesOut.get();
  }

  /** Round-trip time of the last answered ping, or -1. */
  public long lastRttMillis() {
    return lastRttMillis.get();
  }

  void addIn(long n) {
    bytesIn.addAndGet(n);
  }

  void addOut(long n) {
    bytesOut.addAndGet(n);
  }

  synchronized void recordRtt(long millis) {
    rtts[rttCount % RTT_SAMPLES] = millis;
    rttCount++;
    lastRttMillis.set(millis);
  }

  /** p50, p90, p99 and the sample count of the recent round-trip times, or null if none. */
  public synchronized long[] rttPercentiles() {
    int n = Math.min(rttCount, RTT_SAMPLES);
    if (n == 0) return null;
    long[] sorted = Arrays.copyOf(rtts, n);
    Arrays.sort(sorted);
    return new long[] {at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99), n};
  }

  private static long at(long[] sorted, double q) {
    int idx = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }
}
