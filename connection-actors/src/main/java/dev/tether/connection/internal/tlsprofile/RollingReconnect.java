package dev.tether.connection.internal.tlsprofile;

import dev.tether.connection.internal.cluster.ListLocal;
import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.Direction;
import dev.tether.connection.tls.TlsProfileInfo;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * INTERNAL API: after a TLS profile was reloaded, reconnects every outbound connection on this node
 * that uses it, so that each presents (and verifies with) the new material: at most {@code window}
 * ({@code max-concurrent-handshakes}) at a time, each after a random delay up to {@code maxJitter},
 * the next one only when one of those is open again (or has given up, or is gone). A peer then sees
 * a paced roll, and the handshake admission limit is not flooded. Answers the reload's requester with
 * the count at once, logs when done, and stops.
 */
final class RollingReconnect extends AbstractBehavior<RollingReconnect.Command> {

  interface Command {}

  private record Listed(ListLocal.LocalList list) implements Command {}

  private record Observed(ConnectionEvent event) implements Command {}

  private record Start(ConnectionId id) implements Command {}

  private record Answered(ConnectionId id, boolean managed) implements Command {}

  /** Safety net: a reconnect whose new incarnation was never reported still frees its place. */
  private record GaveUpWaiting(ConnectionId id) implements Command {}

  /** States a new incarnation settles in: open, or the supervisor's own backoff or give-up. */
  private static final Set<ConnectionState> SETTLED = Set.of(ConnectionState.OPEN, ConnectionState.BACKOFF,
      ConnectionState.FAILED);

  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);

  @SuppressWarnings("unchecked")
  private static final Class<Optional<ConnectionView>> VIEW_REPLY = (Class<Optional<ConnectionView>>) (Class<?>) Optional.class;

  static Behavior<Command> create(TlsProfileInfo profile, Optional<String> node, ActorRef<ConnectionManager.Command> registry,
      int window, Duration maxJitter, ActorRef<ConnectionManager.TlsProfileReloadResult> replyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      registry.tell(new ConnectionManager.Subscribe(ctx.messageAdapter(ConnectionEvent.class, Observed::new)));
      // Asked after subscribing: the current states (the subscription's first events) arrive before the list.
      registry.tell(new ListLocal(ctx.messageAdapter(ListLocal.LocalList.class, Listed::new)));
      return new RollingReconnect(ctx, timers, profile, node, registry, window, maxJitter, replyTo);
    }));
  }

  private final TimerScheduler<Command> timers;
  private final TlsProfileInfo profile;
  private final Optional<String> node;
  private final ActorRef<ConnectionManager.Command> registry;
  private final int window;
  private final Duration maxJitter;
  private final ActorRef<ConnectionManager.TlsProfileReloadResult> replyTo;
  /** The latest incarnation reported of each connection. */
  private final Map<ConnectionId, Long> incarnations = new HashMap<>();
  private final ArrayDeque<ConnectionView> waiting = new ArrayDeque<>();
  /**
   * Started (or about to start, after its jitter): the first incarnation that counts as reconnected.
   * That is the next one, except for a connection still waiting for its turn to connect, which
   * keeps its incarnation and builds its engine, from the new material, only when let in.
   */
  private final Map<ConnectionId, Long> inFlight = new HashMap<>();
  private int done;
  /** Accepted connections using the profile: they keep their material until their clients reconnect. */
  private int inbound;

  private RollingReconnect(ActorContext<Command> ctx, TimerScheduler<Command> timers, TlsProfileInfo profile,
      Optional<String> node, ActorRef<ConnectionManager.Command> registry, int window, Duration maxJitter,
      ActorRef<ConnectionManager.TlsProfileReloadResult> replyTo) {
    super(ctx);
    this.timers = timers;
    this.profile = profile;
    this.node = node;
    this.registry = registry;
    this.window = Math.max(1, window);
    this.maxJitter = maxJitter;
    this.replyTo = replyTo;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Listed.class, this::onListed)
        .onMessage(Observed.class, this::onObserved)
        .onMessage(Start.class, this::onStart)
        .onMessage(Answered.class, m -> m.managed() ? this : finished(m.id()))
        .onMessage(GaveUpWaiting.class, m -> {
          getContext().getLog().warn("rolling reconnect of TLS profile {}: connection {} did not settle in time; going on",
              profile.name(), m.id());
          return finished(m.id());
        })
        .build();
  }

  /** The registry lists in pages ({@link ListLocal#PAGE}); the roll starts after the last one. */
  private Behavior<Command> onListed(Listed m) {
    for (ConnectionView v : m.list().connections()) {
      if (!v.spec().tlsProfile().equals(profile.name())) continue;
      if (v.direction() == Direction.OUTBOUND) waiting.add(v);
      else inbound++;
    }
    if (!m.list().last()) return this;
    replyTo.tell(new ConnectionManager.TlsProfileReloaded(profile, waiting.size(), inbound, node));
    getContext().getLog().info("rolling reconnect of TLS profile {}: {} outbound connections, at most {} at a time; "
        + "{} inbound ones keep their material until their clients reconnect", profile.name(), waiting.size(), window, inbound);
    return fill();
  }

  /** Starts reconnects until the window is full, each after its own random delay. */
  private Behavior<Command> fill() {
    while (inFlight.size() < window && !waiting.isEmpty()) {
      ConnectionView v = waiting.poll();
      long current = Math.max(v.incarnation(), incarnations.getOrDefault(v.id(), 0L));
      inFlight.put(v.id(), v.state() == ConnectionState.CONNECTING ? current : current + 1);
      long jitterMillis = maxJitter.isZero() ? 0 : ThreadLocalRandom.current().nextLong(maxJitter.toMillis() + 1);
      timers.startSingleTimer(v.id(), new Start(v.id()), Duration.ofMillis(jitterMillis));
      timers.startSingleTimer(new GaveUpKey(v.id()), new GaveUpWaiting(v.id()), settleBound(v.settings()).plusMillis(jitterMillis));
    }
    if (inFlight.isEmpty()) {
      getContext().getLog().info("rolling reconnect of TLS profile {} finished: {} connections reconnected", profile.name(), done);
      return Behaviors.stopped();
    }
    return this;
  }

  private Behavior<Command> onStart(Start m) {
    // An unanswered ask counts as managed: the safety net then frees its place.
    getContext().ask(VIEW_REPLY, registry, ASK_TIMEOUT, replyTo -> new ConnectionManager.Reconnect(m.id(), replyTo),
        (view, failure) -> new Answered(m.id(), view == null || view.isPresent()));
    return this;
  }

  private Behavior<Command> onObserved(Observed m) {
    ConnectionEvent e = m.event();
    if (e instanceof ConnectionEvent.StateChanged s) {
      incarnations.merge(s.connectionId(), s.incarnation(), Math::max);
      Long from = inFlight.get(s.connectionId());
      if (from != null && s.incarnation() >= from && SETTLED.contains(s.state())) return finished(s.connectionId());
    } else if (e instanceof ConnectionEvent.Removed r && inFlight.containsKey(r.connectionId())) {
      return finished(r.connectionId());
    }
    return this;
  }

  private Behavior<Command> finished(ConnectionId id) {
    if (inFlight.remove(id) == null) return this;
    timers.cancel(id);
    timers.cancel(new GaveUpKey(id));
    done++;
    return fill();
  }

  /** Closing the old incarnation, then connecting and handshaking the new one, twice over: only a safety net. */
  private static Duration settleBound(ConnectionSettings s) {
    return s.closeTimeout().plus(s.connectTimeout()).plus(s.handshakeTimeout()).multipliedBy(2);
  }

  private record GaveUpKey(ConnectionId id) {}
}
