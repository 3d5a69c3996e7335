package dev.tether.admin;

import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.Direction;
import dev.tether.connection.ListenerInfo;
import dev.tether.connection.OutcomeKind;
import dev.tether.connection.tls.TlsProfileInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Prometheus metrics of one connection manager. Fed by its event stream, each labelled with the
 * connection's {@code direction} ({@code inbound} or {@code outbound}): connections by state ({@code
 * tether_connections{direction,state}}), outcomes by kind ({@code
 * tether_outcomes_total{direction,kind}}), reconnects ({@code tether_reconnects_total{direction}})
 * and handshake duration ({@code tether_handshake_duration_seconds{direction}}, from entering
 * handshaking to open). Polled from the manager on each scrape, per listener: {@code
 * tether_listener_open_connections{listener}}, {@code tether_listener_accepted_total{listener}},
 * {@code tether_listener_rejected_total{listener}} and {@code tether_listener_bound{listener}} (1 or 0);
 * per TLS profile with a certificate, {@code tether_tls_certificate_expiry_seconds{profile}}: seconds
 * until the certificate in use expires (negative once it has), computed at the scrape, and following
 * reloads.
 */
public final class AdminMetrics {
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  /** Added to a scrape's poll timeout for the round trip through the recorder. */
  private static final Duration RECORDER_MARGIN = Duration.ofSeconds(1);

  private final PrometheusMeterRegistry registry;
  private final ActorRef<Recorder.Command> recorder;
  private final Scheduler scheduler;

  private AdminMetrics(PrometheusMeterRegistry registry, ActorRef<Recorder.Command> recorder, Scheduler scheduler) {
    this.registry = registry;
    this.recorder = recorder;
    this.scheduler = scheduler;
  }

  /** Starts a subscriber of {@code manager}'s events as a system actor, and its registry. */
  public static AdminMetrics start(ActorRef<ConnectionManager.Command> manager, ActorSystem<?> system) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ActorRef<Recorder.Command> recorder = system.systemActorOf(Recorder.create(manager, registry),
        "tether-admin-metrics-" + INSTANCES.incrementAndGet(), Props.empty());
    return new AdminMetrics(registry, recorder, system.scheduler());
  }

  /**
   * The Prometheus text exposition of every metric, after asking the manager for its listeners and
   * TLS profiles (both at once, bounded by {@code timeout}). If the manager does not answer in time,
   * those metrics keep the values of the last answer; the event-fed metrics are current either way.
   */
  public CompletionStage<String> scrape(Duration timeout) {
    return AskPattern.<Recorder.Command, Done>ask(recorder, replyTo -> new Recorder.PollManager(timeout, replyTo),
            timeout.plus(RECORDER_MARGIN), scheduler)
        .thenApply(done -> registry.scrape());
  }

  /** Every metric as it is now, without asking the manager. */
  String scrapeNow() {
    return registry.scrape();
  }

  /** Subscribes to the manager and turns its events and listener listings into meters. Its state is its own. */
  static final class Recorder extends AbstractBehavior<Recorder.Command> {
    interface Command {}

    /** Poll the listeners and TLS profiles now; answered once their meters are up to date (or the manager did not answer). */
    record PollManager(Duration timeout, ActorRef<Done> replyTo) implements Command {}

    private record Observed(ConnectionEvent event) implements Command {}

    private record ListenersPolled(Optional<List<ListenerInfo>> listeners, PendingPoll poll) implements Command {}

    private record TlsProfilesPolled(Optional<List<TlsProfileInfo>> profiles, PendingPoll poll) implements Command {}

    private record Incarnation(long incarnation, ConnectionState state, Instant since) {}

    private final ActorRef<ConnectionManager.Command> manager;
    private final MeterRegistry registry;
    private final Map<Direction, Map<ConnectionState, AtomicLong>> byState = new EnumMap<>(Direction.class);
    private final Map<Direction, Map<OutcomeKind, Counter>> outcomes = new EnumMap<>(Direction.class);
    private final Map<Direction, Counter> reconnects = new EnumMap<>(Direction.class);
    private final Map<Direction, Timer> handshakes = new EnumMap<>(Direction.class);
    private final Map<ConnectionId, Incarnation> current = new HashMap<>();
    private final Map<String, ListenerMeters> listeners = new HashMap<>();
    private final Map<String, CertificateExpiry> certificates = new HashMap<>();

    static Behavior<Command> create(ActorRef<ConnectionManager.Command> manager, MeterRegistry registry) {
      return Behaviors.setup(ctx -> {
        manager.tell(new ConnectionManager.Subscribe(ctx.messageAdapter(ConnectionEvent.class, Observed::new)));
        return new Recorder(ctx, manager, registry);
      });
    }

    private Recorder(ActorContext<Command> ctx, ActorRef<ConnectionManager.Command> manager, MeterRegistry registry) {
      super(ctx);
      this.manager = manager;
      this.registry = registry;
      for (Direction d : Direction.values()) {
        String direction = d.wireName();
        Map<ConnectionState, AtomicLong> states = new EnumMap<>(ConnectionState.class);
        for (ConnectionState s : ConnectionState.values()) {
          AtomicLong n = new AtomicLong();
          states.put(s, n);
          Gauge.builder("tether.connections", n, AtomicLong::get).description("Managed connections by state")
              .tag("direction", direction).tag("state", s.wireName()).register(registry);
        }
        byState.put(d, states);
        Map<OutcomeKind, Counter> kinds = new EnumMap<>(OutcomeKind.class);
        for (OutcomeKind k : OutcomeKind.values()) {
          kinds.put(k, Counter.builder("tether.outcomes").description("Ended incarnations by outcome kind")
              .tag("direction", direction).tag("kind", k.wireName()).register(registry));
        }
        outcomes.put(d, kinds);
        reconnects.put(d, Counter.builder("tether.reconnects").description("Incarnations started after the first")
            .tag("direction", direction).register(registry));
        handshakes.put(d, Timer.builder("tether.handshake.duration").description("From TCP connected (handshaking) to open")
            .tag("direction", direction).register(registry));
      }
    }

    @Override
    public Receive<Command> createReceive() {
      return newReceiveBuilder()
          .onMessage(Observed.class, m -> onEvent(m.event()))
          .onMessage(PollManager.class, this::onPollManager)
          .onMessage(ListenersPolled.class, this::onListenersPolled)
          .onMessage(TlsProfilesPolled.class, this::onTlsProfilesPolled)
          .build();
    }

    // ---------------------------------------------------------------- connections

    /** Every event says its connection's direction: nothing to ask the manager. */
    private Behavior<Command> onEvent(ConnectionEvent e) {
      Direction d = e.direction();
      if (e instanceof ConnectionEvent.StateChanged s) onStateChanged(d, s);
      else if (e instanceof ConnectionEvent.OutcomeReported o) outcomes.get(d).get(o.outcome().kind()).increment();
      else if (e instanceof ConnectionEvent.Removed r) onRemoved(d, r);
      return this;
    }

    private void onStateChanged(Direction d, ConnectionEvent.StateChanged e) {
      Incarnation before = current.put(e.connectionId(), new Incarnation(e.incarnation(), e.state(), e.at()));
      if (before != null) byState.get(d).get(before.state()).decrementAndGet();
      byState.get(d).get(e.state()).incrementAndGet();
      if (e.state() == ConnectionState.CONNECTING && e.incarnation() > 1
          && (before == null || before.incarnation() != e.incarnation())) {
        reconnects.get(d).increment();
      }
      if (e.state() == ConnectionState.OPEN && before != null && before.incarnation() == e.incarnation()
          && before.state() == ConnectionState.HANDSHAKING) {
        handshakes.get(d).record(Duration.between(before.since(), e.at()));
      }
    }

    private void onRemoved(Direction d, ConnectionEvent.Removed e) {
      Incarnation before = current.remove(e.connectionId());
      if (before != null) byState.get(d).get(before.state()).decrementAndGet();
    }

    // ---------------------------------------------------------------- listeners

    private Behavior<Command> onPollManager(PollManager m) {
      PendingPoll poll = new PendingPoll(m.replyTo());
      getContext().ask(ConnectionManager.ListenerList.class, manager, m.timeout(), ConnectionManager.ListListeners::new,
          (list, failure) -> new ListenersPolled(Optional.ofNullable(list).map(ConnectionManager.ListenerList::listeners),
              poll));
      getContext().ask(ConnectionManager.TlsProfileList.class, manager, m.timeout(), ConnectionManager.ListTlsProfiles::new,
          (list, failure) -> new TlsProfilesPolled(Optional.ofNullable(list).map(ConnectionManager.TlsProfileList::profiles),
              poll));
      return this;
    }

    private Behavior<Command> onListenersPolled(ListenersPolled m) {
      m.listeners().ifPresent(this::updateListeners);
      m.poll().answered();
      return this;
    }

    private Behavior<Command> onTlsProfilesPolled(TlsProfilesPolled m) {
      m.profiles().ifPresent(this::updateCertificates);
      m.poll().answered();
      return this;
    }

    /** One meter per profile with a certificate; a profile whose certificate is gone loses its meter. */
    private void updateCertificates(List<TlsProfileInfo> profiles) {
      Set<String> gone = new HashSet<>(certificates.keySet());
      for (TlsProfileInfo p : profiles) {
        if (p.notAfter().isEmpty()) continue;
        gone.remove(p.name());
        certificates.computeIfAbsent(p.name(), n -> new CertificateExpiry(n, registry)).update(p.notAfter().get());
      }
      for (String name : gone) registry.remove(certificates.remove(name).meter);
    }

    private void updateListeners(List<ListenerInfo> listed) {
      Set<String> gone = new HashSet<>(listeners.keySet());
      for (ListenerInfo i : listed) {
        gone.remove(i.name());
        listeners.computeIfAbsent(i.name(), n -> new ListenerMeters(n, registry)).update(i);
      }
      for (String name : gone) listeners.remove(name).remove(registry);
    }

  }

  /** Both answers of one scrape's poll; the scrape is answered when both are in. Used by the recorder only. */
  private static final class PendingPoll {
    private final ActorRef<Done> replyTo;
    private int missing = 2;

    PendingPoll(ActorRef<Done> replyTo) {
      this.replyTo = replyTo;
    }

    void answered() {
      if (--missing == 0) replyTo.tell(Done.getInstance());
    }
  }

  /** {@code tether_tls_certificate_expiry_seconds{profile}}: computed when scraped, from the latest notAfter. */
  private static final class CertificateExpiry {
    private final AtomicLong notAfterEpochSecond = new AtomicLong();
    private final Meter meter;

    CertificateExpiry(String profile, MeterRegistry registry) {
      meter = Gauge.builder("tether.tls.certificate.expiry", notAfterEpochSecond,
              n -> n.get() - Instant.now().getEpochSecond())
          .description("Seconds until the certificate the TLS profile uses now expires (negative once it has)")
          .baseUnit("seconds").tag("profile", profile).register(registry);
    }

    void update(Instant notAfter) {
      notAfterEpochSecond.set(notAfter.getEpochSecond());
    }
  }

  /** One listener's meters, set from its latest {@link ListenerInfo}. */
  private static final class ListenerMeters {
    private final AtomicLong open = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong bound = new AtomicLong();
    private final List<Meter> meters;

    ListenerMeters(String name, MeterRegistry registry) {
      meters = List.of(
          Gauge.builder("tether.listener.open.connections", open, AtomicLong::get)
              .description("The listener's connections that have not ended yet").tag("listener", name).register(registry),
          FunctionCounter.builder("tether.listener.accepted", accepted, AtomicLong::get)
              .description("Connections the listener accepted since it started").tag("listener", name).register(registry),
          FunctionCounter.builder("tether.listener.rejected", rejected, AtomicLong::get)
              .description("Clients refused because max-connections was reached").tag("listener", name).register(registry),
          Gauge.builder("tether.listener.bound", bound, AtomicLong::get)
              .description("1 while the listener accepts, else 0").tag("listener", name).register(registry));
    }

    void update(ListenerInfo i) {
      open.set(i.openConnections());
      accepted.set(i.acceptedTotal());
      rejected.set(i.rejectedTotal());
      bound.set(i.bound() ? 1 : 0);
    }

    void remove(MeterRegistry registry) {
      meters.forEach(registry::remove);
    }
  }
}
