package dev.tether.connection;

import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.settings.ReconnectSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of one managed connection.
 *
 * @param id connection id
 * @param remote {@code host:port}: the peer we connect to, or the client's address
 * @param state current state
 * @param incarnation number of the current (or last) incarnation, starting at 1
 * @param stateSince when the current state was entered
 * @param tls what the current incarnation negotiated; empty before its handshake finished
 * @param bytesIn application bytes received by the current incarnation
 * @param bytesOut application bytes written by the current incarnation
 * @param reconnects how many incarnations were started after the first
 * @param nextAttemptAt when the next incarnation starts, while in backoff
 * @param lastPingRttMillis round-trip time of the last answered keepalive ping
 * @param pingRttPercentiles recent keepalive round-trip times: p50, p90, p99 in milliseconds
 * @param lastOutcome how the previous incarnation ended
 * @param history the most recent outcomes, oldest first
 * @param spec the spec this connection was opened with
 * @param settings the connection's effective settings (its spec's, or the manager's defaults;
 *     an inbound connection's are its listener's)
 * @param direction outbound (we connected) or inbound (accepted by a listener)
 * @param listener the listener that accepted an inbound connection
 * @param node in cluster mode, the member that manages it ({@code host:port} of its remoting
 *     address); empty on a single node
 * @param restartBudget how much of the reconnect policy's intensity limit is used: failures within
 *     the window against {@code max-failures} (see {@link #failuresInWindow()})
 */
public record ConnectionView(
    ConnectionId id,
    String remote,
    ConnectionState state,
    long incarnation,
    Instant stateSince,
    Optional<TlsInfo> tls,
    long bytesIn,
    long bytesOut,
    long reconnects,
    Optional<Instant> nextAttemptAt,
    Optional<Long> lastPingRttMillis,
    Optional<RttPercentiles> pingRttPercentiles,
    Optional<Outcome> lastOutcome,
    List<Outcome> history,
    ConnectionSpec spec,
    ConnectionSettings settings,
    Direction direction,
    Optional<String> listener,
    Optional<String> node,
    RestartBudget restartBudget) {

  public ConnectionView {
    if (node == null) node = Optional.empty();
    if (restartBudget == null) restartBudget = RestartBudget.unused(settings.reconnect());
  }

  /** A view without a count of recent failures (shown as none used). */
  public ConnectionView(ConnectionId id, String remote, ConnectionState state, long incarnation, Instant stateSince,
      Optional<TlsInfo> tls, long bytesIn, long bytesOut, long reconnects, Optional<Instant> nextAttemptAt,
      Optional<Long> lastPingRttMillis, Optional<RttPercentiles> pingRttPercentiles, Optional<Outcome> lastOutcome,
      List<Outcome> history, ConnectionSpec spec, ConnectionSettings settings, Direction direction,
      Optional<String> listener, Optional<String> node) {
    this(id, remote, state, incarnation, stateSince, tls, bytesIn, bytesOut, reconnects, nextAttemptAt, lastPingRttMillis,
        pingRttPercentiles, lastOutcome, history, spec, settings, direction, listener, node, null);
  }

  /** A view on a single node (no {@code node}). */
  public ConnectionView(ConnectionId id, String remote, ConnectionState state, long incarnation, Instant stateSince,
      Optional<TlsInfo> tls, long bytesIn, long bytesOut, long reconnects, Optional<Instant> nextAttemptAt,
      Optional<Long> lastPingRttMillis, Optional<RttPercentiles> pingRttPercentiles, Optional<Outcome> lastOutcome,
      List<Outcome> history, ConnectionSpec spec, ConnectionSettings settings, Direction direction,
      Optional<String> listener) {
    this(id, remote, state, incarnation, stateSince, tls, bytesIn, bytesOut, reconnects, nextAttemptAt, lastPingRttMillis,
        pingRttPercentiles, lastOutcome, history, spec, settings, direction, listener, Optional.empty());
  }

  /** Failed incarnations within the last {@link #failureWindow()}: one more than {@link #maxFailures()} makes it {@code failed}. */
  public int failuresInWindow() {
    return restartBudget.failuresInWindow();
  }

  /** The reconnect policy's {@code max-failures}. */
  public int maxFailures() {
    return restartBudget.maxFailures();
  }

  /** The reconnect policy's {@code max-failures-within}. */
  public Duration failureWindow() {
    return restartBudget.failureWindow();
  }

  /**
   * The reconnect policy's intensity limit and how much of it is used. An inbound connection is
   * never reconnected: its count stays 0.
   *
   * @param failuresInWindow incarnations that ended (other than on request) within the last
   *     {@code failureWindow}, counted since the last reconnect on request
   * @param maxFailures more than this many within the window make the connection {@code failed}
   * @param failureWindow the sliding window ({@code max-failures-within})
   */
  public record RestartBudget(int failuresInWindow, int maxFailures, Duration failureWindow) {
    /** Nothing used yet. */
    public static RestartBudget unused(ReconnectSettings reconnect) {
      return new RestartBudget(0, reconnect.maxFailures(), reconnect.maxFailuresWithin());
    }
  }

  /** Recent keepalive round-trip times in milliseconds. */
  public record RttPercentiles(long p50, long p90, long p99, int samples) {}
}
