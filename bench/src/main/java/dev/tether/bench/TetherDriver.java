package dev.tether.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ReaderEvent;
import dev.tether.connection.OutcomeKind;
import dev.tether.connection.SendResult;
import dev.tether.connection.session.Session;
import dev.tether.connection.session.SessionEvent;
import dev.tether.connection.tls.TlsProfile;
import dev.tether.connection.tls.TlsStage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.util.ByteString;

/**
 * The product: one {@link ConnectionManager}, connections opened and closed through its protocol.
 * System {@code tether} runs it as shipped (Tether's TLS stage), {@code tether-pekko-stage} the same
 * with {@code tether.tls-stage = pekko} (Pekko's {@code TLS.create}), everything else alike.
 */
public final class TetherDriver extends Driver {
  private final TlsStage stage;
  private final ActorSystem<Void> system;
  private final ActorRef<ConnectionManager.Command> manager;
  private final ActorRef<ReaderEvent> reader;
  private final ActorRef<ConnectionManager.OpenResult> openReplies;
  private final Set<Integer> flooding = ConcurrentHashMap.newKeySet();
  private final Map<Integer, Integer> floodChunk = new ConcurrentHashMap<>();
  private volatile boolean stopping;
  /** How late "open" reaches a subscriber: from the connection's timestamp to our receipt. */
  private final ConcurrentLinkedQueue<Double> openEventLagMillis = new ConcurrentLinkedQueue<>();
  /** Each connection's current session, for connections opened with {@link #openWithSession}. */
  private final Map<Integer, CompletableFuture<Session>> sessions = new ConcurrentHashMap<>();
  /** Outcomes by kind since the last {@link #diagnostics()}. */
  private final Map<String, Integer> outcomeKinds = new ConcurrentHashMap<>();

  public TetherDriver(Target target, Events events, TlsStage stage) {
    super(target, events);
    this.stage = stage;
    Config config = config(stage);
    this.system = ActorSystem.create(Behaviors.empty(), "tether-bench", config);
    ConnectionSettings base =
        ConnectionSettings.fromConfig(config.getConfig("tether.connection-defaults"), "tether.connection-defaults");
    ConnectionSettings defaults = base.withReconnect(base.reconnect()
        .withMinBackoff(target.backoff().min())
        .withMaxBackoff(target.backoff().max())
        .withRandomFactor(target.backoff().randomFactor()));
    // The product as shipped (reference.conf: handshake admission limit, stream dispatcher), with the
    // bench's backoff and a profile trusting the echo server's throwaway certificate.
    ConnectionManagerSettings settings = ConnectionManagerSettings.create(config).withDefaults(defaults)
        .withTlsProfile(new TlsProfile("default", target.tls(), ThrowawayTls.PROTOCOLS, true))
        .withHandler(SESSION_HANDLER, this::sessionHandler);
    // Experiment knob: -Dbench.tether.manager-dispatcher=bench.manager-dispatcher runs the manager on
    // its own thread instead of the default dispatcher it shares with every TLS stream.
    String dispatcher = System.getProperty("bench.tether.manager-dispatcher", "");
    Props props = dispatcher.isEmpty() ? Props.empty() : DispatcherSelector.fromConfig(dispatcher);
    this.manager = system.systemActorOf(ConnectionManager.create(settings), "bench-manager", props);
    this.reader = system.systemActorOf(readerBehavior(), "bench-reader", Props.empty());
    this.openReplies = system.systemActorOf(openReplies(), "bench-open-replies", Props.empty());
    ActorRef<ConnectionEvent> subscriber = system.systemActorOf(subscriber(), "bench-subscriber", Props.empty());
    manager.tell(new ConnectionManager.Subscribe(subscriber));
  }

  /** The configuration as shipped (reference.conf, system properties) with {@code tether.tls-stage} set. */
  static Config config(TlsStage stage) {
    return ConfigFactory.parseString("tether.tls-stage = " + stage.wireName()).withFallback(ConfigFactory.load());
  }

  /** The bench's name of the Tether system running {@code stage}. */
  static String systemName(TlsStage stage) {
    return stage == TlsStage.TETHER ? "tether" : "tether-" + stage.wireName() + "-stage";
  }

  @Override
  public String system() {
    return systemName(stage);
  }

  static ConnectionId id(int idx) {
    return ConnectionId.of("c-" + idx);
  }

  static int idx(ConnectionId id) {
    return Integer.parseInt(id.value(), 2, id.value().length(), 10);
  }

  @Override
  public void open(int idx, boolean flood, int chunk) {
    if (flood) floodChunk.put(idx, chunk);
    ConnectionSpec spec = ConnectionSpec.of(id(idx).value(), ThrowawayTls.HOST, target.port(idx)).withReader(reader);
    manager.tell(new ConnectionManager.Open(spec, openReplies));
  }

  /**
   * Opens connection {@code idx} with a session handler (the per-connection actor that runs beside
   * its connection, like a Netty handler): {@link #echoViaSession} then writes through its {@link
   * Session} and the handler takes the echo.
   */
  public void openWithSession(int idx) {
    ConnectionSpec spec = ConnectionSpec.of(id(idx).value(), ThrowawayTls.HOST, target.port(idx)).withHandler(SESSION_HANDLER);
    manager.tell(new ConnectionManager.Open(spec, openReplies));
  }

  /** One echo through the session of a connection opened with {@link #openWithSession}, once its handler runs. */
  public CompletableFuture<Void> echoViaSession(int idx, byte[] payload) {
    Session session = session(idx).getNow(null);
    if (session == null) return CompletableFuture.failedFuture(new IllegalStateException("no session for c-" + idx + " yet"));
    CompletableFuture<Void> f = expectEcho(payload.length);
    session.write(ByteString.fromArray(payload), system.ignoreRef());
    return f;
  }

  /** Completes once connection {@code idx}, opened with {@link #openWithSession}, has its handler running. */
  public CompletableFuture<Session> session(int idx) {
    return sessions.computeIfAbsent(idx, k -> new CompletableFuture<>());
  }

  @Override
  public void close(int idx, boolean graceful) {
    flooding.remove(idx);
    manager.tell(new ConnectionManager.Close(id(idx), Optional.of(graceful ? CloseMode.GRACEFUL : CloseMode.ABORT),
        system.ignoreRef()));
  }

  @Override
  public void closeAllGracefully(int n) {
    flooding.clear();
    manager.tell(new ConnectionManager.CloseAll(system.ignoreRef()));
  }

  @Override
  public CompletableFuture<Void> echo(int idx, byte[] payload) {
    CompletableFuture<Void> f = expectEcho(payload.length);
    manager.tell(new ConnectionManager.Send(id(idx), ByteString.fromArray(payload), system.ignoreRef()));
    return f;
  }

  // ---------------------------------------------------------------- the harness's actors

  private static final String SESSION_HANDLER = "bench-session";

  /** Counts what arrives for the echo waiter and takes it at once; the harness writes through the session. */
  private Behavior<SessionEvent> sessionHandler(Session session) {
    int idx = idx(session.connectionId());
    if (!session(idx).complete(session)) sessions.put(idx, CompletableFuture.completedFuture(session)); // a later incarnation
    return Behaviors.receive(SessionEvent.class)
        .onMessage(SessionEvent.Received.class, m -> {
          onInbound(m.bytes().size());
          session.ack();
          return Behaviors.same();
        })
        .onMessage(SessionEvent.Ended.class, m -> Behaviors.stopped())
        .build();
  }

  private Behavior<ConnectionEvent> subscriber() {
    return Behaviors.receive(ConnectionEvent.class)
        .onMessage(ConnectionEvent.StateChanged.class, this::onStateChanged)
        .onMessage(ConnectionEvent.OutcomeReported.class, this::onOutcome)
        .onMessage(ConnectionEvent.Removed.class, m -> Behaviors.same())
        .build();
  }

  private Behavior<ConnectionEvent> onStateChanged(ConnectionEvent.StateChanged m) {
    if (m.state() == ConnectionState.OPEN) {
      // The connection's own timestamp, on our clock: peak connect rates count real connects, not
      // the bursts in which a busy dispatcher delivers the events. The delay is reported apart.
      long lagNanos = Math.max(0, Duration.between(m.at(), Instant.now()).toNanos());
      openEventLagMillis.add(lagNanos / 1e6);
      int idx = idx(m.connectionId());
      events.opened(idx, System.nanoTime() - lagNanos);
      Integer chunk = floodChunk.get(idx);
      if (chunk != null && flooding.add(idx)) {
        system.systemActorOf(flooder(idx, ByteString.fromArray(new byte[chunk])), "flood-" + idx + "-" + m.incarnation(), Props.empty());
      }
    }
    return Behaviors.same();
  }

  private Behavior<ConnectionEvent> onOutcome(ConnectionEvent.OutcomeReported m) {
    OutcomeKind k = m.outcome().kind();
    outcomeKinds.merge(k.wireName(), 1, Integer::sum);
    events.ended(idx(m.connectionId()), System.nanoTime(), k == OutcomeKind.CLEAN || k == OutcomeKind.CLOSE_SENT,
        m.outcome().toString());
    return Behaviors.same();
  }

  private Behavior<ReaderEvent> readerBehavior() {
    return Behaviors.receive(ReaderEvent.class)
        .onMessage(ReaderEvent.Received.class, m -> {
          onInbound(m.bytes().size());
          m.ack(); // taken at once: the bench measures the connection, not a slow reader
          return Behaviors.same();
        })
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private Behavior<ConnectionManager.OpenResult> openReplies() {
    return Behaviors.receive(ConnectionManager.OpenResult.class)
        .onMessage(ConnectionManager.OpenRejected.class, m -> {
          events.ended(-1, System.nanoTime(), false, "open rejected: " + m.message());
          return Behaviors.same();
        })
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  /** Keeps {@code window} sends in flight; each {@code Accepted} releases the next. */
  private Behavior<SendResult> flooder(int idx, ByteString chunk) {
    int window = 32;
    ConnectionId id = id(idx);
    return Behaviors.setup(ctx -> {
      for (int i = 0; i < window; i++) manager.tell(new ConnectionManager.Send(id, chunk, ctx.getSelf()));
      return Behaviors.receive(SendResult.class)
          .onMessage(SendResult.Accepted.class, m -> {
            if (!flooding.contains(idx) || stopping) return Behaviors.stopped();
            manager.tell(new ConnectionManager.Send(id, chunk, ctx.getSelf()));
            return Behaviors.same();
          })
          .onMessage(SendResult.Rejected.class, m -> Behaviors.stopped())
          .build();
    });
  }

  @Override
  public Map<String, Double> diagnostics() {
    List<Double> lags = new ArrayList<>(openEventLagMillis);
    openEventLagMillis.clear();
    Map<String, Double> out = new java.util.TreeMap<>();
    if (!lags.isEmpty()) {
      out.put("open-event-lag-p50 ms", Results.percentile(lags, 50));
      out.put("open-event-lag-p99 ms", Results.percentile(lags, 99));
    }
    for (String kind : List.of("handshake-timeout", "connect-timeout", "connect-failed")) {
      Integer c = outcomeKinds.remove(kind);
      out.put("outcomes-" + kind + " count", c == null ? 0.0 : c);
    }
    outcomeKinds.clear();
    return out;
  }

  @Override
  public void close() throws Exception {
    stopping = true;
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
