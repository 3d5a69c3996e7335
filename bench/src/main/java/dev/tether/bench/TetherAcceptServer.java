package dev.tether.bench;

import com.typesafe.config.Config;
import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ListenerSpec;
import dev.tether.connection.OutcomeKind;
import dev.tether.connection.tls.TlsProfile;
import dev.tether.connection.tls.TlsStage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The product in the accept scenario: one {@link ConnectionManager} as shipped (reference.conf) with
 * one listener, handler {@code echo}, and a subscriber; {@code tls-stage} as the system says
 * ({@code tether}: Tether's stage, {@code tether-pekko-stage}: Pekko's). A connection counts as accepted when its
 * {@code StateChanged(open)} reaches the subscriber: what an application watching events sees.
 */
final class TetherAcceptServer extends AcceptServer {
  private static final String PROFILE = "bench-server";
  private static final String LISTENER = "accept";

  private final TlsStage stage;
  private final ActorSystem<Void> system;
  private final ActorRef<ConnectionManager.Command> manager;
  private final int port;
  /** How late "open" reaches the subscriber: from the connection's timestamp to our receipt. */
  private final ConcurrentLinkedQueue<Double> openEventLagMillis = new ConcurrentLinkedQueue<>();

  TetherAcceptServer(SSLContext tls, int maxConnections, TlsStage stage) throws Exception {
    this.stage = stage;
    Config config = TetherDriver.config(stage);
    this.system = ActorSystem.create(Behaviors.empty(), "tether-accept-bench", config);
    ConnectionManagerSettings settings = ConnectionManagerSettings.create(config)
        .withTlsProfile(new TlsProfile(PROFILE, tls, ThrowawayTls.PROTOCOLS, false, true));
    this.manager = system.systemActorOf(ConnectionManager.create(settings), "bench-manager", Props.empty());
    ActorRef<ConnectionEvent> subscriber = system.systemActorOf(subscriber(), "bench-subscriber", Props.empty());
    manager.tell(new ConnectionManager.Subscribe(subscriber));
    ListenerSpec spec = ListenerSpec.of(LISTENER, ThrowawayTls.HOST, 0, PROFILE, "echo", settings.defaults())
        .withMaxConnections(Math.max(1024, maxConnections));
    ConnectionManager.ListenerResult started = AskPattern.<ConnectionManager.Command, ConnectionManager.ListenerResult>ask(
            manager, replyTo -> new ConnectionManager.StartListener(spec, replyTo), Duration.ofSeconds(30), system.scheduler())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    if (!(started instanceof ConnectionManager.ListenerStarted s)) {
      system.terminate();
      throw new IllegalStateException("the listener did not start: " + started);
    }
    this.port = s.info().port();
  }

  /** Counts opens and ends of the listener's connections; its state is its own (one actor). */
  private Behavior<ConnectionEvent> subscriber() {
    return Behaviors.setup(ctx -> {
      Set<ConnectionId> open = new HashSet<>();
      return Behaviors.receive(ConnectionEvent.class)
          .onMessage(ConnectionEvent.StateChanged.class, m -> onStateChanged(open, m))
          .onMessage(ConnectionEvent.OutcomeReported.class, m -> onOutcome(open, m))
          .onMessage(ConnectionEvent.Removed.class, m -> Behaviors.same())
          .build();
    });
  }

  private Behavior<ConnectionEvent> onStateChanged(Set<ConnectionId> open, ConnectionEvent.StateChanged m) {
    if (m.state() == ConnectionState.OPEN && open.add(m.connectionId())) {
      long now = System.nanoTime();
      openEventLagMillis.add(Math.max(0, Duration.between(m.at(), Instant.now()).toNanos()) / 1e6);
      handshaken(now);
    }
    return Behaviors.same();
  }

  private Behavior<ConnectionEvent> onOutcome(Set<ConnectionId> open, ConnectionEvent.OutcomeReported m) {
    OutcomeKind k = m.outcome().kind();
    ended(open.remove(m.connectionId()), k == OutcomeKind.CLEAN, m.connectionId() + ": " + m.outcome());
    return Behaviors.same();
  }

  @Override
  String system() {
    return TetherDriver.systemName(stage);
  }

  @Override
  int port() {
    return port;
  }

  @Override
  Map<String, Double> diagnostics() {
    List<Double> lags = new ArrayList<>(openEventLagMillis);
    openEventLagMillis.clear();
    Map<String, Double> out = new TreeMap<>();
    if (!lags.isEmpty()) {
      out.put("open-event-lag-p50 ms", Results.percentile(lags, 50));
      out.put("open-event-lag-p99 ms", Results.percentile(lags, 99));
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    // Unbind and close first: terminating under a bound listener logs its accept stream's end as an error.
    AskPattern.<ConnectionManager.Command, ConnectionManager.AllClosed>ask(manager, ConnectionManager.Shutdown::new,
            Duration.ofSeconds(30), system.scheduler())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
