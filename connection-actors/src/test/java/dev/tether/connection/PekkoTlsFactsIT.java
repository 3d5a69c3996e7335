package dev.tether.connection;

import org.junit.jupiter.api.Tag;
import dev.tether.connection.tls.TlsProfile;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.OpenSslServer;
import dev.tether.testing.TestCerts;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.TLS;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Re-checks the facts about Pekko 1.7's TLS stage that Tether's design relies on (see
 * shared/notes/pekko-tls-facts.md), with the raw pipeline and no Tether code, against a real peer.
 * If a Pekko upgrade changes one of them, this test says which.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("peer")
class PekkoTlsFactsIT {
  @JUnit5TestKit final ActorTestKit kit = ActorTestKit.create("PekkoTlsFactsIT");
  /** Made by the first test (every test here needs a peer), never by the constructor. */
  private TestCerts certs;
  private TlsProfile profile;

  private TestCerts certs() {
    if (certs == null) {
      certs = TestCerts.generate();
      profile = certs.profileTrusting("facts", "localhost", List.of("TLSv1.3"), true);
    }
    return certs;
  }

  /**
   * Where a test runs the raw pipeline while it drives the peer: a pool of this class's own actor
   * system, so that no thread outlives the class (the common pool's would linger for a minute and
   * change the thread baseline of a test class that runs next, see NetworkFaultIT).
   */
  private Executor blockingPool() {
    return kit.system().dispatchers().lookup(DispatcherSelector.blocking());
  }

  /** Runs the raw pipeline: sends {@code lines}, collects everything plaintext-out emits. */
  private List<TLSProtocol.SslTlsInbound> runRaw(OpenSslServer peer, List<String> lines,
      CompletableFuture<Void> completeWhen, AtomicReference<SSLEngine> engine) throws Exception {
    var tls = TLS.create(() -> {
      SSLEngine e = profile.createClientEngine("localhost", peer.port());
      engine.set(e);
      return e;
    }, session -> { }, TLSClosing.eagerClose());
    var tcp = Tcp.get(kit.system()).outgoingConnection(InetSocketAddress.createUnresolved("localhost", peer.port()),
        Optional.empty(), List.of(), true, Optional.empty(), Optional.empty());
    Source<TLSProtocol.SslTlsOutbound, ?> out = Source.from(lines)
        .map(l -> (TLSProtocol.SslTlsOutbound) new TLSProtocol.SendBytes(ByteString.fromString(l, StandardCharsets.UTF_8)));
    // Plaintext completes (our close_notify goes out) only when the test says so.
    out = out.concat(Source.completionStage(completeWhen).filter(x -> false)
        .map(x -> (TLSProtocol.SslTlsOutbound) new TLSProtocol.SendBytes(ByteString.emptyByteString())));
    CompletableFuture<List<TLSProtocol.SslTlsInbound>> result = out.via(tls.join(tcp))
        .runWith(Sink.seq(), Materializer.matFromSystem(kit.system()))
        .toCompletableFuture();
    return result.get(30, TimeUnit.SECONDS);
  }

  @Test
  void onTls13TheJdkDoesNotAnswerThePeersCloseNotify() throws Exception {
    try (OpenSslServer peer = OpenSslServer.startRev(certs(), "localhost", "TLSv1.3")) {
      AtomicReference<SSLEngine> engine = new AtomicReference<>();
      runRaw(peer, List.of("CLOSE\n"), new CompletableFuture<>(), engine); // the peer closes with close_notify
      peer.awaitOutput(OpenSslServer.closeNotifySent("TLSv1.3"), Duration.ofSeconds(15));
      peer.awaitOutput("CONNECTION CLOSED", Duration.ofSeconds(15));
      if (!"true".equals(System.getProperty("jdk.tls.acknowledgeCloseNotify"))) {
        assertFalse(peer.output().contains(OpenSslServer.closeNotifyReceived("TLSv1.3")),
            "Pekko + JDK now answer TLS 1.3 close_notify by themselves; CipherOutWatch's answer may be redundant");
        assertTrue(engine.get().isInboundDone() && !engine.get().isOutboundDone());
      }
    }
  }

  @Test
  void noSessionTruncatedOnceWeSentCloseNotifySoTheEngineMustBeAsked() throws Exception {
    try (OpenSslServer peer = OpenSslServer.startRev(certs(), "localhost", "TLSv1.3")) {
      AtomicReference<SSLEngine> engine = new AtomicReference<>();
      CompletableFuture<Void> close = new CompletableFuture<>();
      CompletableFuture<List<TLSProtocol.SslTlsInbound>> run = CompletableFuture.supplyAsync(() -> {
        try {
          return runRaw(peer, List.of("abc\n"), close, engine);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, blockingPool());
      // s_server gives up without answering a close_notify that arrives while it is still in SSL_accept.
      peer.awaitOutput("CONNECTION ESTABLISHED", Duration.ofSeconds(15));
      close.complete(null); // plaintext completes: our close_notify goes out
      peer.awaitOutput(OpenSslServer.closeNotifyReceived("TLSv1.3"), Duration.ofSeconds(15));
      // s_server answers; the stream completes without SessionTruncated and the engine knows it was clean.
      List<TLSProtocol.SslTlsInbound> got = run.get(30, TimeUnit.SECONDS);
      assertTrue(got.stream().noneMatch(e -> e instanceof TLSProtocol.SessionTruncated), got.toString());
      assertTrue(engine.get().isInboundDone());
    }
  }

  @Test
  void aPeerKilledMidStreamSurfacesAsSessionTruncatedThenCompletion() throws Exception {
    try (OpenSslServer peer = OpenSslServer.startRev(certs(), "localhost", "TLSv1.3")) {
      AtomicReference<SSLEngine> engine = new AtomicReference<>();
      CompletableFuture<List<TLSProtocol.SslTlsInbound>> run = CompletableFuture.supplyAsync(() -> {
        try {
          return runRaw(peer, List.of("abc\n"), new CompletableFuture<>(), engine);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, blockingPool());
      peer.awaitOutput("CONNECTION ESTABLISHED", Duration.ofSeconds(15));
      peer.kill9();
      List<TLSProtocol.SslTlsInbound> got = run.get(30, TimeUnit.SECONDS);
      assertTrue(got.get(got.size() - 1) instanceof TLSProtocol.SessionTruncated, got.toString());
    }
  }
}
