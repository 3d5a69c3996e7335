package dev.tether.connection;

import org.junit.jupiter.api.Tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.PeerProcess;
import dev.tether.testing.TetherFixture;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an operator reads when a client gets TLS wrong, with clients nobody here wrote: curl speaking
 * plaintext HTTP to the TLS port, openssl offering only TLS 1.1, and a Python client that resets its
 * TLS state after the handshake (the seed's "wrong version number").
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("peer")
class InboundDiagnosticsIT {
  private static final Duration PEER_MAX = Duration.ofSeconds(15);
  final TetherFixture fx = new TetherFixture("InboundDiagnosticsIT");
  @JUnit5TestKit final ActorTestKit testKit = fx.testKit;

  private TetherFixture.Manager manager;
  private int port;

  private int start() {
    if (manager == null) {
      manager = fx.manager(fx.settings()
          .withTlsProfile(fx.certs().identityProfile("server", "localhost", "localhost", List.of("TLSv1.3", "TLSv1.2"))));
      TestProbe<ConnectionManager.ListenerResult> reply = testKit.createTestProbe();
      manager.ref.tell(new ConnectionManager.StartListener(
          ListenerSpec.of("diag", "127.0.0.1", 0, "server", "echo", fx.fastSettings()), reply.getRef()));
      port = assertInstanceOf(ConnectionManager.ListenerStarted.class, reply.receiveMessage(TetherFixture.MAX)).info().port();
    }
    return port;
  }

  /** The outcome of the next connection this listener accepts. */
  private Outcome nextOutcome() {
    var e = (ConnectionEvent.OutcomeReported) manager.events.fishForMessage(TetherFixture.MAX, "an outcome", ev ->
        ev instanceof ConnectionEvent.OutcomeReported
            ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
            : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0);
    return e.outcome();
  }

  @Test
  void plaintextHttpGetsA400SayingThePortSpeaksTlsAndTheOutcomeNamesTheRequest() {
    int p = start();
    try (PeerProcess curl = PeerProcess.start("curl", "-sv", "http://127.0.0.1:" + p + "/hello")) {
      curl.awaitExit(PEER_MAX);
      assertTrue(curl.output().contains("HTTP/1.1 400"), curl.output());
      assertTrue(curl.output().contains("TLS"), curl.output());
    }
    Outcome o = nextOutcome();
    assertEquals(OutcomeKind.HANDSHAKE_FAILED, o.kind());
    assertTrue(o.detail().contains("GET /hello"), o.detail());
  }

  @Test
  void aClientOfferingOnlyRefusedVersionsIsToldWhichAreOfferedAndAccepted() {
    int p = start();
    try (PeerProcess old = PeerProcess.start("openssl", "s_client", "-connect", "127.0.0.1:" + p, "-tls1_1",
        "-cipher", "DEFAULT@SECLEVEL=0")) {
      old.closeStdin();
      old.awaitExit(PEER_MAX);
    }
    Outcome o = nextOutcome();
    assertEquals(OutcomeKind.HANDSHAKE_FAILED, o.kind(), o.toString());
    assertTrue(o.detail().contains("TLSv1.1") && o.detail().contains("TLSv1.3, TLSv1.2"), o.detail());
  }

  @Test
  void aHandshakeRecordAfterTheTls13HandshakeIsDecodedAndExplained() throws URISyntaxException {
    int p = start();
    Path script = Path.of(Objects.requireNonNull(getClass().getResource("/clients/reset_tls_state.py")).toURI());
    try (PeerProcess client = PeerProcess.start("python3", script.toString(), "127.0.0.1", String.valueOf(p),
        fx.certs().cert("localhost").toString())) {
      client.awaitExit(PEER_MAX);
      assertTrue(client.output().contains("HANDSHAKE TLSv1.3"), client.output());
    }
    Outcome o = nextOutcome();
    assertTrue(o.detail().contains("handshake record") && o.detail().contains("after the TLSv1.3 handshake"), o.toString());
  }
}
