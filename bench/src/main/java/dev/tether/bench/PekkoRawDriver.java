package dev.tether.bench;

import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
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

/**
 * Baseline (a): the same {@code TLS.create(..., eagerClose)} + cipher-side kill switch + {@code
 * Tcp.outgoingConnection(halfClose = true)} pipeline as the product, with no actors: a bounded
 * source queue in, a sink out. Reconnects use the same backoff formula on the scheduler.
 */
public final class PekkoRawDriver extends Driver {
  private final ActorSystem system;
  private final Materializer mat;
  private final Map<Integer, Conn> conns = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> attempts = new ConcurrentHashMap<>();
  private volatile boolean stopping;

  /** One stream (one incarnation). */
  private final class Conn {
    final int idx;
    final boolean flood;
    final int chunk;
    final SSLEngine engine;
    volatile BoundedSourceQueue<ByteString> queue;
    volatile UniqueKillSwitch killSwitch;
    volatile boolean opened;
    volatile boolean truncated;
    volatile boolean closeRequested;

    Conn(int idx, boolean flood, int chunk) {
      this.idx = idx;
      this.flood = flood;
      this.chunk = chunk;
      this.engine = ThrowawayTls.clientEngine(target.tls(), target.port(idx));
    }

    void onHandshake() {
      if (opened) return; // TLS 1.3 session tickets call the verifier again
      opened = true;
      attempts.remove(idx);
      events.opened(idx, System.nanoTime());
    }

    void onElement(TLSProtocol.SslTlsInbound in) {
      if (in instanceof TLSProtocol.SessionBytes sb) {
        onInbound(sb.bytes().size());
      } else {
        truncated = true;
      }
    }

    void onEnd(Throwable failure) {
      boolean secure = failure == null && !truncated && engine.isInboundDone();
      String detail = failure != null ? "failed: " + failure : truncated ? "truncated" : secure ? "clean"
          : "ended without the peer's close_notify (inboundDone=false, outboundDone=" + engine.isOutboundDone() + ")";
      conns.remove(idx, this);
      events.ended(idx, System.nanoTime(), secure, detail);
      if (!closeRequested && !stopping) scheduleReconnect(this);
    }
  }

  public PekkoRawDriver(Target target, Events events) {
    super(target, events);
    this.system = ActorSystem.create("pekko-raw-bench", ConfigFactory.load());
    this.mat = Materializer.matFromSystem(system);
  }

  @Override
  public String system() {
    return "pekko-raw";
  }

  @Override
  public void open(int idx, boolean flood, int chunk) {
    Conn c = new Conn(idx, flood, chunk);
    conns.put(idx, c);
    var tls = TLS.create(() -> c.engine, session -> c.onHandshake(), TLSClosing.eagerClose());
    BidiFlow<ByteString, ByteString, ByteString, ByteString, UniqueKillSwitch> kill =
        BidiFlow.fromGraph(KillSwitches.<ByteString, ByteString>singleBidi());
    var tcp = Tcp.get(system).outgoingConnection(
        InetSocketAddress.createUnresolved(ThrowawayTls.HOST, target.port(idx)),
        Optional.empty(), List.of(), true, Optional.empty(), Optional.empty());
    Flow<TLSProtocol.SslTlsOutbound, TLSProtocol.SslTlsInbound, UniqueKillSwitch> transport =
        tls.atop(kill, Keep.right()).join(tcp, Keep.left());
    Sink<TLSProtocol.SslTlsInbound, CompletionStage<Done>> sink = Sink.foreach(c::onElement);
    CompletionStage<Done> done;
    if (flood) {
      ByteString bytes = ByteString.fromArray(new byte[chunk]);
      Pair<UniqueKillSwitch, CompletionStage<Done>> m = Source.repeat(bytes)
          .<TLSProtocol.SslTlsOutbound>map(TLSProtocol.SendBytes::new)
          .viaMat(transport, Keep.right())
          .toMat(sink, Keep.both())
          .run(mat);
      c.killSwitch = m.first();
      done = m.second();
    } else {
      Source<ByteString, BoundedSourceQueue<ByteString>> source = Source.queue(64);
      Pair<Pair<BoundedSourceQueue<ByteString>, UniqueKillSwitch>, CompletionStage<Done>> m = source
          .<TLSProtocol.SslTlsOutbound>map(TLSProtocol.SendBytes::new)
          .viaMat(transport, Keep.both())
          .toMat(sink, Keep.both())
          .run(mat);
      c.queue = m.first().first();
      c.killSwitch = m.first().second();
      done = m.second();
    }
    done.whenComplete((d, err) -> c.onEnd(err));
  }

  @Override
  public void close(int idx, boolean graceful) {
    Conn c = conns.get(idx);
    if (c == null) return;
    c.closeRequested = true;
    if (graceful && c.queue != null) {
      c.queue.complete(); // plaintext completes: the TLS stage sends close_notify
    } else {
      c.killSwitch.abort(new RuntimeException("closed on request with mode abort"));
    }
  }

  @Override
  public CompletableFuture<Void> echo(int idx, byte[] payload) {
    CompletableFuture<Void> f = expectEcho(payload.length);
    Conn c = conns.get(idx);
    c.queue.offer(ByteString.fromArray(payload));
    return f;
  }

  private void scheduleReconnect(Conn ended) {
    int attempt = attempts.merge(ended.idx, 1, Integer::sum) - 1;
    Duration delay = target.backoff().delay(attempt);
    system.scheduler().scheduleOnce(delay, () -> {
      if (!stopping) open(ended.idx, ended.flood, ended.chunk);
    }, system.dispatcher());
  }

  @Override
  public void close() throws Exception {
    stopping = true;
    for (Conn c : conns.values()) c.killSwitch.abort(new RuntimeException("driver closed"));
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
