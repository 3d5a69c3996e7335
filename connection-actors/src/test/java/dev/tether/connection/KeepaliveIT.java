package dev.tether.connection;

import org.junit.jupiter.api.Tag;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.settings.KeepaliveSettings;
import static dev.tether.testing.TetherFixture.receiveFrom;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.OpenSslServer;
import dev.tether.testing.Processes;
import dev.tether.testing.TetherFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Application keepalive and kernel TCP keepalive against a real peer on loopback: {@code openssl
 * s_server -rev}, which answers each line with the line reversed, so the ping {@code "PING\n"}
 * comes back as {@code "GNIP\n"}. Needs no root. Bounds are generous (a loaded 2-core machine);
 * the exact bounds under real network faults are proven in {@code NetworkFaultIT}.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("peer")
class KeepaliveIT {
  private static final String PROTOCOL = "TLSv1.3";
  private static final String PING = "PING\n";
  private static final String REVERSED_PING = "GNIP\n";
  /** Slack on top of a timer's bound for a stalled, shared machine. */
  private static final Duration MARGIN = Duration.ofSeconds(3);

  final TetherFixture fx = new TetherFixture("KeepaliveIT");
  @JUnit5TestKit final ActorTestKit testKit = fx.testKit;

  @Test
  void pingAfterIntervalOfSilenceIsAnsweredAndAnyInboundBytesCountAsPong() {
    Duration interval = Duration.ofMillis(300);
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", PROTOCOL)) {
      var m = fx.manager();
      var reader = m.open("ka-any", peer.port(), "test", keepalive(interval, Duration.ofSeconds(5), 0, Optional.empty()));
      Instant openedAt = m.awaitState("ka-any", 1, ConnectionState.OPEN).at();

      // The first ping goes out only after `interval` without received bytes; the peer reverses it.
      receiveFrom(reader, 1, REVERSED_PING);
      Duration firstAnswer = Duration.between(openedAt, Instant.now());
      assertTrue(firstAnswer.compareTo(interval) >= 0, "the first ping was answered " + firstAnswer + " after open, before "
          + interval + " of silence had passed");
      peer.awaitOutput(OpenSslServer.applicationDataReceived(PROTOCOL), TetherFixture.MAX);

      // "GNIP\n" is not the ping, but with no pong configured any received bytes are one: each
      // answer is recorded as a round trip and the connection stays open ping after ping.
      ConnectionView v = m.awaitView("ka-any", view -> view.counters().pingRttPercentiles().map(p -> p.samples() >= 3).orElse(false));
      assertTrue(v.counters().lastPingRttMillis().isPresent(), v.toString());
      assertTrue(v.counters().lastPingRttMillis().get() >= 0 && v.counters().lastPingRttMillis().get() < 5_000, v.toString());
      ConnectionView.RttPercentiles p = v.counters().pingRttPercentiles().orElseThrow();
      assertTrue(p.p50() <= p.p90() && p.p90() <= p.p99(), p.toString());
      assertEquals(ConnectionState.OPEN, v.state());
      assertEquals(1, v.incarnation(), "the connection must not have been replaced: " + v);
      assertTrue(peer.count(OpenSslServer.applicationDataReceived(PROTOCOL)) >= 3, peer.output());
      assertEquals(OutcomeKind.CLEAN, closeGracefully(m, "ka-any").kind());
    }
  }

  @Test
  void configuredPongMustMatch() {
    Duration interval = Duration.ofMillis(300);
    Duration timeout = Duration.ofMillis(600);
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", PROTOCOL)) {
      var m = fx.manager();
      // The reversed ping matches the configured pong: answered, measured, kept open.
      var reader = m.open("ka-match", peer.port(), "test", keepalive(interval, timeout, 0, Optional.of("GNIP")));
      m.awaitState("ka-match", 1, ConnectionState.OPEN);
      receiveFrom(reader, 1, REVERSED_PING);
      ConnectionView v = m.awaitView("ka-match", view -> view.counters().pingRttPercentiles().map(p -> p.samples() >= 3).orElse(false));
      assertEquals(ConnectionState.OPEN, v.state(), v.toString());
      assertEquals(1, v.incarnation(), v.toString());
      assertEquals(OutcomeKind.CLEAN, closeGracefully(m, "ka-match").kind());
    }
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", PROTOCOL)) {
      var m = fx.manager();
      // Bytes arrive after every ping, but not the configured pong: they do not count.
      var reader = m.open("ka-mismatch", peer.port(), "test", keepalive(interval, timeout, 0, Optional.of("PONG")));
      m.awaitState("ka-mismatch", 1, ConnectionState.OPEN);
      receiveFrom(reader, 1, REVERSED_PING);
      Outcome o = m.awaitOutcome("ka-mismatch");
      assertEquals(OutcomeKind.KEEPALIVE_TIMEOUT, o.kind(), o.toString());
      assertEquals(Initiator.LOCAL, o.initiator());
      assertTrue(o.bytesIn() >= REVERSED_PING.length(), "the peer's answer arrived but was not a pong: " + o.bytesIn());
      assertTrue(m.get("ka-mismatch").counters().lastPingRttMillis().isEmpty(), "no pong, so no round trip");
      m.close("ka-mismatch", Optional.of(CloseMode.ABORT));
    }
  }

  @Test
  void keepaliveOffSendsNoPing() {
    Duration interval = Duration.ofMillis(200);
    ConnectionSettings s = keepalive(interval, Duration.ofMillis(200), 0, Optional.empty());
    s = s.withKeepalive(s.keepalive().withEnabled(false));
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", PROTOCOL)) {
      var m = fx.manager();
      var reader = m.open("ka-off", peer.port(), "test", s);
      m.awaitState("ka-off", 1, ConnectionState.OPEN);
      assertInstanceOf(ReaderEvent.Opened.class, reader.receiveMessage());
      // Eight intervals of silence: with keepalive on there would have been pings, answered by the
      // peer, and a keepalive-timeout long before (timeout 200 ms).
      reader.expectNoMessage(interval.multipliedBy(8));
      assertEquals(0, peer.count(OpenSslServer.applicationDataReceived(PROTOCOL)), "the peer received a record:\n" + peer.output());
      ConnectionView v = m.get("ka-off");
      assertEquals(ConnectionState.OPEN, v.state());
      assertEquals(0, v.counters().bytesOut(), v.toString());
      assertTrue(v.counters().lastPingRttMillis().isEmpty(), v.toString());
      // Control: the same observation does see a write.
      assertInstanceOf(SendResult.Accepted.class, m.send("ka-off", "abc\n"));
      receiveFrom(reader, 1, "cba\n");
      peer.awaitCount(OpenSslServer.applicationDataReceived(PROTOCOL), 1, TetherFixture.MAX);
      assertEquals(OutcomeKind.CLEAN, closeGracefully(m, "ka-off").kind());
    }
  }

  @Test
  void allowedMissesAreHonoured() {
    Duration interval = Duration.ofMillis(300);
    Duration timeout = Duration.ofMillis(400);
    int allowedMisses = 2;
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", PROTOCOL)) {
      var m = fx.manager();
      var reader = m.open("ka-misses", peer.port(), "test", keepalive(interval, timeout, allowedMisses, Optional.empty()));
      m.awaitState("ka-misses", 1, ConnectionState.OPEN);
      String answers = receiveFrom(reader, 1, REVERSED_PING);
      peer.pause(); // SIGSTOP: its kernel still takes our bytes, nothing answers
      Instant pausedAt = Instant.now();
      try {
        Outcome o = m.awaitOutcome("ka-misses");
        assertEquals(OutcomeKind.KEEPALIVE_TIMEOUT, o.kind(), o.toString());
        assertTrue(o.detail().contains("no answer to " + (allowedMisses + 1) + " keepalive ping(s)"), o.detail());
        // Every byte we wrote was a ping; every byte that came back was an answer.
        int pingsSent = (int) (o.bytesOut() / PING.length());
        int pingsAnswered = (int) (o.bytesIn() / REVERSED_PING.length());
        assertEquals(0, o.bytesOut() % PING.length(), o.toString());
        assertEquals(allowedMisses + 1, pingsSent - pingsAnswered,
            "unanswered pings: sent " + pingsSent + ", answered " + pingsAnswered + " (" + answers.length() + " bytes seen)");
        // The first unanswered ping may have left just before the pause; the others each waited a
        // full timeout, so the end came at least allowed-misses timeouts after the pause.
        Duration elapsed = Duration.between(pausedAt, o.at());
        assertTrue(elapsed.compareTo(timeout.multipliedBy(allowedMisses)) >= 0, "ended " + elapsed + " after the pause");
        assertTrue(elapsed.compareTo(interval.plus(timeout.multipliedBy(allowedMisses + 1)).plus(MARGIN)) < 0,
            "ended " + elapsed + " after the pause");
      } finally {
        peer.resume();
      }
      m.close("ka-misses", Optional.of(CloseMode.ABORT));
    }
  }

  @Test
  void pausedPeerEndsWithKeepaliveTimeoutThenReconnectsWithBackoff() {
    Duration interval = Duration.ofMillis(300);
    Duration timeout = Duration.ofMillis(500);
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", PROTOCOL)) {
      var m = fx.manager();
      var reader = m.open("ka-paused", peer.port(), "test", keepalive(interval, timeout, 0, Optional.empty()));
      m.awaitState("ka-paused", 1, ConnectionState.OPEN);
      receiveFrom(reader, 1, REVERSED_PING);
      Instant pausedAt = Instant.now();
      peer.pause();
      Outcome o;
      try {
        o = m.awaitOutcome("ka-paused");
        m.awaitState("ka-paused", 1, ConnectionState.BACKOFF);
      } finally {
        peer.resume(); // it then sees our reset, and accepts the next connection
      }
      assertEquals(OutcomeKind.KEEPALIVE_TIMEOUT, o.kind(), o.toString());
      assertEquals(1, o.incarnation());
      Duration elapsed = Duration.between(pausedAt, o.at());
      assertTrue(elapsed.compareTo(interval.plus(timeout).plus(MARGIN)) < 0, "keepalive-timeout came " + elapsed + " after the pause");
      var ended = reader.fishForMessage(TetherFixture.MAX, "end of incarnation 1", e ->
          e instanceof ReaderEvent.Ended end && end.incarnation() == 1 ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
      assertEquals(OutcomeKind.KEEPALIVE_TIMEOUT, ((ReaderEvent.Ended) ended.get(0)).outcome().kind());

      // The supervisor reconnects as usual: a fresh incarnation opens and its pings are answered.
      m.awaitState("ka-paused", 2, ConnectionState.OPEN);
      receiveFrom(reader, 2, REVERSED_PING);
      ConnectionView v = m.awaitView("ka-paused", view -> view.incarnation() == 2 && view.counters().lastPingRttMillis().isPresent());
      assertEquals(1, v.restarts().reconnects(), v.toString());
      assertEquals(OutcomeKind.KEEPALIVE_TIMEOUT, v.restarts().lastOutcome().orElseThrow().kind());
      assertEquals(OutcomeKind.CLEAN, closeGracefully(m, "ka-paused").kind());
    }
  }

  /** Kernel keepalive: what the kernel reports for our socket (ss -o), with the option on and off. */
  @Test
  void tcpKeepaliveOptionsAreSetOnTheSocket() {
    Duration idle = Duration.ofSeconds(37);
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", PROTOCOL)) {
      var m = fx.manager();
      ConnectionSettings s = fx.fastSettings();
      s = s.withKeepalive(s.keepalive().withEnabled(false)
          .withTcp(new KeepaliveSettings.TcpKeepalive(true, idle, Duration.ofSeconds(3), 4)));
      var reader = m.open("tcp-ka", peer.port(), "test", s);
      m.awaitState("tcp-ka", 1, ConnectionState.OPEN);
      m.send("tcp-ka", "x\n");
      receiveFrom(reader, 1, "x\n"); // the idle clock restarts here
      String socket = clientSocket(peer.port());
      Matcher t = Pattern.compile("timer:\\(keepalive,([0-9.]+)(ms|sec|min),0\\)").matcher(socket);
      assertTrue(t.find(), "no keepalive timer on our socket: SO_KEEPALIVE is not set\n" + socket);
      double seconds = Double.parseDouble(t.group(1)) * switch (t.group(2)) {
        case "ms" -> 0.001;
        case "min" -> 60;
        default -> 1;
      };
      // The kernel's default idle time is 7200 s; a timer below our 37 s shows TCP_KEEPIDLE was set.
      assertTrue(seconds > 0 && seconds <= idle.toSeconds(), "keepalive timer " + t.group() + ", idle " + idle + "\n" + socket);
      m.close("tcp-ka", Optional.of(CloseMode.ABORT));
    }
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", PROTOCOL)) {
      var m = fx.manager();
      ConnectionSettings s = fx.fastSettings(); // tcp keepalive is off by default
      assertFalse(s.keepalive().tcp().enabled());
      var reader = m.open("tcp-ka-off", peer.port(), "test", s.withKeepalive(s.keepalive().withEnabled(false)));
      m.awaitState("tcp-ka-off", 1, ConnectionState.OPEN);
      m.send("tcp-ka-off", "x\n");
      receiveFrom(reader, 1, "x\n");
      String socket = clientSocket(peer.port());
      assertFalse(socket.contains("keepalive"), "SO_KEEPALIVE set although tcp keepalive is off:\n" + socket);
      m.close("tcp-ka-off", Optional.of(CloseMode.ABORT));
    }
  }

  // ------------------------------------------------------------------ helpers

  private ConnectionSettings keepalive(Duration interval, Duration timeout, int allowedMisses, Optional<String> pong) {
    ConnectionSettings s = fx.fastSettings();
    return s.withKeepalive(s.keepalive()
        .withEnabled(true)
        .withInterval(interval)
        .withTimeout(timeout)
        .withPing(ByteString.fromString(PING, StandardCharsets.UTF_8))
        .withPong(pong.map(p -> ByteString.fromString(p, StandardCharsets.UTF_8)))
        .withAllowedMisses(allowedMisses));
  }

  /** Our (client) side of the one connection to the peer, as the kernel shows it: {@code ss -tnoi}. */
  private static String clientSocket(int peerPort) {
    String out = Processes.run(List.of("ss", "-Htnoi", "state", "established", "( dport = :" + peerPort + " )"));
    assertFalse(out.isBlank(), "no established connection to port " + peerPort);
    return out;
  }

  private static Outcome closeGracefully(TetherFixture.Manager m, String id) {
    return assertInstanceOf(ConnectionManager.Closed.class, m.close(id, Optional.of(CloseMode.GRACEFUL))).outcome();
  }
}
