package dev.tether.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.ReaderEvent;
import dev.tether.connection.Outcome;
import dev.tether.connection.SendResult;
import dev.tether.connection.tls.TlsProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.util.ByteString;

/**
 * Shared set-up for tests of the manager: an actor system, a manager with probes for its events,
 * and, only when a test asks for them, throwaway certificates and TLS profiles trusting them. One
 * per test class, held in a field of a {@code @TestInstance(PER_CLASS)} test whose {@code
 * @JUnit5TestKit} field is {@link #testKit}: {@code TestKitJUnit5Extension} shuts it down after the
 * class.
 *
 * <p>Certificates are made ({@link TestCerts}, with the {@code openssl} tool) on the first call of
 * {@link #certs()}, {@link #settings()} or {@link #manager()}, never by the constructor: a test
 * whose connections never reach a TLS peer uses {@link #managerWithoutPeer()} and runs where
 * openssl is not installed. Where it is missing, the tests that do need it are skipped with a
 * message saying so (with {@code CI=true} they fail).
 */
public final class TetherFixture implements AutoCloseable {
  public static final Duration MAX = Duration.ofSeconds(20);
  /** The throwaway profiles, by name, with their protocols; {@code trusts-other} trusts "other", the rest "localhost". */
  private static final Map<String, List<String>> TEST_PROFILE_PROTOCOLS = Map.of(
      "test", List.of("TLSv1.3", "TLSv1.2"),
      "test-tls12", List.of("TLSv1.2"),
      "test-tls13", List.of("TLSv1.3"),
      "trusts-other", List.of("TLSv1.3", "TLSv1.2"));

  public final ActorTestKit testKit;
  /** From configuration only: no throwaway profile, so no certificate. */
  private final ConnectionManagerSettings configured;
  private TestCerts certs;
  private ConnectionManagerSettings settings;

  public TetherFixture(String name) {
    this(name, "");
  }

  /** A fixture whose actor system also gets the given configuration (HOCON), e.g. dispatcher sizes. */
  public TetherFixture(String name, String extraConfig) {
    Config config = ConfigFactory.parseString(extraConfig).withFallback(ConfigFactory.parseString("""
        pekko.loglevel = DEBUG
        pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
        pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
        pekko.actor.testkit.typed.single-expect-default = 10s
        """)).withFallback(ConfigFactory.load());
    configured = ConnectionManagerSettings.create(config); // fails here, before any actor system exists
    testKit = ActorTestKit.create(name, config);
  }

  /**
   * Throwaway certificates ("localhost", "other"), made on the first call. Skips the calling test
   * when openssl is not installed (fails it with {@code CI=true}).
   */
  public TestCerts certs() {
    if (certs == null) certs = TestCerts.generate();
    return certs;
  }

  /**
   * The configured settings plus the throwaway profiles {@code test}, {@code test-tls12}, {@code
   * test-tls13} (trusting "localhost") and {@code trusts-other} (trusting "other"). Makes the
   * certificates on the first call.
   */
  public ConnectionManagerSettings settings() {
    if (settings == null) {
      ConnectionManagerSettings s = configured;
      for (var p : TEST_PROFILE_PROTOCOLS.entrySet()) {
        String trusted = p.getKey().equals("trusts-other") ? "other" : "localhost";
        s = s.withTlsProfile(certs().profileTrusting(p.getKey(), trusted, p.getValue(), true));
      }
      settings = s;
    }
    return settings;
  }

  /** Fast settings for tests: short timeouts, quick and jitter-free backoff. */
  public ConnectionSettings fastSettings() {
    ConnectionSettings d = configured.defaults();
    return d.withConnectTimeout(Duration.ofSeconds(3))
        .withHandshakeTimeout(Duration.ofSeconds(2))
        .withCloseTimeout(Duration.ofSeconds(1))
        .withReconnect(d.reconnect().withMinBackoff(Duration.ofMillis(100)).withMaxBackoff(Duration.ofMillis(800))
            .withRandomFactor(0.0));
  }

  /** A manager with the throwaway profiles of {@link #settings()}, subscribed to by the returned probe. */
  public Manager manager() {
    return manager(settings());
  }

  /**
   * A manager for connections that never reach a TLS peer (refused, unresolvable, unanswered,
   * plaintext): it knows the same profile names as {@link #settings()}, but they trust only the
   * JDK's default trust store, so no certificate is made and openssl is not needed.
   */
  public Manager managerWithoutPeer() {
    ConnectionManagerSettings s = configured;
    for (var p : TEST_PROFILE_PROTOCOLS.entrySet()) {
      s = s.withTlsProfile(new TlsProfile(p.getKey(), configured.tlsProfiles().get("default").context(), p.getValue(), true));
    }
    return manager(s);
  }

  /** A manager with other settings (e.g. {@code settings().withTlsProfile(...)}), subscribed to by the returned probe. */
  public Manager manager(ConnectionManagerSettings managerSettings) {
    ActorRef<ConnectionManager.Command> ref = testKit.spawn(ConnectionManager.create(managerSettings));
    TestProbe<ConnectionEvent> events = testKit.createTestProbe();
    ref.tell(new ConnectionManager.Subscribe(events.getRef()));
    return new Manager(ref, events);
  }

  public final class Manager {
    public final ActorRef<ConnectionManager.Command> ref;
    public final TestProbe<ConnectionEvent> events;

    Manager(ActorRef<ConnectionManager.Command> ref, TestProbe<ConnectionEvent> events) {
      this.ref = ref;
      this.events = events;
    }

    /** Opens a connection to 127.0.0.1:port; returns the reader probe. */
    public TestProbe<ReaderEvent> open(String id, int port, String profile, ConnectionSettings s) {
      return open(id, "localhost", port, profile, s);
    }

    /** Opens a connection to host:port; returns the reader probe. */
    public TestProbe<ReaderEvent> open(String id, String host, int port, String profile, ConnectionSettings s) {
      TestProbe<ReaderEvent> reader = testKit.createTestProbe();
      TestProbe<ConnectionManager.OpenResult> reply = testKit.createTestProbe();
      ConnectionSpec spec = new ConnectionSpec(id, host, port, profile, Optional.of(reader.getRef()), Optional.of(s));
      ref.tell(new ConnectionManager.Open(spec, reply.getRef()));
      ConnectionManager.OpenResult r = reply.receiveMessage();
      if (!(r instanceof ConnectionManager.Opened)) throw new AssertionError("open rejected: " + r);
      return reader;
    }

    public SendResult send(String id, String text) {
      TestProbe<SendResult> reply = testKit.createTestProbe();
      ref.tell(new ConnectionManager.Send(id, ByteString.fromString(text, StandardCharsets.UTF_8), reply.getRef()));
      return reply.receiveMessage(MAX);
    }

    public ConnectionManager.CloseResult close(String id, Optional<dev.tether.connection.CloseMode> mode) {
      TestProbe<ConnectionManager.CloseResult> reply = testKit.createTestProbe();
      ref.tell(new ConnectionManager.Close(id, mode, reply.getRef()));
      return reply.receiveMessage(MAX);
    }

    public ConnectionView get(String id) {
      TestProbe<Optional<ConnectionView>> reply = testKit.createTestProbe();
      ref.tell(new ConnectionManager.Get(id, reply.getRef()));
      return reply.receiveMessage().orElseThrow(() -> new AssertionError("unknown connection " + id));
    }

    /** Skips events until the connection reaches the state; returns that event. */
    public ConnectionEvent.StateChanged awaitState(String id, ConnectionState state) {
      return (ConnectionEvent.StateChanged) events.fishForMessage(MAX, "state " + state + " of " + id, e ->
          e instanceof ConnectionEvent.StateChanged s && s.connectionId().value().equals(id) && s.state() == state
              ? FishingOutcomes.complete()
              : FishingOutcomes.continueAndIgnore()).get(0);
    }

    /** Skips events until the given incarnation of the connection reaches the state; returns that event. */
    public ConnectionEvent.StateChanged awaitState(String id, long incarnation, ConnectionState state) {
      return awaitState(id, n -> n == incarnation, state);
    }

    /** Skips events until an incarnation that {@code incarnation} accepts reaches the state; returns that event. */
    public ConnectionEvent.StateChanged awaitState(String id, LongPredicate incarnation, ConnectionState state) {
      return (ConnectionEvent.StateChanged) events.fishForMessage(MAX, id + " " + state, e ->
          e instanceof ConnectionEvent.StateChanged s && s.connectionId().value().equals(id)
              && incarnation.test(s.incarnation()) && s.state() == state
              ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
    }

    /** Polls the connection's view (bounded, awaitAssert) until it satisfies the condition; returns it. */
    public ConnectionView awaitView(String id, Predicate<ConnectionView> condition) {
      return events.awaitAssert(MAX, Duration.ofMillis(50), () -> {
        ConnectionView v = get(id);
        assertTrue(condition.test(v), "view of " + id + ": " + v);
        return v;
      });
    }

    /** Skips events until an outcome of the connection is reported; returns it. */
    public Outcome awaitOutcome(String id) {
      var e = (ConnectionEvent.OutcomeReported) events.fishForMessage(MAX, "outcome of " + id, ev ->
          ev instanceof ConnectionEvent.OutcomeReported o && o.connectionId().value().equals(id)
              ? FishingOutcomes.complete()
              : FishingOutcomes.continueAndIgnore()).get(0);
      return e.outcome();
    }
  }

  /** Reads the reader probe until the incarnation has received the text (acknowledging each chunk); fails if it ends first. */
  public static String receiveFrom(TestProbe<ReaderEvent> reader, long incarnation, String expected) {
    StringBuilder sb = new StringBuilder();
    reader.fishForMessage(MAX, "'" + expected.trim() + "' on incarnation " + incarnation, e -> {
      if (e.incarnation() != incarnation) return FishingOutcomes.continueAndIgnore();
      if (e instanceof ReaderEvent.Ended end) return FishingOutcomes.fail("ended before '" + expected + "': " + end + ", got: " + sb);
      if (e instanceof ReaderEvent.Received r) {
        sb.append(r.bytes().utf8String());
        r.ack();
      }
      return sb.toString().contains(expected) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore();
    });
    return sb.toString();
  }

  /** Reads received bytes from the reader until the text has arrived; returns everything read. */
  public static String receiveText(TestProbe<ReaderEvent> reader, String expected) {
    StringBuilder sb = new StringBuilder();
    long deadline = System.nanoTime() + MAX.toNanos();
    while (!sb.toString().contains(expected)) {
      Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
      ReaderEvent e = reader.receiveMessage(left);
      if (e instanceof ReaderEvent.Received r) {
        sb.append(r.bytes().utf8String());
        r.ack();
      }
      if (e instanceof ReaderEvent.Ended end) throw new AssertionError("ended before '" + expected + "': " + end + ", got: " + sb);
    }
    return sb.toString();
  }

  /**
   * Shuts the actor system down. Only for a test that cannot hand {@link #testKit} to {@code
   * TestKitJUnit5Extension}, e.g. one that makes its fixture in a {@code @BeforeAll} that may skip
   * the class (the extension's after-all fails when no test ran).
   */
  @Override
  public void close() {
    testKit.shutdownTestKit();
  }
}
