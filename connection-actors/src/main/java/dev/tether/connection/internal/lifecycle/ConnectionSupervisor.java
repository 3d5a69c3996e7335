package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.internal.listener.Listener;
import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionManager.Close;
import dev.tether.connection.ConnectionManager.Get;
import dev.tether.connection.ConnectionManager.Reconnect;
import dev.tether.connection.ConnectionManager.Send;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.journal.JournalEvent;
import dev.tether.connection.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
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
  public static Behavior<Command> create(ConnectionPlan plan, ConnectionManagerSettings managerSettings,
      ActorRef<ConnectionManager.Command> registry, ActorRef<ConnectionManager.OpenResult> openedReplyTo,
      boolean admitted, Optional<String> requestedBy) {
    return create(plan, managerSettings, registry, openedReplyTo, admitted, Continuation.FRESH,
        Optional.of(JournalEvent.AdminAction.open(requestedBy)));
  }

  /**
   * An outbound connection that may have run elsewhere before (cluster mode): counting goes on from there.
   *
   * @param opening the open request to journal first (what, who asked if known); empty when the
   *     connection is started again from the store (a wake-up, a move)
   */
  public static Behavior<Command> create(ConnectionPlan plan, ConnectionManagerSettings managerSettings,
      ActorRef<ConnectionManager.Command> registry, ActorRef<ConnectionManager.OpenResult> openedReplyTo,
      boolean admitted, Continuation from, Optional<JournalEvent.AdminAction> opening) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new ConnectionSupervisor(ctx, timers, plan, managerSettings, registry)
            .start(openedReplyTo, admitted, from, opening)));
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
  private final ActorRef<ConnectionManager.Command> registry;
  private final ReconnectPolicy policy;
  /** What the connection has lived through: its views, journal and events come from there. */
  private final ConnectionRecord record;

  private ConnectionSupervisor(ActorContext<Command> ctx, TimerScheduler<Command> timers,
      ConnectionPlan plan, ConnectionManagerSettings managerSettings, ActorRef<ConnectionManager.Command> registry) {
    this.ctx = ctx;
    this.timers = timers;
    this.plan = plan;
    this.spec = plan.spec();
    this.settings = plan.settings();
    this.registry = registry;
    this.policy = new ReconnectPolicy(settings.reconnect(), () -> ThreadLocalRandom.current().nextDouble());
    this.record = new ConnectionRecord(plan, managerSettings, registry, ctx.getLog(), ctx.getSystem());
  }

  /**
   * @param admitted the registry already decided on a handshake permit for the first incarnation:
   *     granted, or queued (then {@link Admitted} follows); a round trip less per open
   */
  private Behavior<Command> start(ActorRef<ConnectionManager.OpenResult> openedReplyTo, boolean admitted,
      Continuation from, Optional<JournalEvent.AdminAction> opening) {
    record.continueFrom(from, opening);
    Phase.Queued first = announce(from.firstIncarnation());
    openedReplyTo.tell(new ConnectionManager.Opened(view(first)));
    return admitted ? spawn(first) : queued(first);
  }

  private Behavior<Command> accepted() {
    IncarnationCounters counters = new IncarnationCounters();
    Phase.Running r = Phase.Running.accepted(1, spawnIncarnation(1, counters), counters, Instant.now());
    record.stateChanged(r);
    return running(r);
  }

  // ---------------------------------------------------------------- phases

  // Each phase is one receive function (not a BehaviorBuilder): a supervisor lives as long as its
  // connection, and a built behavior per phase cost about a kilobyte of heap per connection.

  /** Waiting for a handshake permit from the registry. */
  private Behavior<Command> queued(Phase.Queued q) {
    return phase(q, m -> {
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
    return phase(r, m -> {
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
    return phase(p, m -> {
      if (m instanceof IncarnationReport report && report.incarnation() == p.incarnation()) {
        return removing(p.with(reported(p.running(), report)));
      }
      if (m instanceof IncarnationTerminated t && t.incarnation() == p.incarnation()) return remove(ended(p.running()), p.waiters());
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
    return phase(b, m -> {
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
    return phase(f, m -> {
      if (m instanceof Send send) return rejectNotOpen(send, f);
      if (m instanceof Close close) return removeNow(f, close.replyTo());
      if (m instanceof Reconnect reconnect) {
        policy.reset();
        return reconnectAndReply(f, reconnect.replyTo());
      }
      return inAnyPhase(f, m);
    });
  }

  /**
   * A phase's receive function: {@code body} sees a request as the manager's protocol has it (the
   * supervisor's own messages as they are), after close and reconnect requests went into the journal.
   */
  private Behavior<Command> phase(Phase p, Function<Object, Behavior<Command>> body) {
    return Behaviors.receiveMessage(message -> {
      Object m = unwrap(message);
      record.requested(p.incarnation(), m, settings.closeMode(), plan.inbound().isEmpty());
      return body.apply(m);
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
    if (m instanceof ConnectionManager.GetJournal get) get.replyTo().tell(Optional.of(record.journalSnapshot()));
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
    record.incarnationAnnounced();
    Phase.Queued q = new Phase.Queued(incarnation, Instant.now());
    record.stateChanged(q);
    return q;
  }

  private Behavior<Command> spawn(Phase.Queued q) {
    IncarnationCounters counters = new IncarnationCounters();
    return running(Phase.Running.started(q.incarnation(), spawnIncarnation(q.incarnation(), counters), counters, q.since()));
  }

  /** Its termination, watched, is how the supervisor learns that an incarnation is over. */
  private ActorRef<Connection.Command> spawnIncarnation(long incarnation, IncarnationCounters counters) {
    ActorRef<Connection.Command> child = ctx.spawn(Connection.create(plan, incarnation, ctx.getSelf().narrow(), counters),
        "incarnation-" + incarnation, plan.incarnationProps()).narrow();
    ctx.watchWith(child, new IncarnationTerminated(incarnation));
    return child;
  }

  private Phase.Running reported(Phase.Running r, IncarnationReport report) {
    if (report instanceof IncarnationReport.Ended e) {
      record.ended(e);
      return r.withEnded(e);
    }
    if (!(report instanceof IncarnationReport.StateEntered entered)) {
      record.keepalive(report); // a ping's round trip or missed pongs: journaled, the phase is the same
      return r;
    }
    Phase.Running next = r.entered(entered);
    if (r.holdsPermit() && !next.holdsPermit()) registry.tell(new SupervisorReport.AdmissionReleased(spec.id()));
    if (next.state() != r.state()) record.stateChanged(next);
    return next;
  }

  /** The incarnation's actor has stopped: reconnect now, later, or give up. */
  private Behavior<Command> afterIncarnation(Phase.Running r) {
    Outcome o = ended(r);
    if (plan.inbound().isPresent()) return remove(o, List.of()); // never reconnected
    if (r.reconnectRequested()) return reconnect(r);
    ReconnectPolicy.Decision decision = policy.onEnded(r.openedAt(), o.at());
    if (decision instanceof ReconnectPolicy.GiveUp g) {
      Phase.Failed f = new Phase.Failed(r.incarnation(), Instant.now());
      record.gaveUp(f, g);
      return failed(f);
    }
    ReconnectPolicy.RetryIn retry = (ReconnectPolicy.RetryIn) decision;
    Instant now = Instant.now();
    Phase.BackingOff b = new Phase.BackingOff(r.incarnation(), now, now.plus(retry.delay()));
    record.backingOff(b, retry);
    timers.startSingleTimer(BackoffTimer.KEY, new BackoffElapsed(b.incarnation()), retry.delay());
    return backingOff(b);
  }

  /** The outcome the incarnation reported, or one saying that its actor stopped without reporting. */
  private Outcome ended(Phase.Running r) {
    if (r.holdsPermit()) registry.tell(new SupervisorReport.AdmissionReleased(spec.id()));
    if (r.ended().isPresent()) return r.ended().get().outcome();
    return record.stoppedUnreported(r.incarnation());
  }

  private Behavior<Command> reconnect(Phase p) {
    record.reconnecting();
    return queued(next(p.incarnation()));
  }

  private Behavior<Command> reconnectAndReply(Phase p, ActorRef<Optional<ConnectionView>> replyTo) {
    record.reconnecting();
    Phase.Queued q = next(p.incarnation());
    replyTo.tell(Optional.of(view(q)));
    return queued(q);
  }

  private Behavior<Command> stopOverdue(Phase.Removing p, Duration bound) {
    ctx.getLog().error("connection {} incarnation {} did not stop within {} of the close request: stopping it",
        spec.id(), p.incarnation(), Durations.format(bound));
    ctx.stop(p.running().child()); // its termination removes the connection and answers the waiters
    return Behaviors.same();
  }

  /** Closed while nothing was open: there is nothing to close on the wire. */
  private Behavior<Command> removeNow(Phase p, ActorRef<ConnectionManager.CloseResult> replyTo) {
    return remove(Phase.closedBeforeRunning(p, Instant.now()), List.of(replyTo));
  }

  private Behavior<Command> remove(Outcome o, List<ActorRef<ConnectionManager.CloseResult>> waiters) {
    record.removed(); // first: the id is free again for whoever reacts to the answer
    plan.inbound().ifPresent(in -> in.listenerRef().tell(new Listener.ConnectionEnded(spec.id(), o)));
    for (ActorRef<ConnectionManager.CloseResult> w : waiters) w.tell(new ConnectionManager.Closed(spec.id(), o, plan.direction()));
    return Behaviors.stopped();
  }

  // ---------------------------------------------------------------- answers, views, journal

  private Behavior<Command> forward(Phase.Running r, Send m) {
    r.child().tell(new Connection.Send(m.bytes(), m.replyTo()));
    return Behaviors.same();
  }

  private Behavior<Command> rejectNotOpen(Send m, Phase p) {
    WritePump.rejectNotOpen(spec.id(), m.replyTo(), p.state());
    return Behaviors.same();
  }

  private Behavior<Command> replyWithView(Phase p, ActorRef<Optional<ConnectionView>> replyTo) {
    replyTo.tell(Optional.of(view(p)));
    return Behaviors.same();
  }

  private ConnectionView view(Phase p) {
    return record.view(p, plan.inbound().isPresent() ? 0 : policy.failuresInWindow(Instant.now()));
  }
}
