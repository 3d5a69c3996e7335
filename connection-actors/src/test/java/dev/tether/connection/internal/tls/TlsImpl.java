package dev.tether.connection.internal.tls;

import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSProtocol.SslTlsInbound;
import org.apache.pekko.stream.TLSProtocol.SslTlsOutbound;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.TLS;
import org.apache.pekko.util.ByteString;

/** The two TLS stages a test can run: Pekko's {@code TLS.create} and {@link TetherTls}. */
enum TlsImpl implements StageRun.StageFactory {
  PEKKO {
    @Override
    public BidiFlow<SslTlsOutbound, ByteString, ByteString, SslTlsInbound, TlsStageProbe> create(
        Supplier<SSLEngine> engine, Consumer<SSLSession> verifier, TLSClosing closing) {
      return TLS.create(engine, verifier, closing).mapMaterializedValue(notUsed -> TlsStageProbe.NONE);
    }
  },
  TETHER {
    @Override
    public BidiFlow<SslTlsOutbound, ByteString, ByteString, SslTlsInbound, TlsStageProbe> create(
        Supplier<SSLEngine> engine, Consumer<SSLSession> verifier, TLSClosing closing) {
      return TetherTls.createProbed(engine, verifier, closing, null);
    }
  };

  /** The stage; its materialized value is a probe ({@link TlsStageProbe#NONE} for Pekko's). */
  @Override
  public abstract BidiFlow<SslTlsOutbound, ByteString, ByteString, SslTlsInbound, TlsStageProbe> create(
      Supplier<SSLEngine> engine, Consumer<SSLSession> verifier, TLSClosing closing);
}
