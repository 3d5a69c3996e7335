package dev.tether.connection.internal.tls;

import org.junit.jupiter.api.Tag;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.connection.tls.ClientAuth;
import dev.tether.connection.tls.TlsProfile;
import dev.tether.testing.OpenSslServer;
import dev.tether.testing.ParameterizedLogCapturing;
import dev.tether.testing.PeerProcess;
import dev.tether.testing.TestCerts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSClosing$;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What Pekko's {@code TLS.create} and {@link TetherTls} must do alike, each test run against both,
 * against real peers ({@code openssl s_server} and {@code s_client}, Python's ssl module, plain
 * sockets) on loopback. What only Tether's stage does is in {@link TetherTlsIT}.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class, ParameterizedLogCapturing.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("peer")
class TlsStagesComparisonIT {
  @JUnit5TestKit final ActorTestKit kit = ActorTestKit.create("TlsStagesComparisonIT");
  private TestCerts certs;

  /** Made by the first test that needs them (with the openssl tool), never by the constructor. */
  private TestCerts certs() {
    if (certs == null) certs = TestCerts.generate();
    return certs;
  }

  static Stream<Arguments> stagesAndProtocols() {
    return Stream.of(TlsImpl.values()).flatMap(impl -> Stream.of("TLSv1.2", "TLSv1.3").map(p -> Arguments.of(impl, p)));
  }

  /** Client engines trusting the "localhost" certificate, with hostname verification. */
  private Supplier<SSLEngine> client(String protocol, int port) {
    TlsProfile profile = certs().profileTrusting("client", "localhost", List.of(protocol), true);
    return () -> profile.createClientEngine("localhost", port);
  }

  private Executor blockingPool() {
    return kit.system().dispatchers().lookup(DispatcherSelector.blocking());
  }

  @ParameterizedTest
  @MethodSource("stagesAndProtocols")
  void handshakesEchoesAndClosesCleanlyWithOpenSsl(TlsImpl impl, String protocol) throws Throwable {
    try (OpenSslServer peer = OpenSslServer.startRev(certs(), "localhost", protocol)) {
      StageRun run = StageRun.client(kit.system(), impl, client(protocol, peer.port()), peer.port());
      run.write("hello\n");
      assertEquals("olleh\n", run.readText(6));
      run.write("second line\n");
      assertEquals("enil dnoces\n", run.readText(12));
      assertEquals(protocol, run.verified.get(0).getProtocol());

      run.finish(); // our close_notify; s_server answers with its own
      StageRun.End end = run.readToEnd();
      assertTrue(end.clean(), end.toString());
      peer.awaitOutput(OpenSslServer.closeNotifyReceived(protocol), StageRun.MAX);
      assertTrue(run.engine.get().isInboundDone() && run.engine.get().isOutboundDone());
    }
  }

  @ParameterizedTest
  @MethodSource("stagesAndProtocols")
  void aMegabyteEchoedIsByteExact(TlsImpl impl, String protocol) throws Throwable {
    byte[] payload = new byte[1 << 20];
    new Random(42).nextBytes(payload);
    int port = PythonPeer.freePort();
    try (PeerProcess peer = PythonPeer.start("echo", certs(), protocol, 0, port)) {
      StageRun run = StageRun.client(kit.system(), impl, client(protocol, port), port);
      run.write(ByteString.fromArray(payload)); // one element: the stage splits it into records
      assertArrayEquals(payload, run.read(payload.length).toArray());
      run.finish();
      assertTrue(run.readToEnd().clean());
      peer.awaitOutput("CLOSE_NOTIFY_SENT", StageRun.MAX);
    }
  }

  @ParameterizedTest
  @MethodSource("stagesAndProtocols")
  void manySmallWritesArriveInOrder(TlsImpl impl, String protocol) throws Throwable {
    int port = PythonPeer.freePort();
    try (PeerProcess peer = PythonPeer.start("echo", certs(), protocol, 0, port)) {
      StageRun run = StageRun.client(kit.system(), impl, client(protocol, port), port);
      StringBuilder expected = new StringBuilder();
      CompletableFuture<String> echoed = CompletableFuture.supplyAsync(() -> {
        try {
          return run.readText(2000 * 8);
        } catch (Throwable t) {
          throw new IllegalStateException(t);
        }
      }, blockingPool());
      for (int i = 0; i < 2000; i++) {
        String line = String.format("%07d\n", i);
        expected.append(line);
        run.write(line);
      }
      assertEquals(expected.toString(), echoed.get(StageRun.MAX.toMillis(), TimeUnit.MILLISECONDS));
      run.finish();
      assertTrue(run.readToEnd().clean());
    }
  }

  @ParameterizedTest
  @MethodSource("stagesAndProtocols")
  void aCloseAskedForDuringTheHandshakeGoesOutOnceItFinished(TlsImpl impl, String protocol) throws Throwable {
    try (OpenSslServer peer = OpenSslServer.startRev(certs(), "localhost", protocol)) {
      StageRun run = StageRun.client(kit.system(), impl, client(protocol, peer.port()), peer.port());
      run.finish(); // before the handshake could even start
      StageRun.End end = run.readToEnd();
      assertTrue(end.clean(), end.toString());
      assertFalse(run.verified.isEmpty()); // the handshake finished, the peer was verified
      peer.awaitOutput(OpenSslServer.closeNotifyReceived(protocol), StageRun.MAX);
    }
  }

  /** {@code TLSClosing.ignoreComplete}: finishing plaintext-in sends nothing; cancelling plaintext-out then closes. */
  @ParameterizedTest
  @MethodSource("stagesAndProtocols")
  void ignoreCompleteKeepsReadingUntilPlaintextOutIsCancelled(TlsImpl impl, String protocol) throws Throwable {
    int port = PythonPeer.freePort();
    try (PeerProcess peer = PythonPeer.start("echo", certs(), protocol, 0, port)) {
      StageRun run = StageRun.client(kit.system(), impl, client(protocol, port), port, s -> { },
          TLSClosing$.MODULE$.ignoreComplete()); // static ignoreComplete() clashes with the instance one
      run.write("hi\n");
      run.finish();
      assertEquals("hi\n", run.readText(3)); // still readable
      peer.awaitOutput("RECEIVED", StageRun.MAX);
      assertFalse(peer.output().contains("CLOSE_NOTIFY_RECEIVED"), peer.output());
      run.reader.cancel(); // now our close_notify goes out
      peer.awaitOutput("CLOSE_NOTIFY_RECEIVED", StageRun.MAX);
    }
  }

  @ParameterizedTest
  @MethodSource("stagesAndProtocols")
  void thePeersCloseNotifyCompletesCleanly(TlsImpl impl, String protocol) throws Throwable {
    try (OpenSslServer peer = OpenSslServer.startRev(certs(), "localhost", protocol)) {
      StageRun run = StageRun.client(kit.system(), impl, client(protocol, peer.port()), peer.port());
      run.write("CLOSE\n"); // s_server -rev closes with close_notify
      StageRun.End end = run.readToEnd();
      assertTrue(end.clean(), end.toString());
      peer.awaitOutput(OpenSslServer.closeNotifySent(protocol), StageRun.MAX);
      assertTrue(run.engine.get().isInboundDone());
    }
  }

  @ParameterizedTest
  @MethodSource("stagesAndProtocols")
  void aPeerKilledMidStreamIsATruncation(TlsImpl impl, String protocol) throws Throwable {
    try (OpenSslServer peer = OpenSslServer.startRev(certs(), "localhost", protocol)) {
      StageRun run = StageRun.client(kit.system(), impl, client(protocol, peer.port()), peer.port());
      run.write("abc\n");
      assertEquals("cba\n", run.readText(4));
      peer.kill9(); // the kernel closes with FIN, no close_notify
      StageRun.End end = run.readToEnd();
      assertTrue(end.truncated() && end.failure().isEmpty(), end.toString());
    }
  }

  @ParameterizedTest
  @MethodSource("stagesAndProtocols")
  void aTcpResetFailsPlaintextOutWithTheTransportsException(TlsImpl impl, String protocol) throws Throwable {
    int port = PythonPeer.freePort();
    try (PeerProcess peer = PythonPeer.start("reset", certs(), protocol, 0, port)) {
      StageRun run = StageRun.client(kit.system(), impl, client(protocol, port), port);
      run.write("abc\n");
      peer.awaitOutput("RESET_SENT", StageRun.MAX);
      StageRun.End end = run.readToEnd();
      Throwable failure = end.failure().orElseThrow(() -> new AssertionError(end.toString()));
      assertTrue(failure.getMessage().contains("Connection reset"), failure.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(TlsImpl.class)
  void aPeerGoneDuringTheHandshakeIsATruncation(TlsImpl impl) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // Reads the ClientHello's first bytes, then closes (FIN): the handshake never finishes.
      CompletableFuture<Integer> peer = CompletableFuture.supplyAsync(() -> {
        try (Socket s = server.accept()) {
          return s.getInputStream().read(new byte[5]);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }, blockingPool());
      StageRun run = StageRun.client(kit.system(), impl, client("TLSv1.3", server.getLocalPort()), server.getLocalPort());
      assertEquals(5, peer.get(StageRun.MAX.toMillis(), TimeUnit.MILLISECONDS));
      StageRun.End end = run.readToEnd();
      assertTrue(end.truncated() && end.failure().isEmpty(), end.toString());
      assertTrue(run.verified.isEmpty());
    }
  }

  @ParameterizedTest
  @MethodSource("stagesAndProtocols")
  void anUntrustedCertificateFailsWithTheJsseMessage(TlsImpl impl, String protocol) throws Exception {
    try (OpenSslServer peer = OpenSslServer.startRev(certs(), "localhost", protocol)) {
      TlsProfile trustsOther = certs().profileTrusting("other", "other", List.of(protocol), true);
      StageRun run = StageRun.client(kit.system(), impl, () -> trustsOther.createClientEngine("localhost", peer.port()),
          peer.port());
      StageRun.End end = run.readToEnd();
      SSLHandshakeException e = assertInstanceOf(SSLHandshakeException.class, end.failure().orElseThrow());
      assertTrue(e.getMessage().contains("PKIX path building failed"), e.getMessage());
      assertTrue(run.verified.isEmpty());
      peer.awaitOutput("certificate unknown", StageRun.MAX); // our alert reached the peer
    }
  }

  @ParameterizedTest
  @EnumSource(TlsImpl.class)
  void aVerifierThatThrowsFailsTheStageWithItsException(TlsImpl impl) throws Exception {
    try (OpenSslServer peer = OpenSslServer.startRev(certs(), "localhost", "TLSv1.3")) {
      StageRun run = StageRun.client(kit.system(), impl, client("TLSv1.3", peer.port()), peer.port(), session -> {
        throw new IllegalStateException("rejected by the test");
      }, TLSClosing.eagerClose());
      StageRun.End end = run.readToEnd();
      assertEquals("rejected by the test", end.failure().orElseThrow().getMessage());
      assertEquals("", end.text());
    }
  }

  @ParameterizedTest
  @EnumSource(TlsImpl.class)
  void aPlaintextPeerFailsWithUnrecognizedSslMessage(TlsImpl impl) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> {
        try (Socket s = server.accept()) {
          s.getInputStream().read(new byte[5]); // the ClientHello came: answer it as HTTP would
          OutputStream out = s.getOutputStream();
          out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          InputStream in = s.getInputStream();
          while (in.read() >= 0) {
            // until the client goes
          }
        } catch (IOException e) {
          // the client reset: fine
        }
      }, blockingPool());
      StageRun run = StageRun.client(kit.system(), impl, client("TLSv1.3", server.getLocalPort()), server.getLocalPort());
      StageRun.End end = run.readToEnd();
      SSLException e = assertInstanceOf(SSLException.class, end.failure().orElseThrow(), end.toString());
      assertTrue(e.getMessage().contains("Unrecognized SSL message"), e.getMessage());
      peer.get(StageRun.MAX.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @ParameterizedTest
  @MethodSource("stagesAndProtocols")
  void asServerItAnswersOpenSslClientWithClientCertificate(TlsImpl impl, String protocol) throws Throwable {
    TlsProfile server = certs().identityProfile("server", "localhost", "localhost", List.of(protocol));
    CompletableFuture<Tcp.IncomingConnection> accepted = new CompletableFuture<>();
    var binding = Tcp.get(kit.system()).bind("127.0.0.1", 0)
        .to(Sink.foreach(accepted::complete))
        .run(Materializer.matFromSystem(kit.system()))
        .toCompletableFuture().get(StageRun.MAX.toMillis(), TimeUnit.MILLISECONDS);
    try (PeerProcess client = PeerProcess.start("openssl", "s_client", "-connect", "127.0.0.1:" + binding.localAddress().getPort(),
        "-CAfile", certs().cert("localhost").toString(), "-cert", certs().cert("localhost").toString(),
        "-key", certs().key("localhost").toString(), "-verify_return_error", "-ign_eof", "-msg",
        protocol.equals("TLSv1.2") ? "-tls1_2" : "-tls1_3")) {
      Tcp.IncomingConnection incoming = accepted.get(StageRun.MAX.toMillis(), TimeUnit.MILLISECONDS);
      StageRun run = StageRun.over(kit.system(), impl, () -> server.createServerEngine(ClientAuth.NEED), s -> { },
          TLSClosing.eagerClose(), incoming.flow());
      client.awaitOutput("Verify return code: 0 (ok)", StageRun.MAX);
      client.typeLine("ping");
      assertEquals("ping\n", run.readText(5));
      run.write("pong\n");
      client.awaitOutput("\npong", StageRun.MAX);
      assertEquals("CN=localhost", run.verified.get(0).getPeerPrincipal().getName());

      run.finish();
      client.awaitOutput(OpenSslServer.closeNotifyReceived(protocol), StageRun.MAX);
      client.closeStdin(); // s_client answers our close_notify and exits
      StageRun.End end = run.readToEnd();
      assertFalse(end.failure().isPresent(), end.toString());
    } finally {
      binding.unbind().toCompletableFuture().get(StageRun.MAX.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @ParameterizedTest
  @MethodSource("stagesAndProtocols")
  void asServerItRefusesAClientWithoutCertificate(TlsImpl impl, String protocol) throws Exception {
    TlsProfile server = certs().identityProfile("server", "localhost", "localhost", List.of(protocol));
    CompletableFuture<Tcp.IncomingConnection> accepted = new CompletableFuture<>();
    var binding = Tcp.get(kit.system()).bind("127.0.0.1", 0)
        .to(Sink.foreach(accepted::complete))
        .run(Materializer.matFromSystem(kit.system()))
        .toCompletableFuture().get(StageRun.MAX.toMillis(), TimeUnit.MILLISECONDS);
    try (PeerProcess client = PeerProcess.start("openssl", "s_client", "-connect", "127.0.0.1:" + binding.localAddress().getPort(),
        "-CAfile", certs().cert("localhost").toString(), "-ign_eof",
        protocol.equals("TLSv1.2") ? "-tls1_2" : "-tls1_3")) {
      Tcp.IncomingConnection incoming = accepted.get(StageRun.MAX.toMillis(), TimeUnit.MILLISECONDS);
      StageRun run = StageRun.over(kit.system(), impl, () -> server.createServerEngine(ClientAuth.NEED), s -> { },
          TLSClosing.eagerClose(), incoming.flow());
      StageRun.End end = run.readToEnd();
      SSLHandshakeException e = assertInstanceOf(SSLHandshakeException.class, end.failure().orElseThrow(), end.toString());
      assertTrue(e.getMessage().contains("certificate"), e.getMessage());
      assertTrue(run.verified.isEmpty());
    } finally {
      binding.unbind().toCompletableFuture().get(StageRun.MAX.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Two stages of the same kind talk in memory, the ciphertext cut into pieces of {@code piece}
   * bytes on the way: 7 cuts every record into many chunks, 20000 puts pieces of several records
   * (one stage writes up to four per element) into a chunk.
   */
  @ParameterizedTest
  @MethodSource("stagesAndProtocols")
  void recordsCutAnywhereAreReassembled(TlsImpl impl, String protocol) throws Throwable {
    for (int piece : new int[] {7, 20000}) {
      TlsProfile serverProfile = certs().identityProfile("server", "localhost", "localhost", List.of(protocol));
      Flow<ByteString, ByteString, ?> echoServer = impl.create(() -> serverProfile.createServerEngine(ClientAuth.NONE), s -> { },
              TLSClosing.eagerClose())
          .reversed()
          .join(Flow.<TLSProtocol.SslTlsInbound>create()
              .filter(e -> e instanceof TLSProtocol.SessionBytes)
              .map(e -> (TLSProtocol.SslTlsOutbound) new TLSProtocol.SendBytes(((TLSProtocol.SessionBytes) e).bytes())));
      Flow<ByteString, ByteString, ?> transport = cut(piece).via(echoServer).via(cut(piece));
      StageRun run = StageRun.over(kit.system(), impl, client(protocol, 443), s -> { }, TLSClosing.eagerClose(), transport);
      byte[] big = new byte[200_000];
      new Random(piece).nextBytes(big);
      run.write("small\n");
      assertEquals("small\n", run.readText(6));
      run.write(ByteString.fromArray(big));
      assertArrayEquals(big, run.read(big.length).toArray(), "pieces of " + piece);
      run.finish();
      StageRun.End end = run.readToEnd();
      assertTrue(end.clean(), end + " with pieces of " + piece);
    }
  }

  /** A TLS 1.2 renegotiation asked for with {@code NegotiateNewSession}: a new session, verified, and data flows on. */
  @ParameterizedTest
  @EnumSource(TlsImpl.class)
  void aNewSessionIsNegotiatedOnRequest(TlsImpl impl) throws Throwable {
    TlsProfile serverProfile = certs().identityProfile("server", "localhost", "localhost", List.of("TLSv1.2"));
    Flow<ByteString, ByteString, ?> echoServer = impl.create(() -> serverProfile.createServerEngine(ClientAuth.NONE), s -> { },
            TLSClosing.eagerClose())
        .reversed()
        .join(Flow.<TLSProtocol.SslTlsInbound>create()
            .filter(e -> e instanceof TLSProtocol.SessionBytes)
            .map(e -> (TLSProtocol.SslTlsOutbound) new TLSProtocol.SendBytes(((TLSProtocol.SessionBytes) e).bytes())));
    StageRun run = StageRun.over(kit.system(), impl, client("TLSv1.2", 443), s -> { }, TLSClosing.eagerClose(), echoServer);
    run.write("before\n");
    assertEquals("before\n", run.readText(7));
    run.writer.offer(TLSProtocol.negotiateNewSession()).toCompletableFuture().get(StageRun.MAX.toMillis(), TimeUnit.MILLISECONDS);
    run.write("after\n");
    assertEquals("after\n", run.readText(6));
    assertEquals(2, run.verified.size());
    assertTrue(run.verified.get(0) != run.verified.get(1), "the same session was verified twice");
    run.finish();
    assertTrue(run.readToEnd().clean());
  }

  private static Flow<ByteString, ByteString, ?> cut(int piece) {
    return Flow.<ByteString>create().mapConcat(bytes -> {
      java.util.ArrayList<ByteString> pieces = new java.util.ArrayList<>();
      for (int i = 0; i < bytes.size(); i += piece) pieces.add(bytes.slice(i, Math.min(bytes.size(), i + piece)));
      return pieces;
    });
  }
}
