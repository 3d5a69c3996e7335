package dev.tether.connection;

import dev.tether.connection.internal.Connection;
import dev.tether.connection.internal.IncarnationStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.util.ByteString;

/**
 * The parent of all connections: owns the registry (id, spec, desired state, current incarnation,
 * history), spawns one {@code Connection} child per incarnation, watches it, and starts the next
 * incarnation only after the previous child has terminated. At most one incarnation per id is alive
 * at any moment.
 *
 * <p>Start it with {@link #create(ConnectionManagerSettings)} inside your own actor system, or use
 * the {@link Tether} extension.
 */
public final class ConnectionManager extends AbstractBehavior<ConnectionManager.Command> {

  /** Messages the manager understands. */
  public interface Command {}

  /** Start managing a connection and open its first incarnation. */
  public record Open(ConnectionSpec spec, ActorRef<OpenResult> replyTo) implements Command {}

  /**
   * Write bytes on a connection. Answered with {@link SendResult.Accepted} once the TLS stage of the
   * current incarnation has taken them: wait for it before the next send to respect backpressure.
   */
  public record Send(String id, ByteString bytes, ActorRef<SendResult> replyTo) implements Command {}

  /**
   * Close a connection and stop managing it. Answered with the observed outcome once the close has
   * completed (bounded by the connection's close-timeout). An empty mode means the connection's
   * configured close mode.
   */
  public record Close(String id, Optional<CloseMode> mode, ActorRef<CloseResult> replyTo) implements Command {}

  /**
   * Close the current incarnation gracefully, then start a fresh one at once; also leaves the
   * {@code failed} state. Answered with the view, or empty if the id is unknown.
   */
  public record Reconnect(String id, ActorRef<Optional<ConnectionView>> replyTo) implements Command {}

  /** One connection's view, or empty if the id is unknown. */
  public record Get(String id, ActorRef<Optional<ConnectionView>> replyTo) implements Command {}

  /** All connections, ordered by id. */
  public record ListConnections(ActorRef<ConnectionList> replyTo) implements Command {}

  /**
   * Receive every state change and outcome of every connection, until unsubscribed or stopped. A
   * new subscriber first receives the current state of every connection, as {@link
   * ConnectionEvent.StateChanged} events.
   */
  public record Subscribe(ActorRef<ConnectionEvent> subscriber) implements Command {}

  public record Unsubscribe(ActorRef<ConnectionEvent> subscriber) implements Command {}

  /** Close every connection with its configured close mode; answered when all have ended. */
  public record CloseAll(ActorRef<AllClosed> replyTo) implements Command {}

  // --- replies ---

  /** The answer to {@link Open}. */
  public sealed interface OpenResult {}

  public record Opened(ConnectionView view) implements OpenResult {}

  public record OpenRejected(OpenRejection reason, String message) implements OpenResult {}

  public enum OpenRejection {
    /** A connection with that id is already managed. */
    ALREADY_EXISTS,
    /** The spec names a TLS profile that is not configured. */
    UNKNOWN_TLS_PROFILE
  }

  /** The answer to {@link Close}. */
  public sealed interface CloseResult {
    String id();
  }

  /** The connection was closed; {@code outcome} is how its last incarnation ended. */
  public record Closed(String id, Outcome outcome) implements CloseResult {}

  public record UnknownConnection(String id) implements CloseResult {}

  public record ConnectionList(List<ConnectionView> connections) {}

  public record AllClosed(List<Closed> closed) {}

  // --- private protocol ---
  private record WrappedReport(Connection.Report report) implements Command {}

  private record ChildTerminated(String id, long incarnation) implements Command {}

  private record BackoffElapsed(String id, long incarnation) implements Command {}

  private record SubscriberTerminated(ActorRef<ConnectionEvent> subscriber) implements Command {}

  private record BackoffKey(String id) {}

  /** The manager's behavior, for a host application to spawn. */
  public static Behavior<Command> create(ConnectionManagerSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ConnectionManager(ctx, timers, settings)));
  }

  private enum Desired { RUN, REMOVE }

  /** The registry entry of one connection. */
  private static final class Entry {
    final ConnectionSpec spec;
    final ConnectionSettings settings;
    final TlsProfile profile;
    Desired desired = Desired.RUN;
    ActorRef<Connection.Command> child;
    long incarnation;
    IncarnationStats stats = new IncarnationStats();
    ConnectionState state = ConnectionState.CONNECTING;
    Instant stateSince = Instant.now();
    Optional<TlsInfo> tls = Optional.empty();
    long reconnects;
    Instant nextAttemptAt;
    Instant openedAt;
    Outcome endedOutcome; // of the current incarnation, once reported
    Outcome lastOutcome;
    final ArrayDeque<Outcome> history = new ArrayDeque<>();
    final ArrayDeque<Instant> failures = new ArrayDeque<>();
    int attempt;
    boolean reconnectRequested;
    /** Counted against max-concurrent-handshakes: its child is connecting or handshaking. */
    boolean admitted;
    /** Waiting in the admission queue for its next incarnation. */
    boolean queued;
    final List<ActorRef<CloseResult>> closeWaiters = new ArrayList<>();

    Entry(ConnectionSpec spec, ConnectionSettings settings, TlsProfile profile) {
      this.spec = spec;
      this.settings = settings;
      this.profile = profile;
    }
  }

  private final TimerScheduler<Command> timers;
  private final ConnectionManagerSettings settings;
  private final ActorRef<Connection.Report> reportAdapter;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  /** Connections waiting to start an incarnation, first come first served. */
  private final ArrayDeque<String> admissionQueue = new ArrayDeque<>();
  private int handshaking;
  private final Set<ActorRef<ConnectionEvent>> subscribers = new HashSet<>();

  private ConnectionManager(ActorContext<Command> ctx, TimerScheduler<Command> timers, ConnectionManagerSettings settings) {
    super(ctx);
    this.timers = timers;
    this.settings = settings;
    this.reportAdapter = ctx.messageAdapter(Connection.Report.class, WrappedReport::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Open.class, this::onOpen)
        .onMessage(Send.class, this::onSend)
        .onMessage(Close.class, this::onClose)
        .onMessage(Reconnect.class, this::onReconnect)
        .onMessage(Get.class, this::onGet)
        .onMessage(ListConnections.class, this::onList)
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(Unsubscribe.class, m -> onSubscriberGone(m.subscriber()))
        .onMessage(SubscriberTerminated.class, m -> onSubscriberGone(m.subscriber()))
        .onMessage(CloseAll.class, this::onCloseAll)
        .onMessage(WrappedReport.class, this::onReport)
        .onMessage(ChildTerminated.class, this::onChildTerminated)
        .onMessage(BackoffElapsed.class, this::onBackoffElapsed)
        .build();
  }

  // ---------------------------------------------------------------- requests

  private Behavior<Command> onOpen(Open m) {
    ConnectionSpec spec = m.spec();
    if (entries.containsKey(spec.id())) {
      m.replyTo().tell(new OpenRejected(OpenRejection.ALREADY_EXISTS, "a connection with id '" + spec.id() + "' already exists"));
      return this;
    }
    TlsProfile profile = settings.tlsProfiles().get(spec.tlsProfile());
    if (profile == null) {
      m.replyTo().tell(new OpenRejected(OpenRejection.UNKNOWN_TLS_PROFILE, "unknown TLS profile '" + spec.tlsProfile()
          + "'; configured profiles: " + settings.tlsProfiles().keySet().stream().sorted().collect(Collectors.joining(", "))));
      return this;
    }
    Entry e = new Entry(spec, spec.settings().orElse(settings.defaults()), profile);
    entries.put(spec.id(), e);
    startIncarnation(e);
    m.replyTo().tell(new Opened(view(e)));
    return this;
  }

  private Behavior<Command> onSend(Send m) {
    Entry e = entries.get(m.id());
    if (e == null) {
      m.replyTo().tell(new SendResult.Rejected(m.id(), SendResult.Reason.UNKNOWN_CONNECTION, "no connection with id '" + m.id() + "'"));
    } else if (e.child == null) {
      m.replyTo().tell(new SendResult.Rejected(m.id(), SendResult.Reason.NOT_OPEN,
          "connection '" + m.id() + "' is " + e.state.wireName() + ", not open"));
    } else {
      e.child.tell(new Connection.Send(m.bytes(), m.replyTo()));
    }
    return this;
  }

  private Behavior<Command> onClose(Close m) {
    Entry e = entries.get(m.id());
    if (e == null) {
      m.replyTo().tell(new UnknownConnection(m.id()));
      return this;
    }
    CloseMode mode = m.mode().orElse(e.settings.closeMode());
    e.desired = Desired.REMOVE;
    e.closeWaiters.add(m.replyTo());
    if (e.child != null) {
      e.child.tell(new Connection.Close(mode));
    } else {
      // Queued, in backoff or failed: nothing is open, so there is nothing to close on the wire.
      e.queued = false;
      timers.cancel(new BackoffKey(e.spec.id()));
      Instant now = Instant.now();
      Outcome o = new Outcome(OutcomeKind.ABORTED, Initiator.LOCAL,
          "closed while " + e.state.wireName() + "; no transport was open", now, e.incarnation, 0, 0, Duration.ZERO);
      remove(e, o);
    }
    return this;
  }

  private Behavior<Command> onReconnect(Reconnect m) {
    Entry e = entries.get(m.id());
    if (e == null || e.desired == Desired.REMOVE) {
      m.replyTo().tell(Optional.empty());
      return this;
    }
    e.attempt = 0;
    e.failures.clear();
    if (e.child != null) {
      e.reconnectRequested = true;
      e.child.tell(new Connection.Close(CloseMode.GRACEFUL));
    } else if (!e.queued) { // a queued one is already waiting for its turn to connect
      timers.cancel(new BackoffKey(e.spec.id()));
      e.reconnects++;
      startIncarnation(e);
    }
    m.replyTo().tell(Optional.of(view(e)));
    return this;
  }

  private Behavior<Command> onGet(Get m) {
    Entry e = entries.get(m.id());
    m.replyTo().tell(e == null ? Optional.empty() : Optional.of(view(e)));
    return this;
  }

  private Behavior<Command> onList(ListConnections m) {
    List<ConnectionView> views = entries.values().stream().map(this::view)
        .sorted(Comparator.comparing(ConnectionView::id)).toList();
    m.replyTo().tell(new ConnectionList(views));
    return this;
  }

  private Behavior<Command> onSubscribe(Subscribe m) {
    if (subscribers.add(m.subscriber())) {
      getContext().watchWith(m.subscriber(), new SubscriberTerminated(m.subscriber()));
      for (Entry e : entries.values()) {
        m.subscriber().tell(new ConnectionEvent.StateChanged(e.spec.id(), e.incarnation, e.state, e.stateSince));
      }
    }
    return this;
  }

  private Behavior<Command> onSubscriberGone(ActorRef<ConnectionEvent> s) {
    if (subscribers.remove(s)) getContext().unwatch(s);
    return this;
  }

  private Behavior<Command> onCloseAll(CloseAll m) {
    List<String> ids = List.copyOf(entries.keySet());
    ActorRef<Command> self = getContext().getSelf();
    getContext().spawnAnonymous(Behaviors.<CloseResult>setup(ctx -> {
      for (String id : ids) self.tell(new Close(id, Optional.empty(), ctx.getSelf()));
      return collectClosed(ids.size(), new ArrayList<>(), m.replyTo());
    }));
    return this;
  }

  private static Behavior<CloseResult> collectClosed(int remaining, List<Closed> acc, ActorRef<AllClosed> replyTo) {
    if (remaining == 0) {
      replyTo.tell(new AllClosed(List.copyOf(acc)));
      return Behaviors.stopped();
    }
    return Behaviors.receive(CloseResult.class)
        .onMessage(CloseResult.class, r -> {
          if (r instanceof Closed c) acc.add(c);
          return collectClosed(remaining - 1, acc, replyTo);
        })
        .build();
  }

  // ---------------------------------------------------------------- incarnations

  /**
   * Starts the next incarnation now, or queues it while max-concurrent-handshakes connections are
   * connecting or handshaking. Either way the connection shows the new incarnation as connecting.
   */
  private void startIncarnation(Entry e) {
    e.incarnation++;
    e.stats = new IncarnationStats();
    e.endedOutcome = null;
    e.openedAt = null;
    e.nextAttemptAt = null;
    e.tls = Optional.empty();
    e.reconnectRequested = false;
    setState(e, ConnectionState.CONNECTING, Instant.now());
    if (handshaking < settings.maxConcurrentHandshakes()) {
      spawnChild(e);
    } else {
      e.queued = true;
      admissionQueue.addLast(e.spec.id());
    }
  }

  private void spawnChild(Entry e) {
    e.queued = false;
    e.admitted = true;
    handshaking++;
    e.child = getContext().spawn(
        Connection.create(e.spec, e.settings, e.profile, e.incarnation, reportAdapter, e.stats, settings.streamDispatcher()),
        "connection-" + e.spec.id() + "-" + e.incarnation);
    getContext().watchWith(e.child, new ChildTerminated(e.spec.id(), e.incarnation));
  }

  /** The entry's child left connecting/handshaking (or ended): let the next waiting one in. */
  private void release(Entry e) {
    if (!e.admitted) return;
    e.admitted = false;
    handshaking--;
    while (handshaking < settings.maxConcurrentHandshakes() && !admissionQueue.isEmpty()) {
      Entry next = entries.get(admissionQueue.pollFirst());
      if (next != null && next.queued) spawnChild(next);
    }
  }

  private Behavior<Command> onReport(WrappedReport m) {
    Entry e = entries.get(m.report().id());
    if (e == null || e.incarnation != m.report().incarnation()) return this; // an older incarnation: ignore
    if (m.report() instanceof Connection.StateReport s) {
      e.tls = s.tls();
      if (s.state() == ConnectionState.OPEN && e.openedAt == null) e.openedAt = s.at();
      if (s.state() != ConnectionState.CONNECTING && s.state() != ConnectionState.HANDSHAKING) release(e);
      if (s.state() != e.state) setState(e, s.state(), s.at()); // connecting is already announced at spawn
    } else if (m.report() instanceof Connection.EndReport r) {
      recordOutcome(e, r.outcome());
    }
    return this;
  }

  private void recordOutcome(Entry e, Outcome o) {
    e.endedOutcome = o;
    e.lastOutcome = o;
    e.history.addLast(o);
    while (e.history.size() > settings.historySize()) e.history.removeFirst();
    getContext().getLog().info("connection {} incarnation {} ended: {} ({}) {} [in={} out={} after {}]",
        e.spec.id(), o.incarnation(), o.kind().wireName(), o.initiator().wireName(), o.detail(), o.bytesIn(), o.bytesOut(), o.duration());
    publish(new ConnectionEvent.OutcomeReported(e.spec.id(), o));
  }

  private Behavior<Command> onChildTerminated(ChildTerminated m) {
    Entry e = entries.get(m.id());
    if (e == null || e.incarnation != m.incarnation()) return this;
    e.child = null;
    release(e);
    if (e.endedOutcome == null) {
      // The child stopped without reporting: it failed. Say so, then treat it like any other end.
      recordOutcome(e, new Outcome(OutcomeKind.ABORTED, Initiator.LOCAL, "the connection actor stopped unexpectedly",
          Instant.now(), e.incarnation, e.stats.bytesIn(), e.stats.bytesOut(), Duration.ZERO));
    }
    Outcome o = e.endedOutcome;
    if (e.desired == Desired.REMOVE) {
      remove(e, o);
    } else if (e.reconnectRequested) {
      e.reconnects++;
      startIncarnation(e);
    } else {
      scheduleReconnect(e, o);
    }
    return this;
  }

  private void scheduleReconnect(Entry e, Outcome o) {
    ReconnectSettings r = e.settings.reconnect();
    Instant now = o.at();
    if (e.openedAt != null && Duration.between(e.openedAt, now).compareTo(r.resetAfter()) >= 0) {
      e.attempt = 0; // it was stable: start over from min-backoff
    }
    e.failures.addLast(now);
    while (!e.failures.isEmpty() && e.failures.peekFirst().isBefore(now.minus(r.maxFailuresWithin()))) e.failures.removeFirst();
    if (e.failures.size() > r.maxFailures()) {
      getContext().getLog().warn("connection {} failed {} times within {}: giving up until a reconnect is requested",
          e.spec.id(), e.failures.size(), r.maxFailuresWithin());
      e.nextAttemptAt = null;
      setState(e, ConnectionState.FAILED, Instant.now());
      return;
    }
    Duration base = r.baseDelay(e.attempt);
    double jitter = 1.0 + ThreadLocalRandom.current().nextDouble() * r.randomFactor();
    Duration delay = Duration.ofNanos((long) (base.toNanos() * jitter));
    e.attempt++;
    Instant at = Instant.now();
    e.nextAttemptAt = at.plus(delay);
    setState(e, ConnectionState.BACKOFF, at);
    timers.startSingleTimer(new BackoffKey(e.spec.id()), new BackoffElapsed(e.spec.id(), e.incarnation), delay);
  }

  private Behavior<Command> onBackoffElapsed(BackoffElapsed m) {
    Entry e = entries.get(m.id());
    if (e == null || e.incarnation != m.incarnation() || e.child != null || e.queued || e.state != ConnectionState.BACKOFF) {
      return this;
    }
    e.reconnects++;
    startIncarnation(e);
    return this;
  }

  private void remove(Entry e, Outcome o) {
    entries.remove(e.spec.id());
    for (ActorRef<CloseResult> w : e.closeWaiters) w.tell(new Closed(e.spec.id(), o));
    e.closeWaiters.clear();
    publish(new ConnectionEvent.Removed(e.spec.id(), Instant.now()));
  }

  // ---------------------------------------------------------------- views and events

  private void setState(Entry e, ConnectionState s, Instant at) {
    e.state = s;
    e.stateSince = at;
    publish(new ConnectionEvent.StateChanged(e.spec.id(), e.incarnation, s, at));
  }

  private void publish(ConnectionEvent event) {
    for (ActorRef<ConnectionEvent> s : subscribers) s.tell(event);
  }

  private ConnectionView view(Entry e) {
    long rtt = e.stats.lastRttMillis();
    long[] p = e.stats.rttPercentiles();
    return new ConnectionView(
        e.spec.id(),
        e.spec.remote(),
        e.state,
        e.incarnation,
        e.stateSince,
        e.tls,
        e.stats.bytesIn(),
        e.stats.bytesOut(),
        e.reconnects,
        Optional.ofNullable(e.nextAttemptAt),
        rtt < 0 ? Optional.empty() : Optional.of(rtt),
        p == null ? Optional.empty() : Optional.of(new ConnectionView.RttPercentiles(p[0], p[1], p[2], (int) p[3])),
        Optional.ofNullable(e.lastOutcome),
        List.copyOf(e.history),
        e.spec,
        e.settings);
  }
}
