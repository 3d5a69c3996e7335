package dev.tether.connection;

import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.settings.ReconnectSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of one managed connection, in four groups: which connection it is ({@link Identity}),
 * where its current incarnation stands ({@link Status}), what that incarnation counted
 * ({@link Counters}) and how earlier incarnations ended ({@link Restarts}); plus the spec and the
 * effective settings it runs with.
 *
 * <p>The fields callers read most are also accessors here: {@link #id()}, {@link #remote()},
 * {@link #direction()}, {@link #listener()}, {@link #node()}, {@link #state()}, {@link
 * #incarnation()} and the restart budget's {@link #failuresInWindow()}, {@link #maxFailures()} and
 * {@link #failureWindow()}. Read the rest through their group, e.g. {@code v.counters().bytesIn()}.
 *
 * @param identity which connection this is and where it lives
 * @param status the state of the current (or last) incarnation
 * @param counters what the current incarnation counted
 * @param restarts reconnects, past outcomes and the reconnect policy's budget
 * @param spec the spec this connection was opened with
 * @param settings the connection's effective settings (its spec's, or the manager's defaults;
 *     an inbound connection's are its listener's)
 */
public record ConnectionView(
    Identity identity,
    Status status,
    Counters counters,
    Restarts restarts,
    ConnectionSpec spec,
    ConnectionSettings settings) {

  /**
   * Which connection a view is of: what stays the same across its incarnations.
   *
   * @param id connection id
   * @param remote {@code host:port}: the peer we connect to, or the client's address
   * @param direction outbound (we connected) or inbound (accepted by a listener)
   * @param listener the listener that accepted an inbound connection
   * @param node in cluster mode, the member that manages it ({@code host:port} of its remoting
   *     address); empty on a single node
   */
  public record Identity(
      ConnectionId id, String remote, Direction direction, Optional<String> listener, Optional<String> node) {
    public Identity {
      if (listener == null) listener = Optional.empty();
      if (node == null) node = Optional.empty();
    }
  }

  /**
   * Where the current (or last) incarnation stands.
   *
   * @param state current state
   * @param incarnation number of the current (or last) incarnation, starting at 1
   * @param since when the current state was entered
   * @param tls what the current incarnation negotiated; empty before its handshake finished
   * @param nextAttemptAt when the next incarnation starts, while in backoff
   */
  public record Status(
      ConnectionState state, long incarnation, Instant since, Optional<TlsInfo> tls, Optional<Instant> nextAttemptAt) {}

  /**
   * What the current incarnation counted, as current as the last bytes it counted.
   *
   * @param bytesIn application bytes received by the current incarnation
   * @param bytesOut application bytes written by the current incarnation
   * @param lastPingRttMillis round-trip time of the last answered keepalive ping
   * @param pingRttPercentiles recent keepalive round-trip times: p50, p90, p99 in milliseconds
   */
  public record Counters(
      long bytesIn, long bytesOut, Optional<Long> lastPingRttMillis, Optional<RttPercentiles> pingRttPercentiles) {}

  /**
   * How earlier incarnations ended and how much of the reconnect policy's budget that used.
   *
   * @param reconnects how many incarnations were started after the first
   * @param lastOutcome how the previous incarnation ended
   * @param history the most recent outcomes, oldest first
   * @param budget how much of the reconnect policy's intensity limit is used
   */
  public record Restarts(long reconnects, Optional<Outcome> lastOutcome, List<Outcome> history, RestartBudget budget) {}

  /** Connection id. */
  public ConnectionId id() {
    return identity.id();
  }

  /** {@code host:port}: the peer we connect to, or the client's address. */
  public String remote() {
    return identity.remote();
  }

  /** Outbound (we connected) or inbound (accepted by a listener). */
  public Direction direction() {
    return identity.direction();
  }

  /** The listener that accepted an inbound connection. */
  public Optional<String> listener() {
    return identity.listener();
  }

  /** In cluster mode, the member that manages it; empty on a single node. */
  public Optional<String> node() {
    return identity.node();
  }

  /** The current state. */
  public ConnectionState state() {
    return status.state();
  }

  /** Number of the current (or last) incarnation, starting at 1. */
  public long incarnation() {
    return status.incarnation();
  }

  /** Failed incarnations within the last {@link #failureWindow()}: one more than {@link #maxFailures()} makes it {@code failed}. */
  public int failuresInWindow() {
    return restarts.budget().failuresInWindow();
  }

  /** The reconnect policy's {@code max-failures}. */
  public int maxFailures() {
    return restarts.budget().maxFailures();
  }

  /** The reconnect policy's {@code max-failures-within}. */
  public Duration failureWindow() {
    return restarts.budget().failureWindow();
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
