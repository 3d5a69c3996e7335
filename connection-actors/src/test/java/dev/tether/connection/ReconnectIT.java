package dev.tether.connection;

import org.junit.jupiter.api.Tag;
import dev.tether.connection.settings.ConnectionSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.OpenSslServer;
import dev.tether.testing.TetherFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Supervised reconnect: backoff growth and reset, the intensity limit, one incarnation at a time. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("peer")
class ReconnectIT {
  /** Timers never fire early; on a loaded machine they may fire late, by up to this much. */
  private static final Duration LATE = Duration.ofMillis(1500);
  final TetherFixture fx = new TetherFixture("ReconnectIT");
  @JUnit5TestKit final ActorTestKit testKit = fx.testKit;

  /**
   * Reads the events of one connection until {@code outcomes} outcomes; checks that no incarnation
   * started before the previous one had ended, and returns the delays from each outcome to the
   * next incarnation's start.
   */
  private List<Duration> reconnectDelays(TestProbe<ConnectionEvent> events, String id, int outcomes) {
    List<Duration> delays = new ArrayList<>();
    Map<Long, Instant> endedAt = new HashMap<>();
    long current = 0;
    int seen = 0;
    while (seen < outcomes || delays.size() < outcomes) {
      ConnectionEvent e = events.receiveMessage(TetherFixture.MAX);
      if (!e.connectionId().value().equals(id)) continue;
      if (e instanceof ConnectionEvent.OutcomeReported o) {
        assertEquals(current, o.outcome().incarnation(), "outcome of an incarnation that is not the current one");
        endedAt.put(current, o.outcome().at());
        seen++;
      } else if (e instanceof ConnectionEvent.StateChanged s && s.state() == ConnectionState.CONNECTING) {
        assertEquals(current + 1, s.incarnation(), "incarnations must be numbered in order");
        if (current > 0) {
          Instant previousEnd = endedAt.get(current);
          assertTrue(previousEnd != null, "incarnation " + s.incarnation() + " started before " + current + " ended");
          delays.add(Duration.between(previousEnd, s.at()));
        }
        current = s.incarnation();
      }
    }
    return delays;
  }

  @Test
  void backoffGrowsExponentiallyUpToTheMaximumAndNeverOverlapsIncarnations() {
    var m = fx.managerWithoutPeer();
    ConnectionSettings s = fx.fastSettings().withReconnect(fx.fastSettings().reconnect()
        .withMinBackoff(Duration.ofMillis(100)).withMaxBackoff(Duration.ofMillis(800)).withRandomFactor(0.0));
    m.open("growth", OpenSslServer.freePort(), "test", s);
    List<Duration> delays = reconnectDelays(m.events, "growth", 6);
    long[] expected = {100, 200, 400, 800, 800, 800};
    for (int i = 0; i < expected.length; i++) {
      Duration d = delays.get(i);
      assertTrue(d.toMillis() >= expected[i], "delay " + i + " was " + d + ", expected >= " + expected[i] + "ms: " + delays);
      assertTrue(d.compareTo(Duration.ofMillis(expected[i]).plus(LATE)) < 0, "delay " + i + " was " + d + ": " + delays);
    }
    assertTrue(m.get("growth").restarts().reconnects() >= 6);
    m.close("growth", Optional.empty());
  }

  @Test
  void jitterSpreadsDelaysWithinTheConfiguredFactor() {
    var m = fx.managerWithoutPeer();
    ConnectionSettings s = fx.fastSettings().withReconnect(fx.fastSettings().reconnect()
        .withMinBackoff(Duration.ofMillis(200)).withMaxBackoff(Duration.ofMillis(200)).withRandomFactor(1.0));
    m.open("jitter", OpenSslServer.freePort(), "test", s);
    List<Duration> delays = reconnectDelays(m.events, "jitter", 6);
    for (Duration d : delays) {
      assertTrue(d.toMillis() >= 200 && d.compareTo(Duration.ofMillis(400).plus(LATE)) < 0, "delays " + delays);
    }
    assertTrue(delays.stream().distinct().count() > 1, "no jitter: " + delays);
    m.close("jitter", Optional.empty());
  }

  @Test
  void backoffResetsAfterAStablePeriod() {
    OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", "TLSv1.3");
    try {
      peer.stop(); // its port is now refused
      var m = fx.manager();
      ConnectionSettings s = fx.fastSettings().withReconnect(fx.fastSettings().reconnect()
          .withMinBackoff(Duration.ofMillis(200)).withMaxBackoff(Duration.ofSeconds(10)).withRandomFactor(0.0)
          .withResetAfter(Duration.ofMillis(500)));
      m.open("stable", peer.port(), "test", s);
      List<Duration> grown = reconnectDelays(m.events, "stable", 4); // 200, 400, 800, 1600
      assertTrue(grown.get(3).toMillis() >= 1600, "delays " + grown);
      // The next attempt would wait 3200 ms; the peer comes back before it.
      peer.restart();
      var open = m.awaitState("stable", ConnectionState.OPEN);
      // Stay open past reset-after: nothing else happens meanwhile.
      m.events.expectNoMessage(Duration.ofMillis(800));
      peer.kill9();
      Outcome o = m.awaitOutcome("stable");
      assertEquals(OutcomeKind.TRUNCATED, o.kind(), o.toString());
      var next = m.awaitState("stable", ConnectionState.CONNECTING);
      assertEquals(open.incarnation() + 1, next.incarnation());
      Duration delay = Duration.between(o.at(), next.at());
      assertTrue(delay.toMillis() >= 200 && delay.compareTo(Duration.ofMillis(3200)) < 0,
          "after a stable period the backoff starts again from min-backoff, but waited " + delay);
      m.close("stable", Optional.empty());
    } finally {
      peer.stop();
    }
  }

  @Test
  void tooManyFailuresWithinTheWindowMakeTheConnectionFailedUntilReconnected() {
    var m = fx.managerWithoutPeer();
    ConnectionSettings s = fx.fastSettings().withReconnect(fx.fastSettings().reconnect()
        .withMinBackoff(Duration.ofMillis(50)).withMaxBackoff(Duration.ofMillis(100)).withRandomFactor(0.0)
        .withMaxFailures(3, Duration.ofMinutes(1)));
    m.open("intense", OpenSslServer.freePort(), "test", s);
    var failed = m.awaitState("intense", ConnectionState.FAILED);
    assertEquals(4, failed.incarnation(), "the 4th failure within the window exceeds max-failures = 3");
    ConnectionView v = m.get("intense");
    assertEquals(ConnectionState.FAILED, v.state());
    assertTrue(v.status().nextAttemptAt().isEmpty());
    assertEquals(OutcomeKind.CONNECT_FAILED, v.restarts().lastOutcome().orElseThrow().kind());
    // It stays failed: no new incarnation on its own.
    m.events.expectNoMessage(Duration.ofMillis(500));
    TestProbe<Optional<ConnectionView>> reply = fx.testKit.createTestProbe();
    m.ref.tell(new ConnectionManager.Reconnect("intense", reply.getRef()));
    assertTrue(reply.receiveMessage().isPresent());
    var again = m.awaitState("intense", ConnectionState.CONNECTING);
    assertEquals(5, again.incarnation());
    var closed = assertInstanceOf(ConnectionManager.Closed.class, m.close("intense", Optional.empty()));
    assertEquals("intense", closed.id().value());
  }

  @Test
  void atMostMaxConcurrentHandshakesConnectAtOnceAndTheRestWaitTheirTurn() {
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", "TLSv1.3")) {
      peer.pause(); // handshakes hang until their timeout
      var m = fx.manager(fx.settings().withMaxConcurrentHandshakes(1));
      ConnectionSettings s = fx.fastSettings().withHandshakeTimeout(Duration.ofSeconds(1));
      m.open("first", peer.port(), "test", s);
      m.awaitState("first", ConnectionState.HANDSHAKING);
      m.open("second", peer.port(), "test", s);
      // "second" waits in connecting without a TCP connection until "first" gives up its slot.
      assertEquals(ConnectionState.CONNECTING, m.get("second").state());
      assertEquals(1, peer.establishedConnections(), "only one connection may be handshaking");
      Outcome first = m.awaitOutcome("first");
      assertEquals(OutcomeKind.HANDSHAKE_TIMEOUT, first.kind(), first.toString());
      var second = m.awaitState("second", ConnectionState.HANDSHAKING);
      assertEquals(1, second.incarnation());
      m.close("first", Optional.of(CloseMode.ABORT));
      m.close("second", Optional.of(CloseMode.ABORT));
      peer.resume();
    }
  }

  @Test
  void connectionClosedOnRequestIsNotReconnected() {
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", "TLSv1.3")) {
      var m = fx.manager();
      m.open("once", peer.port(), "test", fx.fastSettings());
      m.awaitState("once", ConnectionState.OPEN);
      m.close("once", Optional.of(CloseMode.GRACEFUL));
      m.events.fishForMessage(TetherFixture.MAX, "removed", e -> e instanceof ConnectionEvent.Removed
          ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
          : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
      m.events.expectNoMessage(Duration.ofMillis(500));
      TestProbe<Optional<ConnectionView>> reply = fx.testKit.createTestProbe();
      m.ref.tell(new ConnectionManager.Get("once", reply.getRef()));
      assertFalse(reply.receiveMessage().isPresent());
    }
  }

  @Test
  void reconnectOnRequestClosesGracefullyThenStartsAFreshIncarnation() {
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", "TLSv1.3")) {
      var m = fx.manager();
      m.open("again", peer.port(), "test", fx.fastSettings());
      m.awaitState("again", ConnectionState.OPEN);
      peer.awaitOutput("CONNECTION ESTABLISHED", Duration.ofSeconds(15));
      TestProbe<Optional<ConnectionView>> reply = fx.testKit.createTestProbe();
      m.ref.tell(new ConnectionManager.Reconnect("again", reply.getRef()));
      assertTrue(reply.receiveMessage().isPresent());
      Outcome o = m.awaitOutcome("again");
      assertEquals(OutcomeKind.CLEAN, o.kind(), o.toString());
      var next = m.awaitState("again", ConnectionState.OPEN);
      assertEquals(2, next.incarnation());
      peer.awaitOutput(OpenSslServer.closeNotifyReceived("TLSv1.3"), Duration.ofSeconds(15));
      m.close("again", Optional.of(CloseMode.ABORT));
    }
  }
}
