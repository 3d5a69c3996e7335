package dev.tether.admin.demo;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.TLS;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's TLS echo peer: Pekko Streams {@code Tcp.bind} on 127.0.0.1, a free port, with a TLS
 * server stage (TLS 1.3) in front of an echo. Nothing blocks: every connection is a stream.
 */
public final class DemoPeer {
  private static final Logger log = LoggerFactory.getLogger(DemoPeer.class);

  private DemoPeer() {}

  /** Binds the echo peer; completes with its address once it accepts connections. */
  public static CompletionStage<InetSocketAddress> start(ActorSystem<?> system, SSLContext serverContext) {
    Flow<ByteString, ByteString, NotUsed> tlsEcho = TLS.create(() -> serverEngine(serverContext), TLSClosing.eagerClose())
        .reversed()
        .join(Flow.<TLSProtocol.SslTlsInbound>create().mapConcat(DemoPeer::echo));
    return Tcp.get(system).bind("127.0.0.1", 0)
        .toMat(Sink.foreach(connection -> connection.handleWith(tlsEcho, system)), Keep.left())
        .run(system)
        .thenApply(binding -> {
          log.info("demo TLS echo peer listening on {} (throwaway certificate, this process only)", binding.localAddress());
          return binding.localAddress();
        });
  }

  private static List<TLSProtocol.SslTlsOutbound> echo(TLSProtocol.SslTlsInbound in) {
    if (in instanceof TLSProtocol.SessionBytes bytes) return List.of(new TLSProtocol.SendBytes(bytes.bytes()));
    return List.of(); // SessionTruncated: the stream completes after it
  }

  private static SSLEngine serverEngine(SSLContext context) {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setEnabledProtocols(new String[] {"TLSv1.3"});
    return engine;
  }
}
