package dev.tether.connection.internal.tls;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * One running TLS stage (either implementation) over a transport, driven by a test: writes go in
 * through a queue, what plaintext-out emits is pulled one element at a time (the sink buffers one
 * element, so back-pressure reaches the stage as it is). Every wait is bounded by {@link #MAX}.
 */
final class StageRun {
  static final Duration MAX = Duration.ofSeconds(20);

  /** How plaintext-out ended, and what it delivered before. */
  record End(ByteString data, boolean truncated, Optional<Throwable> failure) {
    boolean clean() {
      return !truncated && failure.isEmpty();
    }

    String text() {
      return data.decodeString(StandardCharsets.UTF_8);
    }
  }

  /** Makes a stage: {@link TlsImpl}, or a lambda for a stage with other parameters. */
  interface StageFactory {
    BidiFlow<TLSProtocol.SslTlsOutbound, ByteString, ByteString, TLSProtocol.SslTlsInbound, TlsStageProbe> create(
        Supplier<SSLEngine> engine, Consumer<SSLSession> verifier, TLSClosing closing);
  }

  final SourceQueueWithComplete<TLSProtocol.SslTlsOutbound> writer;
  final SinkQueueWithCancel<TLSProtocol.SslTlsInbound> reader;
  /** Tether's stage only: what it holds. */
  final TlsStageProbe probe;
  final AtomicReference<SSLEngine> engine;
  final List<SSLSession> verified;

  private StageRun(SourceQueueWithComplete<TLSProtocol.SslTlsOutbound> writer, SinkQueueWithCancel<TLSProtocol.SslTlsInbound> reader,
      TlsStageProbe probe, AtomicReference<SSLEngine> engine, List<SSLSession> verified) {
    this.writer = writer;
    this.reader = reader;
    this.probe = probe;
    this.engine = engine;
    this.verified = verified;
  }

  /** A client stage connected to 127.0.0.1:port, eager close, recording verified sessions. */
  static StageRun client(ActorSystem<?> system, StageFactory impl, Supplier<SSLEngine> engine, int port) {
    return client(system, impl, engine, port, s -> { }, TLSClosing.eagerClose());
  }

  static StageRun client(ActorSystem<?> system, StageFactory impl, Supplier<SSLEngine> engine, int port,
      Consumer<SSLSession> verifier, TLSClosing closing) {
    var tcp = Tcp.get(system).outgoingConnection(InetSocketAddress.createUnresolved("127.0.0.1", port),
        Optional.empty(), List.of(), true, Optional.empty(), Optional.empty());
    return over(system, impl, engine, verifier, closing, tcp);
  }

  /** The stage joined to any transport: a TCP connection, an accepted one, or another stage in memory. */
  static StageRun over(ActorSystem<?> system, StageFactory impl, Supplier<SSLEngine> engineFactory,
      Consumer<SSLSession> verifier, TLSClosing closing, Flow<ByteString, ByteString, ?> transport) {
    AtomicReference<SSLEngine> engine = new AtomicReference<>();
    List<SSLSession> verified = new CopyOnWriteArrayList<>();
    var tls = impl.create(() -> {
      SSLEngine e = engineFactory.get();
      engine.set(e);
      return e;
    }, session -> {
      verified.add(session);
      verifier.accept(session);
    }, closing);
    Pair<Pair<SourceQueueWithComplete<TLSProtocol.SslTlsOutbound>, TlsStageProbe>, SinkQueueWithCancel<TLSProtocol.SslTlsInbound>> mat =
        Source.<TLSProtocol.SslTlsOutbound>queue(4, OverflowStrategy.backpressure())
            .viaMat(tls.join(transport, Keep.left()), Keep.both())
            .toMat(Sink.<TLSProtocol.SslTlsInbound>queue().withAttributes(Attributes.inputBuffer(1, 1)), Keep.both())
            .run(Materializer.matFromSystem(system));
    return new StageRun(mat.first().first(), mat.second(), mat.first().second(), engine, verified);
  }

  void write(String text) {
    write(ByteString.fromString(text, StandardCharsets.UTF_8));
  }

  void write(ByteString bytes) {
    await(writer.offer(new TLSProtocol.SendBytes(bytes)).toCompletableFuture());
  }

  /** Completes plaintext-in: with eager close, our close_notify goes out. */
  void finish() {
    writer.complete();
  }

  /** The next element, or empty once plaintext-out completed; a failure is thrown as its cause. */
  Optional<TLSProtocol.SslTlsInbound> next() throws Throwable {
    try {
      return reader.pull().toCompletableFuture().get(MAX.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause();
    }
  }

  /** Reads until exactly {@code n} bytes arrived (fails if more, or if the stream ends first). */
  ByteString read(int n) throws Throwable {
    ByteString got = ByteString.emptyByteString();
    while (got.size() < n) {
      Optional<TLSProtocol.SslTlsInbound> e = next();
      assertTrue(e.isPresent() && e.get() instanceof TLSProtocol.SessionBytes,
          "expected " + (n - got.size()) + " more bytes, got " + e + " after " + got.size());
      got = got.concat(((TLSProtocol.SessionBytes) e.get()).bytes());
    }
    assertTrue(got.size() == n, "expected " + n + " bytes, got " + got.size());
    return got;
  }

  String readText(int n) throws Throwable {
    return read(n).decodeString(StandardCharsets.UTF_8);
  }

  /** Everything until plaintext-out ends: data, whether SessionTruncated came (last), or the failure. */
  End readToEnd() {
    ByteString data = ByteString.emptyByteString();
    List<Object> after = new ArrayList<>();
    try {
      for (Optional<TLSProtocol.SslTlsInbound> e = next(); e.isPresent(); e = next()) {
        if (e.get() instanceof TLSProtocol.SessionBytes sb) {
          assertTrue(after.isEmpty(), "data after SessionTruncated: " + after);
          data = data.concat(sb.bytes());
        } else {
          after.add(e.get());
        }
      }
      return new End(data, !after.isEmpty(), Optional.empty());
    } catch (Throwable t) {
      if (t instanceof TimeoutException || t instanceof AssertionError) throw new AssertionError("plaintext-out did not end", t);
      return new End(data, !after.isEmpty(), Optional.of(t));
    }
  }

  TlsStageProbe.Holdings holdings() throws Exception {
    return probe.holdings().toCompletableFuture().get(MAX.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
    try {
      return f.get(MAX.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
