package dev.tether.admin;

import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.OutcomeKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Prometheus metrics of one connection manager, fed by its event stream: connections by state
 * ({@code tether_connections{state}}), outcomes by kind ({@code tether_outcomes_total{kind}}),
 * reconnects ({@code tether_reconnects_total}) and handshake duration ({@code
 * tether_handshake_duration_seconds}, from entering handshaking to open).
 */
public final class AdminMetrics {
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final PrometheusMeterRegistry registry;

  private AdminMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /** Starts a subscriber of {@code manager}'s events as a system actor, and its registry. */
  public static AdminMetrics start(ActorRef<ConnectionManager.Command> manager, ActorSystem<?> system) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    system.systemActorOf(Recorder.create(manager, registry), "tether-admin-metrics-" + INSTANCES.incrementAndGet(), Props.empty());
    return new AdminMetrics(registry);
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }

  /** Subscribes to the manager and turns its events into meters. Its state is its own. */
  static final class Recorder extends AbstractBehavior<ConnectionEvent> {
    private record Incarnation(long incarnation, ConnectionState state, Instant since) {}

    private final Map<ConnectionState, AtomicLong> byState = new EnumMap<>(ConnectionState.class);
    private final Map<OutcomeKind, Counter> outcomes = new EnumMap<>(OutcomeKind.class);
    private final Counter reconnects;
    private final Timer handshakes;
    private final Map<ConnectionId, Incarnation> current = new HashMap<>();

    static Behavior<ConnectionEvent> create(ActorRef<ConnectionManager.Command> manager, PrometheusMeterRegistry registry) {
      return Behaviors.setup(ctx -> {
        manager.tell(new ConnectionManager.Subscribe(ctx.getSelf()));
        return new Recorder(ctx, registry);
      });
    }

    private Recorder(ActorContext<ConnectionEvent> ctx, PrometheusMeterRegistry registry) {
      super(ctx);
      for (ConnectionState s : ConnectionState.values()) {
        AtomicLong n = new AtomicLong();
        byState.put(s, n);
        Gauge.builder("tether.connections", n, AtomicLong::get)
            .description("Managed connections by state").tag("state", s.wireName()).register(registry);
      }
      for (OutcomeKind k : OutcomeKind.values()) {
        outcomes.put(k, Counter.builder("tether.outcomes")
            .description("Ended incarnations by outcome kind").tag("kind", k.wireName()).register(registry));
      }
      reconnects = Counter.builder("tether.reconnects").description("Incarnations started after the first").register(registry);
      handshakes = Timer.builder("tether.handshake.duration")
          .description("From TCP connected (handshaking) to open").register(registry);
    }

    @Override
    public Receive<ConnectionEvent> createReceive() {
      return newReceiveBuilder()
          .onMessage(ConnectionEvent.StateChanged.class, this::onStateChanged)
          .onMessage(ConnectionEvent.OutcomeReported.class, this::onOutcome)
          .onMessage(ConnectionEvent.Removed.class, this::onRemoved)
          .build();
    }

    private Behavior<ConnectionEvent> onStateChanged(ConnectionEvent.StateChanged e) {
      Incarnation before = current.put(e.connectionId(), new Incarnation(e.incarnation(), e.state(), e.at()));
      if (before != null) byState.get(before.state()).decrementAndGet();
      byState.get(e.state()).incrementAndGet();
      if (e.state() == ConnectionState.CONNECTING && e.incarnation() > 1
          && (before == null || before.incarnation() != e.incarnation())) {
        reconnects.increment();
      }
      if (e.state() == ConnectionState.OPEN && before != null && before.incarnation() == e.incarnation()
          && before.state() == ConnectionState.HANDSHAKING) {
        handshakes.record(Duration.between(before.since(), e.at()));
      }
      return this;
    }

    private Behavior<ConnectionEvent> onOutcome(ConnectionEvent.OutcomeReported e) {
      outcomes.get(e.outcome().kind()).increment();
      return this;
    }

    private Behavior<ConnectionEvent> onRemoved(ConnectionEvent.Removed e) {
      Incarnation before = current.remove(e.connectionId());
      if (before != null) byState.get(before.state()).decrementAndGet();
      return this;
    }
  }
}
