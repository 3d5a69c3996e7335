package dev.tether.admin.json;

import dev.tether.connection.ConnectionView;
import java.time.Instant;

/**
 * One connection as the REST API shows it. Fields documented as "or null" are null, never absent.
 *
 * @param id connection id
 * @param remote {@code host:port}: the peer we connect to, or the client's address
 * @param direction {@code outbound} (we connected) or {@code inbound} (accepted by a listener)
 * @param listener the listener that accepted an inbound connection, or null for an outbound one
 * @param node in cluster mode the member that manages it ({@code host:port}), else null
 * @param state the state's wire name
 * @param incarnation current (or last) incarnation, from 1
 * @param stateSince ISO-8601 UTC
 * @param tls the negotiated parameters, or null before the handshake finished
 * @param bytesIn application bytes received by the current incarnation
 * @param bytesOut application bytes written by the current incarnation
 * @param reconnects incarnations started after the first
 * @param nextAttemptAt ISO-8601 UTC while in backoff, else null
 * @param lastPingRttMillis round-trip time of the last answered keepalive ping, or null
 * @param lastOutcome how the previous incarnation ended, or null
 * @param failuresInWindow incarnations that ended (not on request) within the last {@code
 *     failureWindow}; one more than {@code maxFailures} makes the connection {@code failed}. Always 0
 *     for an inbound connection (never reconnected)
 * @param maxFailures the reconnect policy's {@code max-failures}
 * @param failureWindow the reconnect policy's {@code max-failures-within}, as in request bodies ({@code "1m"} is {@code "60s"})
 */
public record ConnectionJson(
    String id,
    String remote,
    String direction,
    String listener,
    String node,
    String state,
    long incarnation,
    String stateSince,
    TlsJson tls,
    long bytesIn,
    long bytesOut,
    long reconnects,
    String nextAttemptAt,
    Long lastPingRttMillis,
    OutcomeJson lastOutcome,
    int failuresInWindow,
    int maxFailures,
    String failureWindow) {

  public static ConnectionJson of(ConnectionView v) {
    return new ConnectionJson(
        v.id().value(),
        v.remote(),
        v.direction().wireName(),
        v.listener().orElse(null),
        v.node().orElse(null),
        v.state().wireName(),
        v.incarnation(),
        v.status().since().toString(),
        v.status().tls().map(TlsJson::of).orElse(null),
        v.counters().bytesIn(),
        v.counters().bytesOut(),
        v.restarts().reconnects(),
        v.status().nextAttemptAt().map(Instant::toString).orElse(null),
        v.counters().lastPingRttMillis().orElse(null),
        v.restarts().lastOutcome().map(OutcomeJson::of).orElse(null),
        v.failuresInWindow(),
        v.maxFailures(),
        Durations.format(v.failureWindow()));
  }
}
