package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.Initiator;
import dev.tether.connection.Outcome;
import dev.tether.connection.OutcomeKind;
import java.time.Duration;
import java.time.Instant;

/**
 * INTERNAL API: how an incarnation ended, before the incarnation's counters and times are attached:
 * either decided by the connection actor itself (a timer, a close with mode abort) or found by the
 * {@link EndClassifier} from what the stream reported.
 *
 * @param kind the outcome kind
 * @param initiator who started the end
 * @param detail what an operator should read
 */
record Ending(OutcomeKind kind, Initiator initiator, String detail) {

  static Ending local(OutcomeKind kind, String detail) {
    return new Ending(kind, Initiator.LOCAL, detail);
  }

  static Ending peer(OutcomeKind kind, String detail) {
    return new Ending(kind, Initiator.PEER, detail);
  }

  /** The same end, with more for the operator to read. */
  Ending withMoreDetail(String more) {
    return new Ending(kind, initiator, detail + "; " + more);
  }

  /** The outcome of incarnation {@code incarnation}, which started at {@code startedAt} and ended at {@code at}. */
  Outcome toOutcome(long incarnation, IncarnationStats stats, Instant startedAt, Instant at) {
    return new Outcome(kind, initiator, detail, at, incarnation, stats.bytesIn(), stats.bytesOut(),
        Duration.between(startedAt, at));
  }
}
