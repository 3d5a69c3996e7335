package dev.tether.connection.internal.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.Initiator;
import dev.tether.connection.Outcome;
import dev.tether.connection.OutcomeKind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The supervisor's backoff under Pekko's {@link ManualTime}: a connection to a loopback port where
 * nothing listens fails at once (a refused connect needs no timer), and the next incarnation starts
 * exactly when the backoff delay has passed on the manual clock, never before. Needs no TLS peer
 * and no external tool.
 */
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionSupervisorBackoffTest {
  /** How long (real time) we watch for a message that must not come while the manual clock stands still. */
  private static final Duration QUIET = Duration.ofMillis(300);
  private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);

  private final Config config = ManualTime.config().withFallback(ConfigFactory.parseString("""
      pekko.loglevel = DEBUG
      pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
      pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
      pekko.actor.testkit.typed.single-expect-default = 10s
      tether.connection-defaults.reconnect {
        min-backoff = 1s
        max-backoff = 10s
        random-factor = 0
      }
      """)).withFallback(ConfigFactory.load());

  private ActorTestKit testKit;
  private ManualTime manualTime;
  private ConnectionManagerSettings settings;
  private int managers;

  @BeforeAll
  void startTestKit() {
    testKit = ActorTestKit.create("ConnectionSupervisorBackoffTest", config);
    manualTime = ManualTime.get(testKit.system());
    settings = ConnectionManagerSettings.create(config);
  }

  @AfterAll
  void shutdownTestKit() {
    testKit.shutdownTestKit();
  }

  /** A loopback port that was free a moment ago: nothing listens there, so a connect is refused. */
  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** A fresh manager, with a probe subscribed to its events. */
  private final class Fixture {
    final ActorRef<ConnectionManager.Command> manager =
        testKit.spawn(ConnectionManager.create(settings), "manager-" + (++managers));
    final TestProbe<ConnectionEvent> events = testKit.createTestProbe(ConnectionEvent.class);

    Fixture() {
      manager.tell(new ConnectionManager.Subscribe(events.ref()));
    }

    void open(ConnectionSpec spec) {
      TestProbe<ConnectionManager.OpenResult> reply = testKit.createTestProbe(ConnectionManager.OpenResult.class);
      manager.tell(new ConnectionManager.Open(spec, reply.ref()));
      assertInstanceOf(ConnectionManager.Opened.class, reply.receiveMessage());
    }

    /**
     * The connection's view. The supervisor answers only after it has finished the message it is
     * handling, so once this returns, a backoff timer started with the last event is scheduled.
     */
    ConnectionView view(String id) {
      TestProbe<Optional<ConnectionView>> reply = testKit.createTestProbe();
      manager.tell(new ConnectionManager.Get(id, reply.ref()));
      return reply.receiveMessage().orElseThrow(() -> new AssertionError("no connection " + id));
    }

    void expectState(String id, long incarnation, ConnectionState state) {
      ConnectionEvent e = events.receiveMessage();
      ConnectionEvent.StateChanged s = assertInstanceOf(ConnectionEvent.StateChanged.class, e, "expected " + state + ": " + e);
      assertEquals(ConnectionId.of(id), s.connectionId());
      assertEquals(state, s.state(), "state of " + e);
      assertEquals(incarnation, s.incarnation(), "incarnation of " + e);
    }

    Outcome expectOutcome(String id, long incarnation, OutcomeKind kind) {
      ConnectionEvent e = events.receiveMessage();
      ConnectionEvent.OutcomeReported o = assertInstanceOf(ConnectionEvent.OutcomeReported.class, e, "expected " + kind + ": " + e);
      assertEquals(ConnectionId.of(id), o.connectionId());
      assertEquals(kind, o.outcome().kind(), "kind of " + o.outcome());
      assertEquals(incarnation, o.outcome().incarnation(), "incarnation of " + o.outcome());
      return o.outcome();
    }

    /** Incarnation {@code n} was refused and the connection is backing off by {@code delay}. */
    void expectRefusedThenBackoff(String id, long n, Duration delay) {
      expectState(id, n, ConnectionState.CONNECTING);
      Outcome o = expectOutcome(id, n, OutcomeKind.CONNECT_FAILED);
      assertEquals(Initiator.PEER, o.initiator());
      assertTrue(o.detail().contains("refused"), o.detail());
      expectState(id, n, ConnectionState.BACKOFF);
      ConnectionView v = view(id);
      assertEquals(ConnectionState.BACKOFF, v.state());
      assertEquals(delay, Duration.between(v.status().since(), v.status().nextAttemptAt().orElseThrow()),
          "random-factor 0: the delay is exact");
    }

    void close(String id) {
      TestProbe<ConnectionManager.CloseResult> reply = testKit.createTestProbe(ConnectionManager.CloseResult.class);
      manager.tell(new ConnectionManager.Close(id, Optional.empty(), reply.ref()));
      assertInstanceOf(ConnectionManager.Closed.class, reply.receiveMessage());
    }

    void stop() {
      testKit.stop(manager);
    }
  }

  @Test
  void aRefusedConnectBacksOffAndTheNextIncarnationStartsExactlyWhenTheDelayHasPassed() throws IOException {
    Fixture f = new Fixture();
    f.open(ConnectionSpec.of("refused", "127.0.0.1", closedPort()));

    f.expectRefusedThenBackoff("refused", 1, MIN_BACKOFF);
    f.events.expectNoMessage(QUIET); // real time passes, the manual clock does not: nothing starts
    manualTime.timePasses(MIN_BACKOFF.minusMillis(1));
    f.events.expectNoMessage(QUIET); // 1 ms short of the delay
    manualTime.timePasses(Duration.ofMillis(1));

    // the second incarnation fails the same way, and waits twice as long
    f.expectRefusedThenBackoff("refused", 2, MIN_BACKOFF.multipliedBy(2));
    manualTime.expectNoMessageFor(MIN_BACKOFF.multipliedBy(2).minusMillis(1), f.events);
    f.events.expectNoMessage(QUIET);
    manualTime.timePasses(Duration.ofMillis(1));
    f.expectState("refused", 3, ConnectionState.CONNECTING);
    assertEquals(2, f.view("refused").restarts().reconnects());

    f.close("refused");
    f.stop();
  }

  @Test
  void closeWhileBackingOffCancelsTheNextIncarnation() throws IOException {
    Fixture f = new Fixture();
    f.open(ConnectionSpec.of("closed-in-backoff", "127.0.0.1", closedPort()));
    f.expectRefusedThenBackoff("closed-in-backoff", 1, MIN_BACKOFF);

    f.close("closed-in-backoff");
    assertInstanceOf(ConnectionEvent.Removed.class, f.events.receiveMessage());
    manualTime.timePasses(MIN_BACKOFF.multipliedBy(10));
    f.events.expectNoMessage(QUIET);
    f.stop();
  }

  @Test
  void reconnectWhileBackingOffStartsAtOnceAndTheOldTimerStartsNothing() throws IOException {
    Fixture f = new Fixture();
    f.open(ConnectionSpec.of("reconnected", "127.0.0.1", closedPort()));
    f.expectRefusedThenBackoff("reconnected", 1, MIN_BACKOFF);

    TestProbe<Optional<ConnectionView>> reply = testKit.createTestProbe();
    f.manager.tell(new ConnectionManager.Reconnect("reconnected", reply.ref()));
    assertEquals(2, reply.receiveMessage().orElseThrow().incarnation());
    f.expectRefusedThenBackoff("reconnected", 2, MIN_BACKOFF); // the reconnect reset the backoff

    manualTime.timePasses(MIN_BACKOFF.minusMillis(1));
    f.events.expectNoMessage(QUIET);
    manualTime.timePasses(Duration.ofMillis(1));
    f.expectState("reconnected", 3, ConnectionState.CONNECTING);

    f.close("reconnected");
    f.stop();
  }

  @Test
  void tooManyFailuresWithinTheWindowLeaveTheConnectionFailedUntilAReconnect() throws IOException {
    Fixture f = new Fixture();
    ConnectionSettings s = settings.defaults()
        .withReconnect(settings.defaults().reconnect().withMaxFailures(1, Duration.ofMinutes(10)));
    f.open(ConnectionSpec.of("gives-up", "127.0.0.1", closedPort()).withSettings(s));

    f.expectRefusedThenBackoff("gives-up", 1, MIN_BACKOFF); // one failure: allowed
    manualTime.timePasses(MIN_BACKOFF);
    f.expectState("gives-up", 2, ConnectionState.CONNECTING);
    f.expectOutcome("gives-up", 2, OutcomeKind.CONNECT_FAILED);
    f.expectState("gives-up", 2, ConnectionState.FAILED); // two within the window: more than max-failures

    assertEquals(Optional.empty(), f.view("gives-up").status().nextAttemptAt());
    manualTime.timePasses(Duration.ofMinutes(5));
    f.events.expectNoMessage(QUIET); // failed stays failed, whatever the clock says

    TestProbe<Optional<ConnectionView>> reply = testKit.createTestProbe();
    f.manager.tell(new ConnectionManager.Reconnect("gives-up", reply.ref()));
    reply.receiveMessage();
    f.expectRefusedThenBackoff("gives-up", 3, MIN_BACKOFF); // failures forgotten, backoff from the minimum

    f.close("gives-up");
    f.stop();
  }
}
