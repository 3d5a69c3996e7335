package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.Initiator;
import dev.tether.connection.Outcome;
import dev.tether.connection.OutcomeKind;
import dev.tether.connection.TlsInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * INTERNAL API: where a managed connection is, as its {@link ConnectionSupervisor} sees it. Each
 * phase carries what it knows; {@link #state()} is what views and events show.
 */
sealed interface Phase {
  /** The current (or last) incarnation's number, from 1. */
  long incarnation();

  ConnectionState state();

  Instant since();

  default Optional<TlsInfo> tls() {
    return Optional.empty();
  }

  default Optional<Instant> nextAttemptAt() {
    return Optional.empty();
  }

  /** The incarnation alive in this phase, if any: its counters are what a view shows. */
  default Optional<Running> live() {
    return Optional.empty();
  }

  /** Waiting for a handshake permit ({@code tether.max-concurrent-handshakes}); shown as connecting. */
  record Queued(long incarnation, Instant since) implements Phase {
    @Override
    public ConnectionState state() {
      return ConnectionState.CONNECTING;
    }
  }

  /**
   * An incarnation is alive.
   *
   * @param counters its counters, written by the incarnation, read here for views (no message needed)
   * @param state the state it last reported
   * @param openedAt when it became open, if it did (for the reconnect policy's reset-after)
   * @param holdsPermit it still counts against the handshake limit
   * @param ended its outcome, once reported (the actor stops right after)
   * @param reconnectRequested start the next incarnation at once when it has ended
   */
  record Running(
      long incarnation,
      ActorRef<Connection.Command> child,
      IncarnationCounters counters,
      ConnectionState state,
      Instant since,
      Optional<TlsInfo> tls,
      Optional<Instant> openedAt,
      boolean holdsPermit,
      Optional<IncarnationReport.Ended> ended,
      boolean reconnectRequested) implements Phase {

    static Running started(long incarnation, ActorRef<Connection.Command> child, IncarnationCounters counters, Instant since) {
      return new Running(incarnation, child, counters, ConnectionState.CONNECTING, since, Optional.empty(), Optional.empty(), true,
          Optional.empty(), false);
    }

    /** An accepted (inbound) connection: handshaking at once, holding no handshake permit. */
    static Running accepted(long incarnation, ActorRef<Connection.Command> child, IncarnationCounters counters, Instant since) {
      return new Running(incarnation, child, counters, ConnectionState.HANDSHAKING, since, Optional.empty(), Optional.empty(), false,
          Optional.empty(), false);
    }

    Running entered(IncarnationReport.StateEntered s) {
      boolean handshaking = s.state() == ConnectionState.CONNECTING || s.state() == ConnectionState.HANDSHAKING;
      return new Running(incarnation, child, counters, s.state(), s.state() == state ? since : s.at(), s.tls().or(() -> tls),
          s.state() == ConnectionState.OPEN && openedAt.isEmpty() ? Optional.of(s.at()) : openedAt,
          holdsPermit && handshaking, ended, reconnectRequested);
    }

    Running withEnded(IncarnationReport.Ended e) {
      return new Running(incarnation, child, counters, state, since, tls, openedAt, holdsPermit, Optional.of(e), reconnectRequested);
    }

    Running withoutPermit() {
      return new Running(incarnation, child, counters, state, since, tls, openedAt, false, ended, reconnectRequested);
    }

    @Override
    public Optional<Running> live() {
      return Optional.of(this);
    }

    /** Its counters now: the final ones once it has ended, else read from the live incarnation. */
    IncarnationStats stats() {
      return ended.map(IncarnationReport.Ended::stats).orElseGet(counters::snapshot);
    }

    Running withReconnectRequested() {
      return new Running(incarnation, child, counters, state, since, tls, openedAt, holdsPermit, ended, true);
    }
  }

  /** Closing on request: when the incarnation has ended, the connection is removed and the waiters answered. */
  record Removing(Running running, List<ActorRef<ConnectionManager.CloseResult>> waiters) implements Phase {
    @Override
    public long incarnation() {
      return running.incarnation();
    }

    @Override
    public ConnectionState state() {
      return running.state();
    }

    @Override
    public Instant since() {
      return running.since();
    }

    @Override
    public Optional<TlsInfo> tls() {
      return running.tls();
    }

    @Override
    public Optional<Running> live() {
      return Optional.of(running);
    }

    Removing with(Running r) {
      return new Removing(r, waiters);
    }

    Removing withWaiter(ActorRef<ConnectionManager.CloseResult> waiter) {
      List<ActorRef<ConnectionManager.CloseResult>> all = new ArrayList<>(waiters);
      all.add(waiter);
      return new Removing(running, List.copyOf(all));
    }
  }

  /** The last incarnation ended; the next starts at {@code nextAttemptAt}. */
  record BackingOff(long incarnation, Instant since, Instant at) implements Phase {
    @Override
    public ConnectionState state() {
      return ConnectionState.BACKOFF;
    }

    @Override
    public Optional<Instant> nextAttemptAt() {
      return Optional.of(at);
    }
  }

  /** Too many failures within the window; stays here until a reconnect is requested. */
  record Failed(long incarnation, Instant since) implements Phase {
    @Override
    public ConnectionState state() {
      return ConnectionState.FAILED;
    }
  }

  /** The outcome of a close while no incarnation was running: nothing was open on the wire. */
  static Outcome closedBeforeRunning(Phase p, Instant at) {
    return new Outcome(OutcomeKind.ABORTED, Initiator.LOCAL,
        "closed while " + p.state().wireName() + "; no transport was open", at, p.incarnation(), 0, 0, Duration.ZERO);
  }
}
