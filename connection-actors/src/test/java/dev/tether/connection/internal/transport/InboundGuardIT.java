package dev.tether.connection.internal.transport;

import dev.tether.connection.internal.wire.ClientHellos;
import dev.tether.connection.internal.wire.ClientHellosTest;
import dev.tether.connection.internal.wire.PlaintextHttp;
import dev.tether.connection.internal.wire.RecordHeaders;
import dev.tether.connection.internal.wire.TlsErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tether.connection.internal.wire.RecordHeaders.RecordHeader;
import dev.tether.testing.Processes;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.TLS;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;


/** The guard over real TCP below a real TLS server stage, with {@code curl} and {@code openssl s_client} as clients. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("peer")
class InboundGuardIT {
  private static final long TIMEOUT = 10;
  @JUnit5TestKit final ActorTestKit kit = ActorTestKit.create("InboundGuardIT");
  private final AtomicReference<RecordHeader> lastRecord = new AtomicReference<>();

  private Materializer mat() {
    return Materializer.matFromSystem(kit.system());
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(TIMEOUT, TimeUnit.SECONDS);
  }

  // ---- real TCP, a real TLS server stage above the guard ----

  /** A listener whose connections run TLS (server, JDK defaults, no key: it never gets that far) atop the guard. */
  private Pair<Integer, Tcp.ServerBinding> listen(CompletableFuture<InboundFinding> finding,
      CompletableFuture<Throwable> tlsEnded, List<String> protocols) throws Exception {
    SSLContext context = SSLContext.getDefault();
    var binding = Tcp.get(kit.system()).bind("127.0.0.1", 0, 100, List.of(), true, Optional.empty())
        .to(Sink.foreach(connection -> {
          var tls = TLS.create(() -> {
            SSLEngine e = context.createSSLEngine();
            e.setUseClientMode(false);
            e.setEnabledProtocols(protocols.toArray(String[]::new));
            return e;
          }, TLSClosing.eagerClose());
          var guard = InboundGuard.create(finding::complete, lastRecord);
          Flow<TLSProtocol.SslTlsInbound, TLSProtocol.SslTlsOutbound, CompletionStage<Done>> app =
              Flow.fromSinkAndSourceMat(Sink.ignore(), Source.maybe(), Keep.left());
          tls.atop(guard).join(connection.flow()).joinMat(app, Keep.right()).run(mat())
              .whenComplete((done, failure) -> tlsEnded.complete(failure));
        }))
        .run(mat());
    Tcp.ServerBinding b = await(binding);
    return Pair.create(b.localAddress().getPort(), b);
  }

  @Test
  void curlGetsThe400OverRealTcp() throws Exception {
    Processes.requireTools("curl");
    CompletableFuture<InboundFinding> finding = new CompletableFuture<>();
    CompletableFuture<Throwable> tlsEnded = new CompletableFuture<>();
    var listener = listen(finding, tlsEnded, List.of("TLSv1.3", "TLSv1.2"));
    try {
      String out = Processes.run(List.of("curl", "-sv", "--max-time", "10",
          "http://127.0.0.1:" + listener.first() + "/hello"));
      assertTrue(out.contains("< HTTP/1.1 400 Bad Request"), out);
      assertTrue(out.contains("This port speaks TLS: the plain HTTP request was sent to a TLS port. Use https://."), out);
      assertEquals(new InboundFinding.PlaintextHttp("GET", "/hello"), finding.get(TIMEOUT, TimeUnit.SECONDS));
      tlsEnded.get(TIMEOUT, TimeUnit.SECONDS); // curl closed, so the guard completed the TLS stage's input
    } finally {
      await(listener.second().unbind());
    }
  }

  @Test
  void openSslOfferingOnlyTls11IsReportedAndTheJdkRefusesIt() throws Exception {
    Processes.requireTools("openssl");
    CompletableFuture<InboundFinding> finding = new CompletableFuture<>();
    CompletableFuture<Throwable> tlsEnded = new CompletableFuture<>();
    List<String> accepted = List.of("TLSv1.3", "TLSv1.2");
    var listener = listen(finding, tlsEnded, accepted);
    Process client = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + listener.first(),
        "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")
        .redirectInput(new File("/dev/null"))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      InboundFinding.ClientHello hello = (InboundFinding.ClientHello) finding.get(TIMEOUT, TimeUnit.SECONDS);
      assertEquals(List.of("TLSv1.1", "TLSv1"), hello.offeredVersions());
      assertEquals(Optional.of("the client offered only TLSv1.1, TLSv1 and this listener accepts TLSv1.3, TLSv1.2"),
          ClientHellos.describeRefusal(hello.offeredVersions(), accepted));
      Throwable failure = tlsEnded.get(TIMEOUT, TimeUnit.SECONDS);
      assertTrue(failure != null && TlsErrors.messages(failure).contains("TLSv1.1"),
          "the JDK got the ClientHello through the guard and refused its version: " + failure);
      RecordHeader last = lastRecord.get();
      assertEquals(RecordHeaders.HANDSHAKE, last.contentType(), "the ClientHello's record: " + last);
    } finally {
      if (!client.waitFor(TIMEOUT, TimeUnit.SECONDS)) client.destroyForcibly();
      await(listener.second().unbind());
    }
  }
}
