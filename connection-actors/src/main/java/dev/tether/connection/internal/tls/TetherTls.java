package dev.tether.connection.internal.tls;

import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSProtocol.SslTlsInbound;
import org.apache.pekko.stream.TLSProtocol.SslTlsOutbound;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.stage.AbstractGraphStageWithMaterializedValue;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: Tether's own TLS stage, a drop-in for {@code TLS.create(engine, verifier, closing)}:
 * the same shape (plaintext-in, cipher-out, cipher-in, plaintext-out), the same elements, {@code
 * SessionTruncated} wherever Pekko's stage emits it, the verifier called once the handshake has
 * finished (a verifier that throws fails the stage and the transport).
 *
 * <p>Where it differs from Pekko 1.x's stage (details in {@code TlsStageLogic}, the close rules in {@code
 * TlsPhases}):
 *
 * <ul>
 *   <li><b>memory</b>: the engine's buffers are borrowed per batch of engine calls and given back
 *       before the callback returns; an idle connection holds no buffer (Pekko: four, ~89 KiB);
 *   <li><b>delegated tasks</b> run on an executor (default: the stream's blocking-I/O dispatcher), not
 *       on the stream's thread;
 *   <li><b>close</b>: after our close_notify, the peer's data is still delivered (Pekko discards it)
 *       until its close_notify or the end of TCP; the peer's close_notify is answered with ours on
 *       TLS 1.3 too (Pekko sends a bare FIN); a transport that ends without the peer's close_notify
 *       after ours is reported as {@code SessionTruncated} too (Pekko completes silently); a close
 *       asked for during the handshake takes effect as soon as the handshake has finished (like
 *       Pekko: it never aborts the handshake; the caller's handshake timer bounds it);
 *   <li><b>verifier</b>: called once per new session; Pekko calls it again after each TLS 1.3
 *       post-handshake message (session tickets).
 * </ul>
 */
public final class TetherTls
    extends AbstractGraphStageWithMaterializedValue<BidiShape<SslTlsOutbound, ByteString, ByteString, SslTlsInbound>, TlsStageProbe> {

  final Inlet<SslTlsOutbound> plainIn = Inlet.create("TetherTls.plainIn");
  final Outlet<ByteString> cipherOut = Outlet.create("TetherTls.cipherOut");
  final Inlet<ByteString> cipherIn = Inlet.create("TetherTls.cipherIn");
  final Outlet<SslTlsInbound> plainOut = Outlet.create("TetherTls.plainOut");
  private final BidiShape<SslTlsOutbound, ByteString, ByteString, SslTlsInbound> shape =
      BidiShape.of(plainIn, cipherOut, cipherIn, plainOut);

  final Supplier<SSLEngine> engineFactory;
  final Consumer<SSLSession> verifier;
  final TLSClosing closing;
  /** Where delegated tasks run; null: the stream's blocking-I/O dispatcher. */
  final Executor taskExecutor;
  private final boolean probed;

  private TetherTls(Supplier<SSLEngine> engineFactory, Consumer<SSLSession> verifier, TLSClosing closing,
      Executor taskExecutor, boolean probed) {
    this.engineFactory = engineFactory;
    this.verifier = verifier;
    this.closing = closing;
    this.taskExecutor = taskExecutor;
    this.probed = probed;
  }

  /**
   * The stage as a {@code BidiFlow}, with {@code TLS.create}'s parameters: a fresh engine per
   * materialization from {@code sslEngineCreator}, {@code sessionVerifier} rejects a session by
   * throwing, {@code closing} says what a completed plaintext-in or a cancelled plaintext-out does.
   * Delegated tasks run on the stream's blocking-I/O dispatcher.
   */
  public static BidiFlow<SslTlsOutbound, ByteString, ByteString, SslTlsInbound, NotUsed> create(
      Supplier<SSLEngine> sslEngineCreator, Consumer<SSLSession> sessionVerifier, TLSClosing closing) {
    return create(sslEngineCreator, sessionVerifier, closing, null);
  }

  /** As {@link #create(Supplier, Consumer, TLSClosing)}, with delegated tasks run on {@code delegatedTasks}. */
  public static BidiFlow<SslTlsOutbound, ByteString, ByteString, SslTlsInbound, NotUsed> create(
      Supplier<SSLEngine> sslEngineCreator, Consumer<SSLSession> sessionVerifier, TLSClosing closing,
      Executor delegatedTasks) {
    return BidiFlow.fromGraph(new TetherTls(sslEngineCreator, sessionVerifier, closing, delegatedTasks, false))
        .mapMaterializedValue(probe -> NotUsed.getInstance());
  }

  /** For tests: the same stage, materializing a probe that asks it what it holds. */
  static BidiFlow<SslTlsOutbound, ByteString, ByteString, SslTlsInbound, TlsStageProbe> createProbed(
      Supplier<SSLEngine> sslEngineCreator, Consumer<SSLSession> sessionVerifier, TLSClosing closing,
      Executor delegatedTasks) {
    return BidiFlow.fromGraph(new TetherTls(sslEngineCreator, sessionVerifier, closing, delegatedTasks, true));
  }

  @Override
  public BidiShape<SslTlsOutbound, ByteString, ByteString, SslTlsInbound> shape() {
    return shape;
  }

  @Override
  public Attributes initialAttributes() {
    return Attributes.name("TetherTls");
  }

  @Override
  public Pair<GraphStageLogic, TlsStageProbe> createLogicAndMaterializedValuePair(Attributes inheritedAttributes) {
    TlsStageProbe probe = probed ? new TlsStageProbe() : TlsStageProbe.NONE;
    return Pair.create(new TlsStageLogic(this, probe), probe);
  }
}
