package dev.tether.connection.internal;

import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionManager.Close;
import dev.tether.connection.ConnectionManager.Get;
import dev.tether.connection.ConnectionManager.Reconnect;
import dev.tether.connection.ConnectionManager.Send;
import dev.tether.connection.ConnectionManagerSettings;
import dev.tether.connection.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.Initiator;
import dev.tether.connection.Outcome;
import dev.tether.connection.OutcomeKind;
import dev.tether.connection.SendResult;
import dev.tether.connection.TlsProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
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
 */
final class ConnectionSupervisor {

  /** The registry let the queued incarnation in. */
  record Admitted(long incarnation) implements ConnectionManager.Command {}

  private record Reported(IncarnationReport report) implements ConnectionManager.Command {}

  private record IncarnationTerminated(long incarnation) implements ConnectionManager.Command {}

  private record BackoffElapsed(long incarnation) implements ConnectionManager.Command {}

  /** Counters of the live incarnation arrived (or did not): answer with a view. */
  private record ViewReady(ActorRef<Optional<ConnectionView>> replyTo, IncarnationStats stats) implements ConnectionManager.Command {}

  private enum BackoffTimer { KEY }

  /** How long a view waits for the live incarnation's counters; it answers on the actor thread, so this is a bug guard. */
  private static final Duration STATS_TIMEOUT = Duration.ofSeconds(3);

  static Behavior<ConnectionManager.Command> create(
      ConnectionSpec spec,
      TlsProfile profile,
      ConnectionManagerSettings managerSettings,
      ActorRef<ConnectionManager.Command> registry,
      ActorRef<ConnectionManager.OpenResult> openedReplyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new ConnectionSupervisor(ctx, timers, spec, profile, managerSettings, registry).start(openedReplyTo)));
  }

  private final ActorContext<ConnectionManager.Command> ctx;
  private final TimerScheduler<ConnectionManager.Command> timers;
  private final ConnectionSpec spec;
  private final ConnectionSettings settings;
  private final TlsProfile profile;
  private final ConnectionManagerSettings managerSettings;
  private final ActorRef<ConnectionManager.Command> registry;
  private final ActorRef<IncarnationReport> reports;
  private final ReconnectPolicy policy;
  // What the connection has lived through: grows across phases, never handed out mutable.
  private final ArrayDeque<Outcome> history = new ArrayDeque<>();
  private long reconnects;
  private IncarnationStats lastStats = IncarnationStats.EMPTY;

  private ConnectionSupervisor(ActorContext<ConnectionManager.Command> ctx, TimerScheduler<ConnectionManager.Command> timers,
      ConnectionSpec spec, TlsProfile profile, ConnectionManagerSettings managerSettings,
      ActorRef<ConnectionManager.Command> registry) {
    this.ctx = ctx;
    this.timers = timers;
    this.spec = spec;
    this.settings = spec.settings().orElse(managerSettings.defaults());
    this.profile = profile;
    this.managerSettings = managerSettings;
    this.registry = registry;
    this.reports = ctx.messageAdapter(IncarnationReport.class, Reported::new);
    this.policy = new ReconnectPolicy(settings.reconnect(), () -> ThreadLocalRandom.current().nextDouble());
  }

  private Behavior<ConnectionManager.Command> start(ActorRef<ConnectionManager.OpenResult> openedReplyTo) {
    Phase.Queued first = next(0);
    openedReplyTo.tell(new ConnectionManager.Opened(view(first, IncarnationStats.EMPTY)));
    return queued(first);
  }

  // ---------------------------------------------------------------- phases

  private Behavior<ConnectionManager.Command> queued(Phase.Queued q) {
    return common(q, Behaviors.receive(ConnectionManager.Command.class)
        .onMessage(Admitted.class, m -> m.incarnation() == q.incarnation() ? spawn(q) : Behaviors.same())
        .onMessage(Send.class, m -> rejectNotOpen(m, q))
        .onMessage(Close.class, m -> {
          registry.tell(new ConnectionRegistry.AdmissionReleased(spec.id())); // leave the queue
          return removeNow(q, m.replyTo());
        })
        .onMessage(Reconnect.class, m -> { // already waiting for its turn to connect
          policy.reset();
          return replyWithView(q, m.replyTo());
        }));
  }

  private Behavior<ConnectionManager.Command> running(Phase.Running r) {
    return common(r, Behaviors.receive(ConnectionManager.Command.class)
        .onMessage(Reported.class, m -> m.report().incarnation() == r.incarnation() ? running(reported(r, m.report())) : Behaviors.same())
        .onMessage(IncarnationTerminated.class, m -> m.incarnation() == r.incarnation() ? afterIncarnation(r) : Behaviors.same())
        .onMessage(Send.class, m -> forward(r, m))
        .onMessage(Close.class, m -> {
          r.child().tell(new Connection.Close(m.mode().orElse(settings.closeMode())));
          return removing(new Phase.Removing(r, List.of(m.replyTo())));
        })
        .onMessage(Reconnect.class, m -> {
          policy.reset();
          if (r.ended().isEmpty()) r.child().tell(new Connection.Close(CloseMode.GRACEFUL));
          Phase.Running next = r.withReconnectRequested();
          replyWithView(next, m.replyTo());
          return running(next);
        }));
  }

  private Behavior<ConnectionManager.Command> removing(Phase.Removing p) {
    return common(p, Behaviors.receive(ConnectionManager.Command.class)
        .onMessage(Reported.class, m -> m.report().incarnation() == p.incarnation()
            ? removing(p.with(reported(p.running(), m.report()))) : Behaviors.same())
        .onMessage(IncarnationTerminated.class, m -> m.incarnation() == p.incarnation() ? removed(p) : Behaviors.same())
        .onMessage(Send.class, m -> forward(p.running(), m)) // the incarnation answers: it is closing
        .onMessage(Close.class, m -> { // a second close may escalate, e.g. to abort
          p.running().child().tell(new Connection.Close(m.mode().orElse(settings.closeMode())));
          return removing(p.withWaiter(m.replyTo()));
        })
        .onMessage(Reconnect.class, m -> {
          m.replyTo().tell(Optional.empty()); // being removed: no longer managed
          return Behaviors.same();
        }));
  }

  private Behavior<ConnectionManager.Command> backingOff(Phase.BackingOff b) {
    return common(b, Behaviors.receive(ConnectionManager.Command.class)
        .onMessage(BackoffElapsed.class, m -> m.incarnation() == b.incarnation() ? reconnect(b) : Behaviors.same())
        .onMessage(Send.class, m -> rejectNotOpen(m, b))
        .onMessage(Close.class, m -> {
          timers.cancel(BackoffTimer.KEY);
          return removeNow(b, m.replyTo());
        })
        .onMessage(Reconnect.class, m -> {
          timers.cancel(BackoffTimer.KEY);
          policy.reset();
          return reconnectAndReply(b, m.replyTo());
        }));
  }

  private Behavior<ConnectionManager.Command> failed(Phase.Failed f) {
    return common(f, Behaviors.receive(ConnectionManager.Command.class)
        .onMessage(Send.class, m -> rejectNotOpen(m, f))
        .onMessage(Close.class, m -> removeNow(f, m.replyTo()))
        .onMessage(Reconnect.class, m -> {
          policy.reset();
          return reconnectAndReply(f, m.replyTo());
        }));
  }

  /** What every phase answers alike: views, and messages of phases already left. */
  private Behavior<ConnectionManager.Command> common(Phase phase, BehaviorBuilder<ConnectionManager.Command> b) {
    return b
        .onMessage(Get.class, m -> replyWithView(phase, m.replyTo()))
        .onMessage(ViewReady.class, m -> {
          m.replyTo().tell(Optional.of(view(phase, m.stats())));
          return Behaviors.same();
        })
        .onMessage(Admitted.class, m -> { // granted after we stopped waiting: give the permit back
          registry.tell(new ConnectionRegistry.AdmissionReleased(spec.id()));
          return Behaviors.same();
        })
        .onMessage(Reported.class, m -> Behaviors.same())
        .onMessage(IncarnationTerminated.class, m -> Behaviors.same())
        .onMessage(BackoffElapsed.class, m -> Behaviors.same())
        .build();
  }

  // ---------------------------------------------------------------- transitions

  /** The next incarnation: shown as connecting at once, started when the registry grants a permit. */
  private Phase.Queued next(long previous) {
    lastStats = IncarnationStats.EMPTY;
    Phase.Queued q = new Phase.Queued(previous + 1, Instant.now());
    publish(new ConnectionEvent.StateChanged(spec.id(), q.incarnation(), q.state(), q.since()));
    registry.tell(new ConnectionRegistry.AdmissionRequested(spec.id(), q.incarnation(), ctx.getSelf()));
    return q;
  }

  private Behavior<ConnectionManager.Command> spawn(Phase.Queued q) {
    ActorRef<Connection.Command> child = ctx.spawn(
        Connection.create(spec, settings, profile, q.incarnation(), reports, managerSettings.streamDispatcher()),
        "incarnation-" + q.incarnation());
    ctx.watchWith(child, new IncarnationTerminated(q.incarnation()));
    return running(Phase.Running.started(q.incarnation(), child, q.since()));
  }

  private Phase.Running reported(Phase.Running r, IncarnationReport report) {
    if (report instanceof IncarnationReport.Ended e) {
      lastStats = e.stats();
      record(e.outcome());
      return r.withEnded(e);
    }
    Phase.Running next = r.entered((IncarnationReport.StateEntered) report);
    if (r.holdsPermit() && !next.holdsPermit()) registry.tell(new ConnectionRegistry.AdmissionReleased(spec.id()));
    if (next.state() != r.state()) publish(new ConnectionEvent.StateChanged(spec.id(), next.incarnation(), next.state(), next.since()));
    return next;
  }

  /** The incarnation's actor has stopped: reconnect now, later, or give up. */
  private Behavior<ConnectionManager.Command> afterIncarnation(Phase.Running r) {
    Outcome o = ended(r);
    if (r.reconnectRequested()) {
      reconnects++;
      return queued(next(r.incarnation()));
    }
    ReconnectPolicy.Decision decision = policy.onEnded(r.openedAt(), o.at());
    if (decision instanceof ReconnectPolicy.GiveUp g) {
      ctx.getLog().warn("connection {} failed {} times within {}: giving up until a reconnect is requested",
          spec.id(), g.failures(), g.within());
      Phase.Failed f = new Phase.Failed(r.incarnation(), Instant.now());
      publish(new ConnectionEvent.StateChanged(spec.id(), f.incarnation(), f.state(), f.since()));
      return failed(f);
    }
    Duration delay = ((ReconnectPolicy.RetryIn) decision).delay();
    Instant now = Instant.now();
    Phase.BackingOff b = new Phase.BackingOff(r.incarnation(), now, now.plus(delay));
    publish(new ConnectionEvent.StateChanged(spec.id(), b.incarnation(), b.state(), b.since()));
    timers.startSingleTimer(BackoffTimer.KEY, new BackoffElapsed(b.incarnation()), delay);
    return backingOff(b);
  }

  /** The outcome the incarnation reported, or one saying that its actor stopped without reporting. */
  private Outcome ended(Phase.Running r) {
    if (r.holdsPermit()) registry.tell(new ConnectionRegistry.AdmissionReleased(spec.id()));
    if (r.ended().isPresent()) return r.ended().get().outcome();
    Outcome o = new Outcome(OutcomeKind.ABORTED, Initiator.LOCAL, "the connection actor stopped unexpectedly",
        Instant.now(), r.incarnation(), lastStats.bytesIn(), lastStats.bytesOut(), Duration.ZERO);
    record(o);
    return o;
  }

  private Behavior<ConnectionManager.Command> reconnect(Phase p) {
    reconnects++;
    return queued(next(p.incarnation()));
  }

  private Behavior<ConnectionManager.Command> reconnectAndReply(Phase p, ActorRef<Optional<ConnectionView>> replyTo) {
    reconnects++;
    Phase.Queued q = next(p.incarnation());
    replyTo.tell(Optional.of(view(q, lastStats)));
    return queued(q);
  }

  private Behavior<ConnectionManager.Command> removed(Phase.Removing p) {
    return remove(ended(p.running()), p.waiters());
  }

  /** Closed while nothing was open: there is nothing to close on the wire. */
  private Behavior<ConnectionManager.Command> removeNow(Phase p, ActorRef<ConnectionManager.CloseResult> replyTo) {
    return remove(Phase.closedBeforeRunning(p, Instant.now()), List.of(replyTo));
  }

  private Behavior<ConnectionManager.Command> remove(Outcome o, List<ActorRef<ConnectionManager.CloseResult>> waiters) {
    // The registry hears of the removal before anyone is answered, so the id is free again for
    // whoever reacts to the answer.
    publish(new ConnectionEvent.Removed(spec.id(), Instant.now()));
    for (ActorRef<ConnectionManager.CloseResult> w : waiters) w.tell(new ConnectionManager.Closed(spec.id(), o));
    return Behaviors.stopped();
  }

  // ---------------------------------------------------------------- views, history, events

  private Behavior<ConnectionManager.Command> forward(Phase.Running r, Send m) {
    r.child().tell(new Connection.Send(m.bytes(), m.replyTo()));
    return Behaviors.same();
  }

  private Behavior<ConnectionManager.Command> rejectNotOpen(Send m, Phase p) {
    m.replyTo().tell(new SendResult.Rejected(spec.id(), SendResult.Reason.NOT_OPEN,
        "connection '" + spec.id() + "' is " + p.state().wireName() + ", not open"));
    return Behaviors.same();
  }

  /** Answers with a view; a live incarnation is asked for its counters first. */
  private Behavior<ConnectionManager.Command> replyWithView(Phase p, ActorRef<Optional<ConnectionView>> replyTo) {
    Optional<Phase.Running> live = p instanceof Phase.Running r ? Optional.of(r)
        : p instanceof Phase.Removing rm ? Optional.of(rm.running()) : Optional.empty();
    if (live.isEmpty() || live.get().ended().isPresent()) {
      replyTo.tell(Optional.of(view(p, lastStats)));
    } else {
      ctx.ask(IncarnationStats.class, live.get().child(), STATS_TIMEOUT, Connection.GetStats::new,
          (stats, failure) -> new ViewReady(replyTo, stats != null ? stats : lastStats));
    }
    return Behaviors.same();
  }

  private ConnectionView view(Phase p, IncarnationStats stats) {
    return new ConnectionView(spec.id(), spec.remote(), p.state(), p.incarnation(), p.since(), p.tls(),
        stats.bytesIn(), stats.bytesOut(), reconnects, p.nextAttemptAt(), stats.lastPingRttMillis(),
        stats.pingRttPercentiles(), Optional.ofNullable(history.peekLast()), List.copyOf(history), spec, settings);
  }

  private void record(Outcome o) {
    history.addLast(o);
    while (history.size() > managerSettings.historySize()) history.removeFirst();
    ctx.getLog().info("connection {} incarnation {} ended: {} ({}) {} [in={} out={} after {}]",
        spec.id(), o.incarnation(), o.kind().wireName(), o.initiator().wireName(), o.detail(), o.bytesIn(), o.bytesOut(),
        o.duration());
    publish(new ConnectionEvent.OutcomeReported(spec.id(), o));
  }

  private void publish(ConnectionEvent event) {
    registry.tell(new ConnectionRegistry.Published(event));
  }
}
