package dev.tether.connection.internal.transport;

import dev.tether.connection.internal.wire.RecordHeaders;
import dev.tether.connection.tls.TlsStage;
import dev.tether.connection.internal.tls.TetherTls;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.Graph;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.CompletionStrategy;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RunnableGraph;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.TLS;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: builds and runs one incarnation's stream, layered like a Netty pipeline:
 *
 * <pre>
 *   actor ─ Write ─► [plaintext source] ─► TLS stage ─► CipherOutWatch ─► kill switch ─► Tcp.outgoingConnection
 *   actor ◄─ Inbound ─ [actor sink] ◄──── TLS stage ◄─ TlsRecordSniffer ◄─ kill switch ◄─ (failure → completion)
 *                                       (server role for an accepted connection)               or the accepted flow
 * </pre>
 *
 * The TLS stage is Pekko's {@code TLS.create} or Tether's {@link TetherTls}, as {@code tether.tls-stage} says.
 *
 * Each stage reports to the owning actor only by {@code tell}, with the {@link Signal}s below. The
 * actor gets back a {@link TransportHandles}: how to write, finish, shut down or abort, and what the
 * stream's side channels observed.
 */
public final class ConnectionTransport {
  private ConnectionTransport() {}

  /** What the stream tells the connection actor. */
  public sealed interface Signal extends IncarnationInput {}

  /** The actor sink is ready: acknowledge to get the first element. */
  public record StreamInit(ActorRef<Ack> ackTo) implements Signal {}

  /** One element from the TLS stage: decrypted bytes, or {@code SessionTruncated}. Acknowledge it. */
  public record Inbound(ActorRef<Ack> ackTo, TLSProtocol.SslTlsInbound element) implements Signal {}

  /** The inbound side ended: completed, or failed with {@code failure}. */
  public record StreamEnded(Optional<Throwable> failure) implements Signal {
    static final StreamEnded COMPLETED = new StreamEnded(Optional.empty());

    static StreamEnded failed(Throwable cause) {
      return new StreamEnded(Optional.of(cause));
    }
  }

  /**
   * TCP failed (a reset, an I/O error). The stream still delivers what it had received, as the
   * reader takes it, and then ends; the actor bounds that wait.
   */
  public enum TransportFailed implements Signal { INSTANCE }

  /** The plaintext source took the last write: the next one may be sent. */
  public enum WriteTaken implements Signal { INSTANCE }

  /** The handshake finished and the peer was verified (repeats on TLS 1.3 session tickets). */
  public record HandshakeCompleted(SSLSession session) implements Signal {}

  /** Our close_notify has been handed to TCP. */
  public enum CloseNotifyFlushed implements Signal { INSTANCE }

  /** The peer's first bytes are not a TLS record: it is not speaking TLS. */
  public record NotTls(ByteString firstBytes) implements Signal {}

  /** What the {@link InboundGuard} found out about an accepted client's first bytes. */
  public record Found(InboundFinding finding) implements Signal {}

  /** The acknowledgement the actor sink waits for. */
  public enum Ack { INSTANCE }

  /**
   * The plaintext source's end marker: this very instance (compared by identity) completes the
   * source after what was written before it. The source takes {@code SendBytes} directly, so that
   * no mapping stage sits in every connection's stream (each stage costs heap per connection).
   */
  static final TLSProtocol.SendBytes FINISH = new TLSProtocol.SendBytes(ByteString.emptyByteString());

  /** Thrown into the stream by the kill switch. No stack trace: it is a signal, not a bug. */
  public static final class LocalAbort extends RuntimeException {
    LocalAbort(String message) {
      super(message, null, false, false);
    }
  }

  /** Materializes the stream of one incarnation: connects for an outbound plan, serves the accepted connection for an inbound one. */
  public static TransportHandles start(ActorSystem<?> system, ActorRef<Signal> actor, TransportPlan plan) {
    AtomicReference<SSLEngine> engine = new AtomicReference<>();
    AtomicReference<Throwable> transportFailure = new AtomicReference<>();
    PipelineSide side = PipelineSide.of(plan);

    Supplier<SSLEngine> engineFactory = () -> {
      SSLEngine e = side.createEngine(plan.profile());
      engine.set(e);
      return e;
    };
    Consumer<SSLSession> verifier = session -> actor.tell(new HandshakeCompleted(session));
    // Both stages take the same elements and give the same ones back: the actor does not care which runs.
    var tls = plan.tlsStage() == TlsStage.TETHER
        ? TetherTls.create(engineFactory, verifier, TLSClosing.eagerClose())
        : TLS.create(engineFactory, verifier, TLSClosing.eagerClose());
    var cipherOut = Flow.fromGraph(new CipherOutWatch(engine, () -> actor.tell(CloseNotifyFlushed.INSTANCE)));
    AtomicReference<RecordHeaders.RecordHeader> lastRecord = new AtomicReference<>();
    BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> watch = side.watch(cipherOut, actor, lastRecord);
    BidiFlow<ByteString, ByteString, ByteString, ByteString, UniqueKillSwitch> kill =
        BidiFlow.fromGraph(KillSwitches.<ByteString, ByteString>singleBidi());
    // A transport failure (RST, I/O error) would overtake bytes still inside the pipeline. Turn it
    // into a completion, and remember it for the outcome: the TLS stage then delivers what it has,
    // reports the missing close_notify, and completes.
    // One stage does both (each stage costs heap per connection): remember, then complete.
    Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> tcp = side.tcp(system)
        .recoverWithRetries(1, new PFBuilder<Throwable, Graph<SourceShape<ByteString>, NotUsed>>()
            .match(Throwable.class, ex -> {
              transportFailure.compareAndSet(null, ex);
              actor.tell(TransportFailed.INSTANCE);
              return Source.empty();
            })
            .build());
    var pipeline = tls.atop(watch).atop(kill, Keep.right()).join(tcp, Keep.both());

    Source<TLSProtocol.SslTlsOutbound, ActorRef<TLSProtocol.SslTlsOutbound>> source = ActorSource.actorRefWithBackpressure(
        actor,
        WriteTaken.INSTANCE,
        o -> o == FINISH ? Optional.of(CompletionStrategy.draining()) : Optional.empty(),
        o -> Optional.empty());
    var sink = ActorSink.<TLSProtocol.SslTlsInbound, Signal, Ack>actorRefWithBackpressure(
        actor, Inbound::new, StreamInit::new, Ack.INSTANCE, StreamEnded.COMPLETED, StreamEnded::failed);

    RunnableGraph<Pair<ActorRef<TLSProtocol.SslTlsOutbound>, Pair<UniqueKillSwitch, CompletionStage<Tcp.OutgoingConnection>>>> graph =
        source
            .viaMat(pipeline, Keep.both())
            .to(sink);
    if (plan.streamDispatcher().isPresent()) {
      graph = graph.withAttributes(ActorAttributes.dispatcher(plan.streamDispatcher().get()));
    }
    var mat = graph.run(Materializer.matFromSystem(system));
    return new TransportHandles(mat.first(), mat.second().first(), mat.second().second(), engine, transportFailure,
        lastRecord);
  }
}
