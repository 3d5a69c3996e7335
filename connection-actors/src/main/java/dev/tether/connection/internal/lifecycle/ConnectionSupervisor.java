package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.internal.lifecycle.ClusterNodes;
import dev.tether.connection.internal.listener.Listener;
import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionManager.Close;
import dev.tether.connection.ConnectionManager.Get;
import dev.tether.connection.ConnectionManager.Reconnect;
import dev.tether.connection.ConnectionManager.Send;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.Initiator;
import dev.tether.connection.journal.JournalEvent;
import dev.tether.connection.Outcome;
import dev.tether.connection.OutcomeKind;
import dev.tether.connection.SendResult;
import dev.tether.connection.tls.TlsProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * INTERNAL API: supervises one managed connection for its whole life. It spawns one {@link
 * Connection} per incarnation, watches it, and starts the next only after the previous one has
 * terminated, so at most one incarnation of an id is ever alive. Between incarnations it applies
 * the {@link ReconnectPolicy}. It keeps the connection's history, builds its views, and publishes
 * its events through the {@link ConnectionRegistry}, which also grants its handshake permits.
 *
 * <pre>
 *   queued ─permit─► running ─ended─► backing off ─timer─► queued ...
 *                       │   └─too many failures─► failed ─Reconnect─► queued
 *                       └─Close─► removing ─ended─► (stopped: Closed, Removed)
 * </pre>
 *
 * An inbound connection (accepted by a listener) has exactly one incarnation, started at once
 * without a handshake permit (its listener's max-connections bounds it): when it ends, the
 * connection is removed and its listener told.
 */
public final class ConnectionSupervisor {

  /**
   * Everything a supervisor handles: what is asked of its connection, the registry's permit, its
   * incarnation's reports, and its own timers and watch. A {@link ConnectionManager.Command} too, so
   * that cluster mode's entity (whose sharded type that is) can host a supervisor.
   */
  public sealed interface Command extends ConnectionManager.Command
      permits Request, Admitted, CloseForShutdown, IncarnationReport, IncarnationTerminated, BackoffElapsed, CloseOverdue {}

  /** A request of the manager's protocol for this connection, routed here by the registry. */
  public record Request(ConnectionManager.ConnectionRequest request) implements Command {}

  /** The registry let the queued incarnation in. */
  public record Admitted(long incarnation) implements Command {}

  /**
   * This node shuts down: close with the configured mode, as a {@code Close} nobody asked for by
   * name. A host may give it more meaning: cluster mode's entity keeps the spec, to be opened on
   * another member.
   */
  public record CloseForShutdown(ActorRef<ConnectionManager.CloseResult> replyTo) implements Command {}

  private record IncarnationTerminated(long incarnation) implements Command {}

  private record BackoffElapsed(long incarnation) implements Command {}

  /** The incarnation asked to close has not stopped within {@link ConnectionPlan#closeBound}: a bug guard. */
  private record CloseOverdue(long incarnation, Duration bound) implements Command {}

  private enum BackoffTimer { KEY }

  private enum CloseTimer { KEY }

  /** An outbound connection: reconnected by its policy until closed. */
 public static Behavior<Command> create(
      ConnectionPlan plan,
      ConnectionManagerSettings managerSettings,
      ActorRef<ConnectionManager.Command> registry,
      ActorRef<ConnectionManager.OpenResult> openedReplyTo,
      boolean admitted,
      Optional<String> requestedBy) {
    return create(plan, managerSettings, registry, openedReplyTo, admitted, Continuation.FRESH, Optional.of(opening(requestedBy)));
  }

  /**
   * An outbound connection that may have run elsewhere before (cluster mode): counting goes on from there.
   *
   * @param opening the open request to journal first (what, who asked if known); empty when the
   *     connection is started again from the store (a wake-up, a move)
   */
 public static Behavior<Command> create(
      ConnectionPlan plan,
      ConnectionManagerSettings managerSettings,
      ActorRef<ConnectionManager.Command> registry,
      ActorRef<ConnectionManager.OpenResult> openedReplyTo,
      boolean admitted,
      Continuation from,
      Optional<JournalEvent.AdminAction> opening) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new ConnectionSupervisor(ctx, timers, plan, managerSettings, registry)
            .start(openedReplyTo, admitted, from, opening)));
  }

  /** The journal entry of an open request. */
  public static JournalEvent.AdminAction opening(Optional<String> requestedBy) {
    return new JournalEvent.AdminAction(JournalEvent.Action.OPEN, Optional.empty(), requestedBy);
  }

  /** An inbound connection: its one incarnation starts now; removed when it has ended. */
  public static Behavior<Command> createInbound(ConnectionPlan plan, ConnectionManagerSettings managerSettings,
      ActorRef<ConnectionManager.Command> registry) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new ConnectionSupervisor(ctx, timers, plan, managerSettings, registry).accepted()));
  }

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final ConnectionPlan plan;
  private final ConnectionSpec spec;
  private final ConnectionSettings settings;
  private final ConnectionManagerSettings managerSettings;
  private final ActorRef<ConnectionManager.Command> registry;
  private final ReconnectPolicy policy;
  /** In cluster mode, this member ({@code host:port}), shown in views. */
  private final Optional<String> node;
  // What the connection has lived through: grows across phases, never handed out mutable.
  private final ArrayDeque<Outcome> history = new ArrayDeque<>();
  /** Its last events across incarnations, for GetJournal; handed to the registry when it is removed. */
  private final Journal journal;
  private long reconnects;
  private IncarnationStats lastStats = IncarnationStats.EMPTY;

  private ConnectionSupervisor(ActorContext<Command> ctx, TimerScheduler<Command> timers,
      ConnectionPlan plan, ConnectionManagerSettings managerSettings, ActorRef<ConnectionManager.Command> registry) {
    this.ctx = ctx;
    this.timers = timers;
    this.plan = plan;
    this.spec = plan.spec();
    this.settings = plan.settings();
    this.managerSettings = managerSettings;
    this.registry = registry;
    this.node = managerSettings.cluster().enabled()
        ? Optional.of(ClusterNodes.node(ctx.getSystem().address(), ctx.getSystem()))
        : Optional.empty();
    this.policy = new ReconnectPolicy(settings.reconnect(), () -> ThreadLocalRandom.current().nextDouble());
    this.journal = new Journal(managerSettings.journalSize());
  }

  /**
   * @param admitted the registry already decided on a handshake permit for the first incarnation:
   *     granted, or queued (then {@link Admitted} follows); a round trip less per open
   */
  private Behavior<Command> start(ActorRef<ConnectionManager.OpenResult> openedReplyTo, boolean admitted,
      Continuation from, Optional<JournalEvent.AdminAction> opening) {
    from.previousEnd().ifPresent(this::record);
    opening.ifPresent(o -> journal.add(Instant.now(), from.firstIncarnation(), o));
    reconnects = from.firstIncarnation() - 1; // every incarnation after the first is a reconnect, wherever it ran
    Phase.Queued first = announce(from.firstIncarnation());
    openedReplyTo.tell(new ConnectionManager.Opened(view(first, IncarnationStats.EMPTY)));
    return admitted ? spawn(first) : queued(first);
  }

  private Behavior<Command> accepted() {
    Instant now = Instant.now();
    IncarnationCounters counters = new IncarnationCounters();
    ActorRef<Connection.Command> child = ctx.spawn(Connection.create(plan, 1, ctx.getSelf().narrow(), counters),
        "incarnation-1", plan.incarnationProps()).narrow();
    ctx.watchWith(child, new IncarnationTerminated(1));
    Phase.Running r = Phase.Running.accepted(1, child, counters, now);
    publish(stateChanged(r));
    return running(r);
  }

  // ---------------------------------------------------------------- phases

  // Each phase is one receive function (not a BehaviorBuilder): a supervisor lives as long as its
  // connection, and a built behavior per phase cost about a kilobyte of heap per connection.

  /** Waiting for a handshake permit from the registry. */
  private Behavior<Command> queued(Phase.Queued q) {
    return Behaviors.receiveMessage(message -> {
      Object m = unwrap(message);
      noteAdminRequest(q, m);
      if (m instanceof Admitted a) return a.incarnation() == q.incarnation() ? spawn(q) : Behaviors.same();
      if (m instanceof Send send) return rejectNotOpen(send, q);
      if (m instanceof Close close) {
        registry.tell(new SupervisorReport.AdmissionReleased(spec.id())); // leave the queue
        return removeNow(q, close.replyTo());
      }
      if (m instanceof Reconnect reconnect) { // already waiting for its turn to connect
        policy.reset();
        return replyWithView(q, reconnect.replyTo());
      }
      return inAnyPhase(q, m);
    });
  }

  /** An incarnation is alive. */
  private Behavior<Command> running(Phase.Running r) {
    return Behaviors.receiveMessage(message -> {
      Object m = unwrap(message);
      noteAdminRequest(r, m);
      if (m instanceof IncarnationReport report && report.incarnation() == r.incarnation()) return running(reported(r, report));
      if (m instanceof IncarnationTerminated t && t.incarnation() == r.incarnation()) return afterIncarnation(r);
      if (m instanceof Send send) return forward(r, send);
      if (m instanceof Close close) {
        CloseMode mode = close.mode().orElse(settings.closeMode());
        r.child().tell(new Connection.Close(mode));
        Duration bound = plan.closeBound(mode);
        timers.startSingleTimer(CloseTimer.KEY, new CloseOverdue(r.incarnation(), bound), bound);
        return removing(new Phase.Removing(r, List.of(close.replyTo())));
      }
      if (m instanceof Reconnect reconnect && plan.inbound().isPresent()) return replyWithView(r, reconnect.replyTo());
      if (m instanceof Reconnect reconnect) {
        policy.reset();
        if (r.ended().isEmpty()) r.child().tell(new Connection.Close(CloseMode.GRACEFUL));
        Phase.Running next = r.withReconnectRequested();
        replyWithView(next, reconnect.replyTo());
        return running(next);
      }
      return inAnyPhase(r, m);
    });
  }

  /** Closing on request: removed once the incarnation has ended. */
  private Behavior<Command> removing(Phase.Removing p) {
    return Behaviors.receiveMessage(message -> {
      Object m = unwrap(message);
      noteAdminRequest(p, m);
      if (m instanceof IncarnationReport report && report.incarnation() == p.incarnation()) {
        return removing(p.with(reported(p.running(), report)));
      }
      if (m instanceof IncarnationTerminated t && t.incarnation() == p.incarnation()) return removed(p);
      if (m instanceof CloseOverdue o && o.incarnation() == p.incarnation()) return stopOverdue(p, o.bound());
      if (m instanceof Send send) return forward(p.running(), send); // the incarnation answers: it is closing
      if (m instanceof Close close) { // a second close may escalate, e.g. to abort
        p.running().child().tell(new Connection.Close(close.mode().orElse(settings.closeMode())));
        return removing(p.withWaiter(close.replyTo()));
      }
      if (m instanceof Reconnect reconnect) {
        reconnect.replyTo().tell(Optional.empty()); // being removed: no longer managed
        return Behaviors.same();
      }
      return inAnyPhase(p, m);
    });
  }

  /** The last incarnation ended; the next starts when the backoff timer fires. */
  private Behavior<Command> backingOff(Phase.BackingOff b) {
    return Behaviors.receiveMessage(message -> {
      Object m = unwrap(message);
      noteAdminRequest(b, m);
      if (m instanceof BackoffElapsed e && e.incarnation() == b.incarnation()) return reconnect(b);
      if (m instanceof Send send) return rejectNotOpen(send, b);
      if (m instanceof Close close) {
        timers.cancel(BackoffTimer.KEY);
        return removeNow(b, close.replyTo());
      }
      if (m instanceof Reconnect reconnect) {
        timers.cancel(BackoffTimer.KEY);
        policy.reset();
        return reconnectAndReply(b, reconnect.replyTo());
      }
      return inAnyPhase(b, m);
    });
  }

  /** Gave up after too many failures; only a reconnect request (or a close) moves it. */
  private Behavior<Command> failed(Phase.Failed f) {
    return Behaviors.receiveMessage(message -> {
      Object m = unwrap(message);
      noteAdminRequest(f, m);
      if (m instanceof Send send) return rejectNotOpen(send, f);
      if (m instanceof Close close) return removeNow(f, close.replyTo());
      if (m instanceof Reconnect reconnect) {
        policy.reset();
        return reconnectAndReply(f, reconnect.replyTo());
      }
      return inAnyPhase(f, m);
    });
  }

  /** A request as the manager's protocol has it; the supervisor's own messages as they are. */
  private Object unwrap(Command m) {
    if (m instanceof Request r) return r.request();
    if (m instanceof CloseForShutdown s) return new Close(spec.id(), Optional.empty(), s.replyTo());
    return m;
  }

  /** What every phase answers alike: views, journals, and messages of phases already left. */
  private Behavior<Command> inAnyPhase(Phase phase, Object m) {
    if (m instanceof Get get) return replyWithView(phase, get.replyTo());
    if (m instanceof ConnectionManager.GetJournal get) get.replyTo().tell(Optional.of(journal.snapshot(spec.id())));
    // A permit granted after we stopped waiting for it: give it back.
    if (m instanceof Admitted) registry.tell(new SupervisorReport.AdmissionReleased(spec.id()));
    // Otherwise a stale report, termination or timer of an incarnation or phase already left.
    return Behaviors.same();
  }

  // ---------------------------------------------------------------- transitions

  /** The next incarnation: shown as connecting at once, started when the registry grants a permit. */
  private Phase.Queued next(long previous) {
    Phase.Queued q = announce(previous + 1);
    registry.tell(new SupervisorReport.AdmissionRequested(spec.id(), q.incarnation(), ctx.getSelf()));
    return q;
  }

  private Phase.Queued announce(long incarnation) {
    lastStats = IncarnationStats.EMPTY;
    Phase.Queued q = new Phase.Queued(incarnation, Instant.now());
    publish(stateChanged(q));
    return q;
  }

  private Behavior<Command> spawn(Phase.Queued q) {
    IncarnationCounters counters = new IncarnationCounters();
    ActorRef<Connection.Command> child = ctx.spawn(Connection.create(plan, q.incarnation(), ctx.getSelf().narrow(), counters),
        "incarnation-" + q.incarnation(), plan.incarnationProps()).narrow();
    ctx.watchWith(child, new IncarnationTerminated(q.incarnation()));
    return running(Phase.Running.started(q.incarnation(), child, counters, q.since()));
  }

  private Phase.Running reported(Phase.Running r, IncarnationReport report) {
    if (report instanceof IncarnationReport.Ended e) {
      lastStats = e.stats();
      record(e.outcome());
      return r.withEnded(e);
    }
    if (report instanceof IncarnationReport.RttMeasured rtt) {
      journal.add(rtt.at(), rtt.incarnation(), new JournalEvent.RttMeasured(rtt.rtt()));
      return r;
    }
    if (report instanceof IncarnationReport.KeepaliveMissed miss) {
      journal.add(miss.at(), miss.incarnation(), new JournalEvent.KeepaliveMissed(miss.misses(), miss.allowed()));
      return r;
    }
    Phase.Running next = r.entered((IncarnationReport.StateEntered) report);
    if (r.holdsPermit() && !next.holdsPermit()) registry.tell(new SupervisorReport.AdmissionReleased(spec.id()));
    if (next.state() != r.state()) publish(stateChanged(next));
    return next;
  }

  /** The incarnation's actor has stopped: reconnect now, later, or give up. */
  private Behavior<Command> afterIncarnation(Phase.Running r) {
    Outcome o = ended(r);
    if (plan.inbound().isPresent()) return remove(o, List.of()); // never reconnected
    if (r.reconnectRequested()) return reconnect(r);
    ReconnectPolicy.Decision decision = policy.onEnded(r.openedAt(), o.at());
    if (decision instanceof ReconnectPolicy.GiveUp g) {
      ctx.getLog().warn("connection {} failed {} times within {}: giving up until a reconnect is requested",
          spec.id(), g.failures(), g.within());
      Phase.Failed f = new Phase.Failed(r.incarnation(), Instant.now());
      publish(stateChanged(f));
      return failed(f);
    }
    Duration delay = ((ReconnectPolicy.RetryIn) decision).delay();
    Instant now = Instant.now();
    journal.add(now, r.incarnation(), new JournalEvent.ReconnectDelayChosen(delay,
        ((ReconnectPolicy.RetryIn) decision).attempt()));
    Phase.BackingOff b = new Phase.BackingOff(r.incarnation(), now, now.plus(delay));
    publish(stateChanged(b));
    timers.startSingleTimer(BackoffTimer.KEY, new BackoffElapsed(b.incarnation()), delay);
    return backingOff(b);
  }

  /** The outcome the incarnation reported, or one saying that its actor stopped without reporting. */
  private Outcome ended(Phase.Running r) {
    if (r.holdsPermit()) registry.tell(new SupervisorReport.AdmissionReleased(spec.id()));
    if (r.ended().isPresent()) return r.ended().get().outcome();
    Outcome o = new Outcome(OutcomeKind.ABORTED, Initiator.LOCAL, "the connection actor stopped unexpectedly",
        Instant.now(), r.incarnation(), lastStats.bytesIn(), lastStats.bytesOut(), Duration.ZERO);
    record(o);
    return o;
  }

  private Behavior<Command> reconnect(Phase p) {
    reconnects++;
    return queued(next(p.incarnation()));
  }

  private Behavior<Command> reconnectAndReply(Phase p, ActorRef<Optional<ConnectionView>> replyTo) {
    reconnects++;
    Phase.Queued q = next(p.incarnation());
    replyTo.tell(Optional.of(view(q, lastStats)));
    return queued(q);
  }

  private Behavior<Command> stopOverdue(Phase.Removing p, Duration bound) {
    ctx.getLog().error("connection {} incarnation {} did not stop within {} of the close request: stopping it",
        spec.id(), p.incarnation(), Durations.format(bound));
    ctx.stop(p.running().child()); // its termination removes the connection and answers the waiters
    return Behaviors.same();
  }

  private Behavior<Command> removed(Phase.Removing p) {
    return remove(ended(p.running()), p.waiters());
  }

  /** Closed while nothing was open: there is nothing to close on the wire. */
  private Behavior<Command> removeNow(Phase p, ActorRef<ConnectionManager.CloseResult> replyTo) {
    return remove(Phase.closedBeforeRunning(p, Instant.now()), List.of(replyTo));
  }

  private Behavior<Command> remove(Outcome o, List<ActorRef<ConnectionManager.CloseResult>> waiters) {
    // The registry hears of the removal before anyone is answered, so the id is free again for
    // whoever reacts to the answer; it keeps the journal for a while (journal-keep-removed).
    registry.tell(new SupervisorReport.JournalOfRemoved(journal.snapshot(spec.id())));
    publish(new ConnectionEvent.Removed(spec.id(), Instant.now(), plan.direction()));
    plan.inbound().ifPresent(in -> in.listenerRef().tell(new Listener.ConnectionEnded(spec.id(), o)));
    for (ActorRef<ConnectionManager.CloseResult> w : waiters) w.tell(new ConnectionManager.Closed(spec.id(), o, plan.direction()));
    return Behaviors.stopped();
  }

  // ---------------------------------------------------------------- views, history, events

  private Behavior<Command> forward(Phase.Running r, Send m) {
    r.child().tell(new Connection.Send(m.bytes(), m.replyTo()));
    return Behaviors.same();
  }

  private Behavior<Command> rejectNotOpen(Send m, Phase p) {
    m.replyTo().tell(new SendResult.Rejected(spec.id(), SendResult.Reason.NOT_OPEN,
        "connection '" + spec.id() + "' is " + p.state().wireName() + ", not open"));
    return Behaviors.same();
  }

  /** Answers with a view; a live incarnation's counters are read, not asked for (see IncarnationCounters). */
  private Behavior<Command> replyWithView(Phase p, ActorRef<Optional<ConnectionView>> replyTo) {
    IncarnationStats stats = p instanceof Phase.Running r ? r.stats()
        : p instanceof Phase.Removing rm ? rm.running().stats() : lastStats;
    replyTo.tell(Optional.of(view(p, stats)));
    return Behaviors.same();
  }

  private ConnectionView view(Phase p, IncarnationStats stats) {
    return new ConnectionView(
        new ConnectionView.Identity(spec.id(), spec.remote(), plan.direction(), plan.listener(), node),
        new ConnectionView.Status(p.state(), p.incarnation(), p.since(), p.tls(), p.nextAttemptAt()),
        new ConnectionView.Counters(stats.bytesIn(), stats.bytesOut(), stats.lastPingRttMillis(), stats.pingRttPercentiles()),
        new ConnectionView.Restarts(reconnects, Optional.ofNullable(history.peekLast()), List.copyOf(history),
            new ConnectionView.RestartBudget(plan.inbound().isPresent() ? 0 : policy.failuresInWindow(Instant.now()),
                settings.reconnect().maxFailures(), settings.reconnect().maxFailuresWithin())),
        spec, settings);
  }

  /** Close and reconnect requests go into the journal (what, with which mode, asked by whom) before the phase acts. */
  private void noteAdminRequest(Phase p, Object m) {
    if (m instanceof Close close) {
      journal.add(Instant.now(), p.incarnation(), new JournalEvent.AdminAction(JournalEvent.Action.CLOSE,
          Optional.of(close.mode().orElse(settings.closeMode())), close.requestedBy()));
    } else if (m instanceof Reconnect reconnect && plan.inbound().isEmpty()) { // inbound: refused, changes nothing
      journal.add(Instant.now(), p.incarnation(), new JournalEvent.AdminAction(JournalEvent.Action.RECONNECT,
          Optional.empty(), reconnect.requestedBy()));
    }
  }

  private void record(Outcome o) {
    history.addLast(o);
    while (history.size() > managerSettings.historySize()) history.removeFirst();
    journal.add(o.at(), o.incarnation(), new JournalEvent.OutcomeRecorded(o));
    ctx.getLog().info("connection {} incarnation {} ended: {} ({}) {} [in={} out={} after {}]",
        spec.id(), o.incarnation(), o.kind().wireName(), o.initiator().wireName(), o.detail(), o.bytesIn(), o.bytesOut(),
        o.duration());
    publish(new ConnectionEvent.OutcomeReported(spec.id(), o, plan.direction()));
  }

  private ConnectionEvent.StateChanged stateChanged(Phase p) {
    return new ConnectionEvent.StateChanged(spec.id(), p.incarnation(), p.state(), p.since(), plan.direction(), p.tls());
  }

  private void publish(ConnectionEvent event) {
    if (event instanceof ConnectionEvent.StateChanged changed) {
      journal.stateChanged(changed.at(), changed.incarnation(), changed.state());
    }
    registry.tell(new SupervisorReport.Published(event));
  }
}
