package dev.tether.connection;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How one incarnation of a connection ended, with that incarnation's counters.
 *
 * @param kind what happened
 * @param initiator who started the end
 * @param detail a human-readable explanation, never null
 * @param at when the incarnation ended
 * @param incarnation the incarnation number this outcome belongs to
 * @param bytesIn application bytes received by this incarnation
 * @param bytesOut application bytes written by this incarnation
 * @param duration how long the incarnation lived, from its start to its end
 */
public record Outcome(
    OutcomeKind kind,
    Initiator initiator,
    String detail,
    Instant at,
    long incarnation,
    long bytesIn,
    long bytesOut,
    Duration duration) {

  public Outcome {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(initiator, "initiator");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(duration, "duration");
  }


  @Override
  public String toString() {
    return kind.wireName() + " (" + initiator.wireName() + "): " + detail;
  }
}
