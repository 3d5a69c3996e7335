package dev.tether.bench;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.TLS;
import org.apache.pekko.stream.javadsl.Tcp;

/**
 * Baseline (a) of the accept scenario: {@code Tcp.bind} (half-close on, as Tether's listener) and,
 * per accepted connection, {@code TLS.create(server engine, eagerClose)} joined with the incoming
 * flow and closed by an echo flow (plaintext out = plaintext in). No actors. A connection counts as
 * accepted when the TLS stage calls its session verifier. It does not answer a client's close_notify
 * on TLS 1.3 ({@link #answersCloseNotify()}).
 */
final class PekkoRawAcceptServer extends AcceptServer {
  private final ActorSystem system;
  private final Materializer mat;
  private final SSLContext tls;
  private final Tcp.ServerBinding binding;

  /** One accepted connection. */
  private final class Conn {
    final SSLEngine engine = ThrowawayTls.serverEngine(tls);
    volatile boolean opened;
    volatile boolean truncated;

    void onHandshake() {
      if (opened) return;
      opened = true;
      handshaken(System.nanoTime());
    }

    /** The echo: session bytes go back as they came. */
    List<TLSProtocol.SslTlsOutbound> answer(TLSProtocol.SslTlsInbound in) {
      if (in instanceof TLSProtocol.SessionBytes sb) return List.of(new TLSProtocol.SendBytes(sb.bytes()));
      truncated = true;
      return List.of();
    }

    void onEnd(Throwable failure) {
      boolean secure = failure == null && !truncated && engine.isInboundDone();
      ended(opened, secure, failure != null ? "failed: " + failure : truncated ? "truncated" : secure ? "clean"
          : "ended without the client's close_notify");
    }
  }

  PekkoRawAcceptServer(SSLContext tls) throws Exception {
    this.tls = tls;
    this.system = ActorSystem.create("pekko-raw-accept-bench", ConfigFactory.load());
    this.mat = Materializer.matFromSystem(system);
    this.binding = Tcp.get(system)
        .bind(ThrowawayTls.HOST, 0, BACKLOG, List.of(), true, Optional.empty())
        .to(Sink.foreach(this::serve))
        .run(mat)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private void serve(Tcp.IncomingConnection connection) {
    Conn c = new Conn();
    var tlsStage = TLS.create(() -> c.engine, session -> c.onHandshake(), TLSClosing.eagerClose());
    Flow<TLSProtocol.SslTlsInbound, TLSProtocol.SslTlsOutbound, CompletionStage<Done>> echo =
        Flow.of(TLSProtocol.SslTlsInbound.class).mapConcat(c::answer).watchTermination(Keep.right());
    tlsStage.join(connection.flow())
        .joinMat(echo, Keep.right())
        .run(mat)
        .whenComplete((done, failure) -> c.onEnd(failure));
  }

  @Override
  String system() {
    return "pekko-raw";
  }

  @Override
  boolean answersCloseNotify() {
    return false;
  }

  @Override
  int port() {
    return binding.localAddress().getPort();
  }

  @Override
  public void close() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
