package dev.tether.connection;

import org.junit.jupiter.api.Tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.OpenSslServer;
import dev.tether.testing.ParameterizedLogCapturing;
import dev.tether.testing.TetherFixture;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each close mode against a real {@code openssl s_server}, on TLS 1.2 and TLS 1.3, with the peer's
 * own output as evidence of what went over the wire.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class, ParameterizedLogCapturing.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("peer")
class CloseModesIT {
  private static final Duration PEER_MAX = Duration.ofSeconds(15);
  final TetherFixture fx = new TetherFixture("CloseModesIT");
  @JUnit5TestKit final ActorTestKit testKit = fx.testKit;

  private String profile(String protocol) {
    return protocol.equals("TLSv1.2") ? "test-tls12" : "test-tls13";
  }

  private Outcome openEchoAndClose(OpenSslServer peer, String id, CloseMode mode) {
    var m = fx.manager();
    var reader = m.open(id, peer.port(), profile(peer.protocol()), fx.fastSettings());
    var opened = m.awaitState(id, ConnectionState.OPEN);
    assertEquals(1, opened.incarnation());
    assertEquals(peer.protocol(), m.get(id).status().tls().orElseThrow().protocol());
    assertInstanceOf(SendResult.Accepted.class, m.send(id, "hello tether\n"));
    TetherFixture.receiveText(reader, "rehtet olleh");
    var result = m.close(id, Optional.of(mode));
    Outcome outcome = assertInstanceOf(ConnectionManager.Closed.class, result).outcome();
    assertEquals(Initiator.LOCAL, outcome.initiator());
    assertEquals(13, outcome.bytesOut());
    assertTrue(outcome.bytesIn() >= 13, "bytesIn " + outcome.bytesIn());
    // The reader sees the end after all the bytes, and the connection is no longer managed.
    var ended = reader.fishForMessage(TetherFixture.MAX, "Ended", e -> e instanceof ReaderEvent.Ended
        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
        : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    assertEquals(outcome, ((ReaderEvent.Ended) ended.get(ended.size() - 1)).outcome());
    return outcome;
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void gracefulExchangesCloseNotifyBothWays(String protocol) {
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", protocol)) {
      Outcome o = openEchoAndClose(peer, "graceful", CloseMode.GRACEFUL);
      assertEquals(OutcomeKind.CLEAN, o.kind(), o.toString());
      peer.awaitOutput(OpenSslServer.closeNotifyReceived(protocol), PEER_MAX);
      peer.awaitOutput(OpenSslServer.closeNotifySent(protocol), PEER_MAX);
      peer.awaitOutput("CONNECTION CLOSED", PEER_MAX);
      assertFalse(peer.output().contains("ERROR"), peer.output());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void sendOnlySendsCloseNotifyWithoutWaiting(String protocol) {
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", protocol)) {
      Outcome o = openEchoAndClose(peer, "send-only", CloseMode.SEND_ONLY);
      assertEquals(OutcomeKind.CLOSE_SENT, o.kind(), o.toString());
      peer.awaitOutput(OpenSslServer.closeNotifyReceived(protocol), PEER_MAX);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void abortResetsWithoutCloseNotify(String protocol) {
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", protocol)) {
      Outcome o = openEchoAndClose(peer, "abort", CloseMode.ABORT);
      assertEquals(OutcomeKind.ABORTED, o.kind(), o.toString());
      // s_server -rev prints nothing on a reset; its socket is simply gone.
      peer.awaitNoEstablishedConnection(PEER_MAX);
      assertFalse(peer.output().contains(OpenSslServer.closeNotifyReceived(protocol)), peer.output());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void peerInitiatedCloseIsAnsweredWithOurCloseNotify(String protocol) {
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", protocol)) {
      var m = fx.manager();
      var reader = m.open("peer-close", peer.port(), profile(protocol), fx.fastSettings());
      m.awaitState("peer-close", ConnectionState.OPEN);
      m.send("peer-close", "CLOSE\n"); // s_server -rev: close the session with close_notify
      Outcome o = m.awaitOutcome("peer-close");
      assertEquals(OutcomeKind.CLEAN, o.kind(), o.toString());
      assertEquals(Initiator.PEER, o.initiator());
      // The peer sent its close_notify, then received ours: the JDK does not answer on TLS 1.3.
      peer.awaitOutput(OpenSslServer.closeNotifySent(protocol), PEER_MAX);
      peer.awaitOutput(OpenSslServer.closeNotifyReceived(protocol), PEER_MAX);
      reader.fishForMessage(TetherFixture.MAX, "Ended", e -> e instanceof ReaderEvent.Ended
          ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
          : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
      // Not closed on request: the supervisor reconnects with a fresh incarnation.
      var next = m.awaitState("peer-close", ConnectionState.OPEN);
      assertEquals(2, next.incarnation());
      // Let the peer finish its side of the handshake first: s_server gives up without answering a
      // close_notify that arrives while it is still in SSL_accept.
      peer.awaitCount("CONNECTION ESTABLISHED", 2, PEER_MAX);
      // And let our TLS stage read what the peer sent after its handshake (TLS 1.3 session tickets)
      // before we close, as the other close tests do with their echo: a close_notify answer that
      // arrives behind a ticket still in flight was seen (rarely) to be dropped by the TLS stage,
      // and the close then reported as truncated. See README, Known limits.
      assertInstanceOf(SendResult.Accepted.class, m.send("peer-close", "settled\n"));
      TetherFixture.receiveText(reader, "delttes");
      Outcome second = assertInstanceOf(ConnectionManager.Closed.class,
          m.close("peer-close", Optional.of(CloseMode.GRACEFUL))).outcome();
      assertEquals(OutcomeKind.CLEAN, second.kind(), second + "\n" + peer.output());
    }
  }
}
