package dev.tether.connection;

import java.time.Instant;

/** What subscribers of the {@link ConnectionManager} receive: every state change and outcome. */
public sealed interface ConnectionEvent {
  ConnectionId connectionId();

  /** A connection entered a new state. */
  record StateChanged(ConnectionId connectionId, long incarnation, ConnectionState state, Instant at)
      implements ConnectionEvent {}

  /** An incarnation of a connection ended. */
  record OutcomeReported(ConnectionId connectionId, Outcome outcome) implements ConnectionEvent {}

  /** A connection was closed on request and is no longer managed. */
  record Removed(ConnectionId connectionId, Instant at) implements ConnectionEvent {}
}
