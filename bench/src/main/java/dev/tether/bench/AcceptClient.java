package dev.tether.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The clients of the accept scenario, in their own JVM so that the server's heap figure holds only
 * server-side state. Plain Netty TLS clients (JDK provider, the same engine as every outbound
 * scenario), driven by one-line commands on stdin, each answered by one line on stdout:
 *
 * <pre>
 *   OPEN &lt;port&gt; &lt;n&gt; &lt;concurrency&gt;  opens n connections, at most concurrency at a time in flight;
 *                                 each sends one line once its handshake is done and is "ready"
 *                                 when the same bytes came back (which frees its slot)
 *                                 → OPENED &lt;ready&gt; &lt;failed&gt; &lt;ms&gt; [first problems]
 *   CLOSE                         closes every connection gracefully (close_notify) and waits
 *                                 → CLOSED &lt;clean&gt; &lt;unclean&gt; &lt;ms&gt; [first problems]
 * </pre>
 *
 * A fresh client context per {@code OPEN}. End of stdin (the harness is gone) ends the process.
 *
 * <p>Usage: {@code AcceptClient <tls-dir>}; prints {@code READY} once started.
 */
public final class AcceptClient {
  private static final long OPEN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);
  private static final long CLOSE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

  private final ThrowawayTls tls;
  private final EventLoopGroup group = new NioEventLoopGroup();
  private final List<Conn> conns = new ArrayList<>();
  private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

  private AcceptClient(ThrowawayTls tls) {
    this.tls = tls;
  }

  public static void main(String[] args) throws Exception {
    AcceptClient client = new AcceptClient(ThrowawayTls.existing(Path.of(args[0])));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    reply("READY");
    String line;
    while ((line = in.readLine()) != null) {
      String[] w = line.trim().split(" ");
      try {
        switch (w[0]) {
          case "OPEN" -> reply(client.open(Integer.parseInt(w[1]), Integer.parseInt(w[2]), Integer.parseInt(w[3])));
          case "CLOSE" -> reply(client.closeAll());
          default -> reply("ERROR unknown command: " + line);
        }
      } catch (RuntimeException e) {
        reply("ERROR " + e);
      }
    }
    Runtime.getRuntime().halt(0); // the harness is gone: no orphans
  }

  private static void reply(String line) {
    System.out.println(line.replace('\n', ' '));
    System.out.flush();
  }

  /** One client connection and its handler. */
  private final class Conn extends ChannelInboundHandlerAdapter {
    final int idx;
    final byte[] payload;
    final Semaphore slots;
    final CountDownLatch settled;
    final byte[] received;
    int receivedCount;
    volatile Channel channel;
    volatile SslHandler ssl;
    volatile boolean isSettled;
    volatile boolean ready;
    volatile boolean closeRequested;
    volatile String problem;

    Conn(int idx, Semaphore slots, CountDownLatch settled) {
      this.idx = idx;
      this.payload = ("accept " + idx + "\n").getBytes(StandardCharsets.US_ASCII);
      this.received = new byte[payload.length];
      this.slots = slots;
      this.settled = settled;
    }

    void onHandshake(io.netty.util.concurrent.Future<? super Channel> f) {
      if (f.isSuccess()) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(payload));
      } else {
        settle(false, "handshake failed: " + f.cause());
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        int n = Math.min(buf.readableBytes(), received.length - receivedCount);
        buf.readBytes(received, receivedCount, n);
        receivedCount += n;
        if (buf.isReadable()) {
          settle(false, "more bytes echoed than sent");
        } else if (receivedCount == received.length) {
          boolean same = Arrays.equals(received, payload);
          settle(same, same ? null : "the echo differs from what was sent");
        }
      } finally {
        buf.release();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslCloseCompletionEvent) ctx.close(); // the server's close_notify: done
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!isSettled) settle(false, "closed before its echo came back");
      else if (ready && !closeRequested) problem("connection " + idx + ": closed by the server before CLOSE");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!isSettled) settle(false, cause.toString());
      ctx.close();
    }

    /** Ready or failed: frees the slot, once. */
    synchronized void settle(boolean ok, String why) {
      if (isSettled) return;
      isSettled = true;
      ready = ok;
      if (!ok) {
        problem = why;
        problem("connection " + idx + ": " + why);
        if (channel != null) channel.close();
      }
      slots.release();
      settled.countDown();
    }

    /** Close_notify went both ways (the server's arrived) and nothing went wrong before CLOSE. */
    boolean closedCleanly() {
      return ready && closeRequested && ssl.sslCloseFuture().isSuccess();
    }
  }

  private void problem(String text) {
    if (problems.size() < 3) problems.add(text);
  }

  /** The first problems since the last reply, for the next reply. */
  private String takeProblems() {
    String text = String.join(" | ", problems);
    problems.clear();
    return text;
  }

  private String open(int port, int n, int concurrency) throws InterruptedException {
    takeProblems();
    SSLContext ctx = tls.newClientContext();
    Semaphore slots = new Semaphore(concurrency);
    CountDownLatch settled = new CountDownLatch(n);
    long t0 = System.nanoTime();
    long deadline = t0 + OPEN_TIMEOUT_NANOS;
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
    for (int i = 0; i < n; i++) {
      if (!slots.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) break;
      Conn c = new Conn(i, slots, settled);
      conns.add(c);
      bootstrap.clone()
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              c.channel = ch;
              c.ssl = new SslHandler(ThrowawayTls.clientEngine(ctx, port));
              c.ssl.handshakeFuture().addListener(c::onHandshake);
              ch.pipeline().addLast(c.ssl, c);
            }
          })
          .connect(ThrowawayTls.HOST, port)
          .addListener(f -> {
            if (!f.isSuccess()) c.settle(false, "connect failed: " + f.cause());
          });
    }
    settled.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    double ms = (System.nanoTime() - t0) / 1e6;
    int ready = (int) conns.stream().filter(c -> c.ready).count();
    return String.format(Locale.ROOT, "OPENED %d %d %.1f %s", ready, n - ready, ms, takeProblems());
  }

  private String closeAll() throws InterruptedException {
    long t0 = System.nanoTime();
    for (Conn c : conns) {
      c.closeRequested = true;
      if (c.ready && c.channel.isActive()) c.ssl.closeOutbound();
      else if (c.channel != null) c.channel.close();
    }
    long deadline = t0 + CLOSE_TIMEOUT_NANOS;
    for (Conn c : conns) {
      if (c.channel != null) c.channel.closeFuture().await(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    int clean = 0;
    for (Conn c : conns) {
      if (c.closedCleanly()) {
        clean++;
      } else if (c.ready) {
        problem("connection " + c.idx + ": " + (c.channel.isOpen() ? "not closed within 60 s"
            : "closed without the server's close_notify"));
      }
    }
    int unclean = (int) conns.stream().filter(c -> c.ready).count() - clean;
    conns.clear();
    return String.format(Locale.ROOT, "CLOSED %d %d %.1f %s", clean, unclean, ms, takeProblems());
  }
}
