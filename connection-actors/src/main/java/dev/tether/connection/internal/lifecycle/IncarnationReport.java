package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.ConnectionState;
import dev.tether.connection.Outcome;
import dev.tether.connection.TlsInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * INTERNAL API: what a {@link ConnectionSupervisor} hears from its incarnation: immutable facts,
 * past tense. They are supervisor messages themselves, so no message adapter (an extra object per
 * connection) is needed.
 */
sealed interface IncarnationReport extends ConnectionSupervisor.Command {
  long incarnation();

  /** The incarnation entered a state; {@code tls} is set from open on. */
  record StateEntered(long incarnation, ConnectionState state, Instant at, Optional<TlsInfo> tls)
      implements IncarnationReport {}

  /** A keepalive ping went unanswered ({@code misses} in a row); for the journal. */
  record KeepaliveMissed(long incarnation, Instant at, int misses, int allowed) implements IncarnationReport {}

  /** A keepalive ping was answered after {@code rtt}; for the journal. */
  record RttMeasured(long incarnation, Instant at, Duration rtt) implements IncarnationReport {}

  /** The incarnation ended. Always the last report; the actor stops right after. */
  record Ended(long incarnation, Outcome outcome, IncarnationStats stats) implements IncarnationReport {}
}
