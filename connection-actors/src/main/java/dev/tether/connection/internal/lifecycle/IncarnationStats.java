package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.ConnectionView;
import java.util.Optional;

/**
 * INTERNAL API: an immutable snapshot of one incarnation's counters, as its connection actor sent it
 * to its supervisor (on request, and with its end report).
 *
 * @param bytesIn application bytes received
 * @param bytesOut application bytes taken by the TLS stage
 * @param lastPingRttMillis round-trip time of the last answered keepalive ping
 * @param pingRttPercentiles percentiles of the recent round-trip times
 */
record IncarnationStats(
    long bytesIn,
    long bytesOut,
    Optional<Long> lastPingRttMillis,
    Optional<ConnectionView.RttPercentiles> pingRttPercentiles) {

  /** Before an incarnation has done anything. */
  static final IncarnationStats EMPTY = new IncarnationStats(0, 0, Optional.empty(), Optional.empty());
}
