package dev.tether.connection;

import java.time.Instant;
import java.util.Optional;

/**
 * What subscribers of the {@link ConnectionManager} receive: every state change and outcome. Each
 * event says which side opened the connection, so that an observer (metrics, a console) never has
 * to ask the manager about a connection it has just heard of.
 */
public sealed interface ConnectionEvent {
  ConnectionId connectionId();

  /** Which side opened the connection: the same for every event of an id. */
  Direction direction();

  /**
   * A connection entered a new state.
   *
   * @param tls what the handshake negotiated: present from {@code open} on (also while the
   *     incarnation closes), empty before and between incarnations
   */
  record StateChanged(ConnectionId connectionId, long incarnation, ConnectionState state, Instant at,
      Direction direction, Optional<TlsInfo> tls) implements ConnectionEvent {
    public StateChanged {
      if (tls == null) tls = Optional.empty();
    }
  }

  /** An incarnation of a connection ended. */
  record OutcomeReported(ConnectionId connectionId, Outcome outcome, Direction direction) implements ConnectionEvent {}

  /** A connection was closed on request and is no longer managed. */
  record Removed(ConnectionId connectionId, Instant at, Direction direction) implements ConnectionEvent {}
}
