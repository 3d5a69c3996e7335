package dev.tether.connection;

import java.time.Instant;

/** What subscribers of the {@link ConnectionManager} receive: every state change and outcome. */
public sealed interface ConnectionEvent {
  String connectionId();

  /** A connection entered a new state. */
  record StateChanged(String connectionId, long incarnation, ConnectionState state, Instant at)
      implements ConnectionEvent {}

  /** An incarnation of a connection ended. */
  record OutcomeReported(String connectionId, Outcome outcome) implements ConnectionEvent {}

  /** A connection was closed on request and is no longer managed. */
  record Removed(String connectionId, Instant at) implements ConnectionEvent {}
}
