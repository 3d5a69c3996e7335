package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.Initiator;
import dev.tether.connection.Outcome;
import dev.tether.connection.OutcomeKind;
import dev.tether.connection.journal.ConnectionJournal;
import dev.tether.connection.journal.JournalEvent;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;

/**
 * INTERNAL API: what one supervised connection has lived through, across its incarnations: its
 * last outcomes (history-size of them), its journal, how often it was reconnected and the counters
 * of the incarnation that ended last. Its {@link ConnectionSupervisor} owns it and is its only
 * writer, in the supervisor's phases, while the supervisor decides what happens next.
 *
 * <p>It builds the connection's views and publishes its events through the registry, journaling
 * each state change and outcome on the way: a view, the journal and a subscriber are fed from one
 * place, so they never tell different stories of the same connection.
 */
final class ConnectionRecord {
  private final ConnectionPlan plan;
  private final ConnectionSpec spec;
  private final int historySize;
  private final ActorRef<ConnectionManager.Command> registry;
  private final Logger log;
  /** In cluster mode, this member ({@code host:port}), shown in views. */
  private final Optional<String> node;
  // Grows across incarnations, never handed out mutable.
  private final ArrayDeque<Outcome> history = new ArrayDeque<>();
  /** Its last events across incarnations, for GetJournal; handed to the registry when it is removed. */
  private final Journal journal;
  private long reconnects;
  private IncarnationStats lastStats = IncarnationStats.EMPTY;

  ConnectionRecord(ConnectionPlan plan, ConnectionManagerSettings managerSettings,
      ActorRef<ConnectionManager.Command> registry, Logger log, ActorSystem<?> system) {
    this.plan = plan;
    this.spec = plan.spec();
    this.historySize = managerSettings.historySize();
    this.registry = registry;
    this.log = log;
    this.node = managerSettings.cluster().enabled()
        ? Optional.of(ClusterNodes.node(system.address(), system))
        : Optional.empty();
    this.journal = new Journal(managerSettings.journalSize());
  }

  /**
   * A connection that may have run elsewhere before (cluster mode) goes on counting from there.
   *
   * @param opening the open request to journal first; empty when started again from the store
   */
  void continueFrom(Continuation from, Optional<JournalEvent.AdminAction> opening) {
    from.previousEnd().ifPresent(this::outcome);
    opening.ifPresent(o -> journal.add(Instant.now(), from.firstIncarnation(), o));
    reconnects = from.firstIncarnation() - 1; // every incarnation after the first is a reconnect, wherever it ran
  }

  void reconnecting() {
    reconnects++;
  }

  /** A new incarnation is announced: the last one's counters are no longer what a view shows. */
  void incarnationAnnounced() {
    lastStats = IncarnationStats.EMPTY;
  }

  /** The counters of the incarnation that ended last (empty once the next is announced). */
  IncarnationStats lastStats() {
    return lastStats;
  }

  void journal(Instant at, long incarnation, JournalEvent event) {
    journal.add(at, incarnation, event);
  }

  ConnectionJournal journalSnapshot() {
    return journal.snapshot(spec.id());
  }

  /**
   * Close and reconnect requests go into the journal (what, with which mode, asked by whom) before
   * the phase acts on them; other messages are not journaled.
   *
   * @param defaultMode the mode of a close that names none
   * @param reconnectable false for an accepted connection, whose reconnect requests are refused and
   *     change nothing
   */
  void requested(long incarnation, Object m, CloseMode defaultMode, boolean reconnectable) {
    if (m instanceof ConnectionManager.Close close) {
      journal.add(Instant.now(), incarnation, new JournalEvent.AdminAction(JournalEvent.Action.CLOSE,
          Optional.of(close.mode().orElse(defaultMode)), close.requestedBy()));
    } else if (m instanceof ConnectionManager.Reconnect reconnect && reconnectable) {
      journal.add(Instant.now(), incarnation, new JournalEvent.AdminAction(JournalEvent.Action.RECONNECT,
          Optional.empty(), reconnect.requestedBy()));
    }
  }

  /** What keepalive observed: a ping's round trip, or pongs missed. */
  void keepalive(IncarnationReport report) {
    if (report instanceof IncarnationReport.RttMeasured rtt) {
      journal.add(rtt.at(), rtt.incarnation(), new JournalEvent.RttMeasured(rtt.rtt()));
    } else if (report instanceof IncarnationReport.KeepaliveMissed miss) {
      journal.add(miss.at(), miss.incarnation(), new JournalEvent.KeepaliveMissed(miss.misses(), miss.allowed()));
    }
  }

  /** The incarnation reported how it ended. */
  void ended(IncarnationReport.Ended e) {
    lastStats = e.stats();
    outcome(e.outcome());
  }

  /** An outcome: kept, journaled, logged and published. */
  void outcome(Outcome o) {
    history.addLast(o);
    while (history.size() > historySize) history.removeFirst();
    journal.add(o.at(), o.incarnation(), new JournalEvent.OutcomeRecorded(o));
    log.info("connection {} incarnation {} ended: {} ({}) {} [in={} out={} after {}]",
        spec.id(), o.incarnation(), o.kind().wireName(), o.initiator().wireName(), o.detail(), o.bytesIn(), o.bytesOut(),
        o.duration());
    publish(new ConnectionEvent.OutcomeReported(spec.id(), o, plan.direction()));
  }

  /** Too many failures within the window: the supervisor waits for a reconnect request. */
  void gaveUp(Phase.Failed f, ReconnectPolicy.GiveUp g) {
    log.warn("connection {} failed {} times within {}: giving up until a reconnect is requested",
        spec.id(), g.failures(), g.within());
    stateChanged(f);
  }

  /** The next incarnation waits for the delay the policy chose, journaled with its attempt. */
  void backingOff(Phase.BackingOff b, ReconnectPolicy.RetryIn retry) {
    journal.add(b.since(), b.incarnation(), new JournalEvent.ReconnectDelayChosen(retry.delay(), retry.attempt()));
    stateChanged(b);
  }

  /** The incarnation's actor stopped without reporting an outcome (a bug): one saying so is recorded. */
  Outcome stoppedUnreported(long incarnation) {
    Outcome o = new Outcome(OutcomeKind.ABORTED, Initiator.LOCAL, "the connection actor stopped unexpectedly",
        Instant.now(), incarnation, lastStats.bytesIn(), lastStats.bytesOut(), Duration.ZERO);
    outcome(o);
    return o;
  }

  /** The connection entered the state of {@code p}: journaled and published. */
  void stateChanged(Phase p) {
    journal.stateChanged(p.since(), p.incarnation(), p.state());
    publish(new ConnectionEvent.StateChanged(spec.id(), p.incarnation(), p.state(), p.since(), plan.direction(), p.tls()));
  }

  /**
   * The connection is no longer managed. The registry hears of it (and gets the journal, kept for
   * a while: journal-keep-removed) before anyone is answered, so that the id is free again for
   * whoever reacts to the answer.
   */
  void removed() {
    registry.tell(new SupervisorReport.JournalOfRemoved(journalSnapshot()));
    publish(new ConnectionEvent.Removed(spec.id(), Instant.now(), plan.direction()));
  }

  /**
   * The connection's view in phase {@code p}. Its counters are a live incarnation's, read without
   * asking it (see {@link IncarnationCounters}), else those of the incarnation that ended last.
   *
   * @param failuresInWindow the reconnect policy's count of recent failures
   */
  ConnectionView view(Phase p, int failuresInWindow) {
    ConnectionSettings settings = plan.settings();
    IncarnationStats stats = p.live().map(Phase.Running::stats).orElse(lastStats);
    return new ConnectionView(
        new ConnectionView.Identity(spec.id(), spec.remote(), plan.direction(), plan.listener(), node),
        new ConnectionView.Status(p.state(), p.incarnation(), p.since(), p.tls(), p.nextAttemptAt()),
        new ConnectionView.Counters(stats.bytesIn(), stats.bytesOut(), stats.lastPingRttMillis(), stats.pingRttPercentiles()),
        new ConnectionView.Restarts(reconnects, Optional.ofNullable(history.peekLast()), List.copyOf(history),
            new ConnectionView.RestartBudget(failuresInWindow, settings.reconnect().maxFailures(),
                settings.reconnect().maxFailuresWithin())),
        spec, settings);
  }

  private void publish(ConnectionEvent event) {
    registry.tell(new SupervisorReport.Published(event));
  }
}
