package dev.tether.connection;

import org.junit.jupiter.api.Tag;
import dev.tether.connection.settings.ConnectionSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.OpenSslServer;
import dev.tether.testing.ParameterizedLogCapturing;
import dev.tether.testing.PatternStream;
import dev.tether.testing.PeerProcess;
import dev.tether.testing.Processes;
import dev.tether.testing.TetherFixture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How incarnations end when the peer or the network misbehaves, against real peers and sockets. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class, ParameterizedLogCapturing.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("peer")
class FailureModesIT {
  private static final Duration PEER_MAX = Duration.ofSeconds(15);
  /** Generous margin on top of a timer's bound: a shared 2-core machine may stall for a while. */
  private static final Duration MARGIN = Duration.ofSeconds(3);
  final TetherFixture fx = new TetherFixture("FailureModesIT");
  @JUnit5TestKit final ActorTestKit testKit = fx.testKit;

  @Test
  void peerKilledMidConnectionIsTruncatedThenReconnects() {
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", "TLSv1.3")) {
      var m = fx.manager();
      var reader = m.open("killed", peer.port(), "test", fx.fastSettings());
      m.awaitState("killed", ConnectionState.OPEN);
      m.send("killed", "abc\n");
      TetherFixture.receiveText(reader, "cba");
      peer.kill9();
      Outcome o = m.awaitOutcome("killed");
      assertEquals(OutcomeKind.TRUNCATED, o.kind(), o.toString());
      assertEquals(Initiator.PEER, o.initiator());
      m.awaitState("killed", ConnectionState.BACKOFF);
      peer.restart();
      var reopened = m.awaitState("killed", ConnectionState.OPEN);
      assertTrue(reopened.incarnation() >= 2, "incarnation " + reopened.incarnation());
      assertTrue(m.get("killed").restarts().reconnects() >= 1);
      m.close("killed", Optional.of(CloseMode.ABORT));
    }
  }

  @Test
  void pausedPeerNeverAnswersCloseNotifyAndCloseTimesOut() {
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", "TLSv1.3")) {
      var m = fx.manager();
      var reader = m.open("paused", peer.port(), "test", fx.fastSettings());
      m.awaitState("paused", ConnectionState.OPEN);
      m.send("paused", "xyz\n");
      TetherFixture.receiveText(reader, "zyx");
      peer.pause();
      long start = System.nanoTime();
      var result = m.close("paused", Optional.of(CloseMode.GRACEFUL));
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      Outcome o = assertInstanceOf(ConnectionManager.Closed.class, result).outcome();
      assertEquals(OutcomeKind.CLOSE_TIMEOUT, o.kind(), o.toString());
      Duration bound = fx.fastSettings().closeTimeout();
      assertTrue(elapsed.compareTo(bound) >= 0, "ended before close-timeout: " + elapsed);
      assertTrue(elapsed.compareTo(bound.plus(MARGIN)) < 0, "close took " + elapsed);
      peer.resume();
    }
  }

  @Test
  void peerThatNeverHandshakesTimesOut() {
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", "TLSv1.3")) {
      peer.pause(); // the kernel still completes TCP through the listen backlog
      var m = fx.manager();
      m.open("no-handshake", peer.port(), "test", fx.fastSettings());
      var handshaking = m.awaitState("no-handshake", ConnectionState.HANDSHAKING);
      Outcome o = m.awaitOutcome("no-handshake");
      assertEquals(OutcomeKind.HANDSHAKE_TIMEOUT, o.kind(), o.toString());
      Duration elapsed = Duration.between(handshaking.at(), o.at());
      Duration bound = fx.fastSettings().handshakeTimeout();
      assertTrue(elapsed.compareTo(bound) >= 0 && elapsed.compareTo(bound.plus(MARGIN)) < 0, "took " + elapsed);
      m.close("no-handshake", Optional.empty());
      peer.resume();
    }
  }

  @Test
  void closeDuringTheHandshakeIsHonouredAtOnce() {
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", "TLSv1.3")) {
      peer.pause();
      var m = fx.manager();
      ConnectionSettings s = fx.fastSettings().withHandshakeTimeout(Duration.ofSeconds(30));
      m.open("early-close", peer.port(), "test", s);
      m.awaitState("early-close", ConnectionState.HANDSHAKING);
      long start = System.nanoTime();
      Outcome o = assertInstanceOf(ConnectionManager.Closed.class, m.close("early-close", Optional.of(CloseMode.GRACEFUL))).outcome();
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      assertEquals(OutcomeKind.ABORTED, o.kind(), o.toString());
      assertTrue(o.detail().contains("handshaking"), o.detail());
      assertTrue(elapsed.compareTo(MARGIN) < 0, "not at once: " + elapsed);
      peer.resume();
    }
  }

  @Test
  void refusedConnectIsConnectFailed() {
    var m = fx.managerWithoutPeer();
    m.open("refused", OpenSslServer.freePort(), "test", fx.fastSettings());
    Outcome o = m.awaitOutcome("refused");
    assertEquals(OutcomeKind.CONNECT_FAILED, o.kind(), o.toString());
    assertTrue(o.detail().startsWith("the peer refused the connection"), o.detail());
    m.close("refused", Optional.empty());
  }

  @Test
  void unresolvableHostIsConnectFailedAndSaysSo() {
    var m = fx.managerWithoutPeer();
    TestProbe<ConnectionManager.OpenResult> reply = fx.testKit.createTestProbe();
    // .invalid never resolves (RFC 6761).
    m.ref.tell(new ConnectionManager.Open(ConnectionSpec.of("dns", "no-such-host.invalid", 443)
        .withTlsProfile("test").withSettings(fx.fastSettings().withConnectTimeout(Duration.ofSeconds(15))), reply.getRef()));
    reply.expectMessageClass(ConnectionManager.Opened.class);
    Outcome o = m.awaitOutcome("dns");
    assertEquals(OutcomeKind.CONNECT_FAILED, o.kind(), o.toString());
    assertTrue(o.detail().startsWith("the host name could not be resolved"), o.detail());
    m.close("dns", Optional.empty());
  }

  @Test
  void connectTimeoutWhenSynsAreDropped() throws IOException {
    // A listener whose accept queue is full: Linux drops further SYNs silently.
    try (ServerSocket full = new ServerSocket()) {
      full.bind(new InetSocketAddress("127.0.0.1", 0), 1);
      List<Socket> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          Socket s = new Socket();
          try {
            s.connect(full.getLocalSocketAddress(), 300);
            fillers.add(s);
          } catch (IOException e) {
            s.close(); // the queue is full already
          }
        }
        var m = fx.managerWithoutPeer();
        ConnectionSettings s = fx.fastSettings().withConnectTimeout(Duration.ofSeconds(1));
        m.open("syn-dropped", full.getLocalPort(), "test", s);
        var connecting = m.awaitState("syn-dropped", ConnectionState.CONNECTING);
        Outcome o = m.awaitOutcome("syn-dropped");
        assertEquals(OutcomeKind.CONNECT_TIMEOUT, o.kind(), o.toString());
        Duration elapsed = Duration.between(connecting.at(), o.at());
        assertTrue(elapsed.compareTo(Duration.ofSeconds(1)) >= 0 && elapsed.compareTo(Duration.ofSeconds(1).plus(MARGIN)) < 0,
            "took " + elapsed);
        m.close("syn-dropped", Optional.empty());
      } finally {
        for (Socket f : fillers) f.close();
      }
    }
  }

  @Test
  void untrustedCertificateIsRejectedBeforeAnyApplicationByte() {
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", "TLSv1.3")) {
      var m = fx.manager();
      var reader = m.open("untrusted", peer.port(), "trusts-other", fx.fastSettings());
      Outcome o = m.awaitOutcome("untrusted");
      assertEquals(OutcomeKind.HANDSHAKE_FAILED, o.kind(), o.toString());
      assertTrue(o.detail().contains("not trusted"), o.detail());
      assertEquals(0, o.bytesOut());
      peer.awaitOutput("certificate unknown", PEER_MAX);
      assertFalse(peer.output().contains("CONNECTION ESTABLISHED"), peer.output());
      assertFalse(reader.receiveSeveralMessages(1).get(0) instanceof ReaderEvent.Opened);
      m.close("untrusted", Optional.empty());
    }
  }

  @Test
  void hostnameMismatchIsRejectedBeforeAnyApplicationByte() {
    // The peer presents a trusted certificate for wrong.example; we connect to localhost.
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "other", "TLSv1.2")) {
      var m = fx.manager();
      m.open("mismatch", peer.port(), "trusts-other", fx.fastSettings());
      Outcome o = m.awaitOutcome("mismatch");
      assertEquals(OutcomeKind.HANDSHAKE_FAILED, o.kind(), o.toString());
      assertTrue(o.detail().contains("does not match the host name"), o.detail());
      peer.awaitOutput("certificate unknown", PEER_MAX);
      assertFalse(peer.output().contains("CONNECTION ESTABLISHED"), peer.output());
      m.close("mismatch", Optional.empty());
    }
  }

  @Test
  void plaintextPeerIsExplained() throws IOException {
    try (ServerSocket plain = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      // Accept and answer like a plaintext HTTP server would, with no TLS at all.
      Thread t = new Thread(() -> {
        try (Socket s = plain.accept()) {
          s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n".getBytes());
          s.getOutputStream().flush();
          s.getInputStream().read(new byte[1024]);
        } catch (IOException ignored) {
          // closed
        }
      }, "plaintext-peer");
      t.setDaemon(true);
      t.start();
      var m = fx.managerWithoutPeer();
      m.open("plaintext", plain.getLocalPort(), "test", fx.fastSettings());
      Outcome o = m.awaitOutcome("plaintext");
      assertEquals(OutcomeKind.HANDSHAKE_FAILED, o.kind(), o.toString());
      assertTrue(o.detail().contains("not speaking TLS") && o.detail().contains("HTTP/1.1 400 Bad Request"), o.detail());
      m.close("plaintext", Optional.empty());
    }
  }

  @Test
  void responseThenResetDeliversTheResponseBeforeTheOutcome() {
    Assumptions.assumeTrue(Processes.isRoot() || "true".equals(System.getenv("CI")),
        "skipped: resetting a peer's socket with 'ss -K' needs root");
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", "TLSv1.3")) {
      var m = fx.manager();
      var reader = m.open("rst", peer.port(), "test", fx.fastSettings());
      m.awaitState("rst", ConnectionState.OPEN);
      peer.awaitOutput("CONNECTION ESTABLISHED", PEER_MAX);
      // s_server -msg shows each record it writes; on TLS 1.3 application data is an "InnerContent" record.
      String written = ">>> TLS 1.2, InnerContent";
      int before = peer.count(written);
      long ackedBefore = peer.bytesAcked();
      m.send("rst", "401 unauthorized\n");
      // s_server prints a record before it writes it: wait until our kernel has acknowledged the
      // answer (17 bytes + 22 of TLS 1.3 record overhead), then reset the peer's socket at once.
      peer.awaitCount(written, before + 1, PEER_MAX);
      peer.awaitBytesAcked(ackedBefore + 17 + 22, PEER_MAX);
      peer.resetConnections();
      StringBuilder received = new StringBuilder();
      ReaderEvent.Ended ended = null;
      while (ended == null) {
        ReaderEvent e = reader.receiveMessage(TetherFixture.MAX);
        if (e instanceof ReaderEvent.Received r) {
          received.append(r.bytes().utf8String());
          r.ack();
        }
        if (e instanceof ReaderEvent.Ended end) ended = end;
      }
      assertTrue(received.toString().contains("dezirohtuanu 104"), "response lost: '" + received + "'");
      assertEquals(OutcomeKind.RESET, ended.outcome().kind(), ended.outcome().toString());
      m.close("rst", Optional.of(CloseMode.ABORT));
    }
  }

  /**
   * The peer answers with more than the reader has taken, then resets (or closes TCP without
   * close_notify). Every byte that reached our kernel before is delivered, in order, once the
   * reader takes it; only then comes the outcome. The reader takes nothing until the peer has
   * ended, so the bytes wait in the pipeline and in the kernel while the end arrives.
   */
  @ParameterizedTest
  @CsvSource({"answer-then-reset, RESET_SENT, RESET", "answer-then-fin, FIN_SENT, TRUNCATED"})
  void anEndLosesNothingTheReaderHasNotTakenYet(String mode, String peerEnded, OutcomeKind expected) throws Exception {
    int answer = 400_000;
    int port = OpenSslServer.freePort();
    Path script = Path.of(Objects.requireNonNull(getClass().getResource("/peers/tls_peer.py")).toURI());
    try (PeerProcess peer = PeerProcess.start("python3", script.toString(), mode, String.valueOf(port),
        fx.certs().cert("localhost").toString(), fx.certs().key("localhost").toString(), "TLSv1.3",
        String.valueOf(answer))) {
      peer.awaitOutput("READY", PEER_MAX);
      var m = fx.manager();
      var reader = m.open("unread", port, "test-tls13", fx.fastSettings().withReceiveWindow(4096));
      m.awaitState("unread", ConnectionState.OPEN);
      m.send("unread", "go\n");
      peer.awaitOutput("ACKED " + answer, PEER_MAX); // all of it is in our kernel or beyond
      peer.awaitOutput(peerEnded, PEER_MAX);
      PatternStream stream = new PatternStream();
      ReaderEvent.Ended ended = null;
      while (ended == null) {
        ReaderEvent e = reader.receiveMessage(TetherFixture.MAX);
        if (e instanceof ReaderEvent.Received r) {
          stream.take(r.bytes());
          r.ack();
        }
        if (e instanceof ReaderEvent.Ended end) ended = end;
      }
      assertEquals(answer, stream.received(), "bytes delivered before the outcome " + ended.outcome());
      assertEquals(expected, ended.outcome().kind(), ended.outcome().toString());
      m.close("unread", Optional.of(CloseMode.ABORT));
    }
  }

  /**
   * After a reset, what was received is delivered as the reader takes it; a reader that takes
   * nothing is given close-timeout, then the rest is dropped and the connection ends (it would
   * otherwise hold a dead connection for as long as its reader stalls).
   */
  @Test
  void aReaderThatTakesNothingAfterAResetIsGivenCloseTimeout() throws Exception {
    int port = OpenSslServer.freePort();
    Path script = Path.of(Objects.requireNonNull(getClass().getResource("/peers/tls_peer.py")).toURI());
    try (PeerProcess peer = PeerProcess.start("python3", script.toString(), "answer-then-reset", String.valueOf(port),
        fx.certs().cert("localhost").toString(), fx.certs().key("localhost").toString(), "TLSv1.3", "400000")) {
      peer.awaitOutput("READY", PEER_MAX);
      var m = fx.manager();
      ConnectionSettings settings = fx.fastSettings().withReceiveWindow(4096);
      var reader = m.open("stalled", port, "test-tls13", settings);
      m.awaitState("stalled", ConnectionState.OPEN);
      m.send("stalled", "go\n");
      peer.awaitOutput("RESET_SENT", PEER_MAX);
      // Nothing is acknowledged: the connection still ends, bounded by close-timeout.
      ReaderEvent.Ended ended = (ReaderEvent.Ended) reader.fishForMessage(TetherFixture.MAX, "Ended",
          e -> e instanceof ReaderEvent.Ended
              ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
              : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0);
      Outcome o = ended.outcome();
      assertEquals(OutcomeKind.RESET, o.kind(), o.toString());
      assertTrue(o.detail().contains("Connection reset") && o.detail().contains("not taken by the reader within close-timeout 1s"),
          o.detail());
      assertEquals(Initiator.PEER, o.initiator(), o.toString());
      m.close("stalled", Optional.of(CloseMode.ABORT));
    }
  }
}
