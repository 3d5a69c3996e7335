package dev.tether.connection;

import org.junit.jupiter.api.Tag;
import dev.tether.connection.session.Session;
import dev.tether.connection.session.SessionEvent;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.tls.ClientAuth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.OpenSslServer;
import dev.tether.testing.ParameterizedLogCapturing;
import dev.tether.testing.PeerProcess;
import dev.tether.testing.TetherFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Listeners and inbound connections against real TLS clients ({@code openssl s_client}): the same
 * lifecycle and close modes as outbound, on TLS 1.2 and 1.3, with the client's own output as the
 * evidence of what went over the wire.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class, ParameterizedLogCapturing.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("peer")
class InboundIT {
  private static final Duration PEER_MAX = Duration.ofSeconds(15);
  final TetherFixture fx = new TetherFixture("InboundIT");
  @JUnit5TestKit final ActorTestKit testKit = fx.testKit;

  /** The throwaway "localhost" certificate as server identity, trusting "other" as a client certificate. */
  private TetherFixture.Manager manager() {
    return fx.manager(fx.settings()
        .withTlsProfile(fx.certs().identityProfile("server", "localhost", "other", List.of("TLSv1.3", "TLSv1.2"))));
  }

  private ListenerInfo start(TetherFixture.Manager m, ListenerSpec spec) {
    TestProbe<ConnectionManager.ListenerResult> reply = testKit.createTestProbe();
    m.ref.tell(new ConnectionManager.StartListener(spec, reply.getRef()));
    return assertInstanceOf(ConnectionManager.ListenerStarted.class, reply.receiveMessage(TetherFixture.MAX)).info();
  }

  private ListenerSpec echo(String name) {
    return ListenerSpec.of(name, "127.0.0.1", 0, "server", "echo", fx.fastSettings());
  }

  private PeerProcess sClient(int port, String protocol, String... extra) {
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
        "-CAfile", fx.certs().cert("localhost").toString(), "-verify_return_error", "-ign_eof", "-msg",
        protocol.equals("TLSv1.2") ? "-tls1_2" : "-tls1_3"));
    cmd.addAll(List.of(extra));
    return PeerProcess.start(cmd);
  }

  private List<ConnectionView> inbound(TetherFixture.Manager m) {
    TestProbe<ConnectionManager.ConnectionList> reply = testKit.createTestProbe();
    m.ref.tell(new ConnectionManager.ListConnections(reply.getRef()));
    return reply.receiveMessage().connections().stream().filter(v -> v.direction() == Direction.INBOUND).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void anAcceptedConnectionIsManagedAndAnAdminCloseIsACloseNotify(String protocol) {
    var m = manager();
    ListenerInfo info = start(m, echo("echo"));
    assertTrue(info.bound());
    try (PeerProcess client = sClient(info.port(), protocol)) {
      client.awaitOutput("Verify return code: 0 (ok)", PEER_MAX);
      m.awaitState("echo-1", ConnectionState.OPEN);
      client.typeLine("hello inbound");
      client.awaitOutput("\nhello inbound", PEER_MAX); // s_client prints what it receives, not what is typed

      ConnectionView v = m.get("echo-1");
      assertEquals(Direction.INBOUND, v.direction());
      assertEquals(Optional.of("echo"), v.listener());
      assertEquals(protocol, v.status().tls().orElseThrow().protocol());
      assertTrue(v.remote().startsWith("127.0.0.1:"), v.remote());
      assertEquals(List.of("echo-1"), inbound(m).stream().map(c -> c.id().value()).toList());

      Outcome outcome = assertInstanceOf(ConnectionManager.Closed.class, m.close("echo-1", Optional.of(CloseMode.GRACEFUL)))
          .outcome();
      client.awaitOutput(OpenSslServer.closeNotifyReceived(protocol), PEER_MAX);
      assertEquals(Initiator.LOCAL, outcome.initiator());
      assertEquals(14, outcome.bytesIn());
      assertEquals(14, outcome.bytesOut());
      assertTrue(inbound(m).isEmpty());
    }
  }

  @Test
  void aClientBeyondMaxConnectionsIsRefusedAtOnceAndCounted() {
    var m = manager();
    ListenerInfo info = start(m, echo("one").withMaxConnections(1));
    try (PeerProcess first = sClient(info.port(), "TLSv1.3")) {
      first.awaitOutput("Verify return code: 0 (ok)", PEER_MAX);
      m.awaitState("one-1", ConnectionState.OPEN);
      // Only now the second: accepted by the kernel, then closed before any TLS, so s_client cannot handshake.
      try (PeerProcess second = sClient(info.port(), "TLSv1.3")) {
        assertTrue(second.awaitExit(PEER_MAX) != 0, second.output());
      }
      testKit.createTestProbe().awaitAssert(TetherFixture.MAX, () -> { // the listener's counts reach the registry by message
        ListenerInfo after = listeners(m).get(0);
        assertEquals(1, after.openConnections());
        assertEquals(1, after.acceptedTotal());
        assertEquals(1, after.rejectedTotal());
        return null;
      });
    }
  }

  private List<ListenerInfo> listeners(TetherFixture.Manager m) {
    TestProbe<ConnectionManager.ListenerList> reply = testKit.createTestProbe();
    m.ref.tell(new ConnectionManager.ListListeners(reply.getRef()));
    return reply.receiveMessage().listeners();
  }

  @Test
  void stoppingAListenerUnbindsAndClosesItsConnections() {
    var m = manager();
    ListenerInfo info = start(m, echo("drain"));
    try (PeerProcess a = sClient(info.port(), "TLSv1.3"); PeerProcess b = sClient(info.port(), "TLSv1.2")) {
      a.awaitOutput("Verify return code: 0 (ok)", PEER_MAX);
      b.awaitOutput("Verify return code: 0 (ok)", PEER_MAX);
      testKit.createTestProbe().awaitAssert(TetherFixture.MAX, () -> { // in either order
        assertEquals(2, inbound(m).stream().filter(v -> v.state() == ConnectionState.OPEN).count());
        return null;
      });
      TestProbe<ConnectionManager.ListenerStopResult> reply = testKit.createTestProbe();
      m.ref.tell(new ConnectionManager.StopListener("drain", Optional.of(CloseMode.GRACEFUL), reply.getRef()));
      var stopped = assertInstanceOf(ConnectionManager.ListenerStopped.class, reply.receiveMessage(TetherFixture.MAX));
      assertEquals(2, stopped.closed().size());
      a.awaitOutput(OpenSslServer.closeNotifyReceived("TLSv1.3"), PEER_MAX);
      b.awaitOutput(OpenSslServer.closeNotifyReceived("TLSv1.2"), PEER_MAX);
      testKit.createTestProbe().awaitAssert(TetherFixture.MAX, () -> {
        assertTrue(listeners(m).isEmpty());
        return null;
      });
    }
    // Unbound: a new client is refused by the kernel.
    try (PeerProcess late = sClient(info.port(), "TLSv1.3")) {
      assertTrue(late.awaitExit(PEER_MAX) != 0);
      late.awaitOutput("connect", PEER_MAX);
    }
  }

  @Test
  void mutualTlsNeedRejectsAClientWithoutCertificateAndNamesTheSubjectOfOneWithIt() {
    var m = manager();
    ListenerInfo info = start(m, echo("mtls").withClientAuth(ClientAuth.NEED));
    try (PeerProcess anonymous = sClient(info.port(), "TLSv1.3")) {
      Outcome o = m.awaitOutcome("mtls-1");
      assertEquals(OutcomeKind.HANDSHAKE_FAILED, o.kind());
      anonymous.awaitExit(PEER_MAX);
    }
    try (PeerProcess withCert = sClient(info.port(), "TLSv1.3",
        "-cert", fx.certs().cert("other").toString(), "-key", fx.certs().key("other").toString())) {
      withCert.awaitOutput("Verify return code: 0 (ok)", PEER_MAX);
      m.awaitState("mtls-2", ConnectionState.OPEN);
      assertEquals("CN=wrong.example", m.get("mtls-2").status().tls().orElseThrow().peerSubject());
    }
  }

  @Test
  void mutualTlsWantAcceptsAClientWithoutCertificateAndNamesOneWithIt() {
    var m = manager();
    ListenerInfo info = start(m, echo("want").withClientAuth(ClientAuth.WANT));
    try (PeerProcess anonymous = sClient(info.port(), "TLSv1.2")) {
      anonymous.awaitOutput("Verify return code: 0 (ok)", PEER_MAX);
      m.awaitState("want-1", ConnectionState.OPEN);
      assertEquals(null, m.get("want-1").status().tls().orElseThrow().peerSubject());
    }
    try (PeerProcess withCert = sClient(info.port(), "TLSv1.2",
        "-cert", fx.certs().cert("other").toString(), "-key", fx.certs().key("other").toString())) {
      withCert.awaitOutput("Verify return code: 0 (ok)", PEER_MAX);
      m.awaitState("want-2", ConnectionState.OPEN);
      assertEquals("CN=wrong.example", m.get("want-2").status().tls().orElseThrow().peerSubject());
    }
  }

  /** A handler on an outbound connection: it reads with flow control like an inbound one. */
  static org.apache.pekko.actor.typed.Behavior<SessionEvent> greetAndForward(Session session,
      org.apache.pekko.actor.typed.ActorRef<String> received) {
    return org.apache.pekko.actor.typed.javadsl.Behaviors.<Object>setup(ctx -> {
      session.write(org.apache.pekko.util.ByteString.fromString("hello from a handler\n"), ctx.getSelf().narrow());
      return org.apache.pekko.actor.typed.javadsl.Behaviors.receiveMessage(msg -> {
        if (msg instanceof SessionEvent.Received r) {
          received.tell(session.direction() + ":" + r.bytes().utf8String());
          session.ack();
        }
        if (msg instanceof SessionEvent.Ended) return org.apache.pekko.actor.typed.javadsl.Behaviors.stopped();
        return org.apache.pekko.actor.typed.javadsl.Behaviors.same();
      });
    }).narrow();
  }

  @Test
  void anOutboundSpecMayNameAHandler() {
    TestProbe<String> received = testKit.createTestProbe();
    var m = fx.manager(fx.settings()
        .withTlsProfile(fx.certs().identityProfile("server", "localhost", "other", List.of("TLSv1.3", "TLSv1.2")))
        .withHandler("greeter", session -> greetAndForward(session, received.getRef())));
    ListenerInfo info = start(m, echo("loop"));
    TestProbe<ConnectionManager.OpenResult> reply = testKit.createTestProbe();
    m.ref.tell(new ConnectionManager.Open(ConnectionSpec.of("out", "localhost", info.port()).withTlsProfile("test")
        .withSettings(fx.fastSettings()).withHandler("greeter"), reply.getRef()));
    assertInstanceOf(ConnectionManager.Opened.class, reply.receiveMessage(TetherFixture.MAX));
    StringBuilder echoed = new StringBuilder();
    while (!echoed.toString().contains("hello from a handler\n")) echoed.append(received.receiveMessage(TetherFixture.MAX));
    assertTrue(echoed.toString().startsWith("outbound:"), echoed.toString());
    TestProbe<ConnectionManager.OpenResult> unknown = testKit.createTestProbe();
    m.ref.tell(new ConnectionManager.Open(ConnectionSpec.of("bad", "localhost", info.port()).withHandler("nope"),
        unknown.getRef()));
    var rejected = assertInstanceOf(ConnectionManager.OpenRejected.class, unknown.receiveMessage(TetherFixture.MAX));
    assertEquals(ConnectionManager.OpenRejection.UNKNOWN_HANDLER, rejected.reason());
  }

  @Test
  void aListenersKeepaliveFindsAClientThatNeverAnswers() {
    var m = manager();
    ConnectionSettings s = fx.fastSettings().withKeepalive(fx.fastSettings().keepalive().withEnabled(true)
        .withInterval(Duration.ofMillis(500)).withTimeout(Duration.ofSeconds(1))
        .withPing(org.apache.pekko.util.ByteString.fromString("PING\n")));
    ListenerInfo info = start(m, ListenerSpec.of("alive", "127.0.0.1", 0, "server", "echo", s));
    try (PeerProcess silent = sClient(info.port(), "TLSv1.3")) { // s_client prints our ping and answers nothing
      silent.awaitOutput("PING", PEER_MAX);
      Outcome o = m.awaitOutcome("alive-1");
      assertEquals(OutcomeKind.KEEPALIVE_TIMEOUT, o.kind(), o.toString());
    }
  }
}
