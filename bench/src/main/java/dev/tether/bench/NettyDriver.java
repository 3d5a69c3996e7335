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
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Baseline (b): Netty 4.1 NIO with {@link SslHandler} over a JDK {@code SSLEngine} (the same
 * context and parameters as the others) plus an {@link IdleStateHandler}, the usual stand-in for a
 * per-connection timer. Reconnects use the same backoff formula on the event loop.
 */
public final class NettyDriver extends Driver {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration IDLE = Duration.ofSeconds(60);

  private final EventLoopGroup group = new NioEventLoopGroup();
  private final Map<Integer, Conn> conns = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> attempts = new ConcurrentHashMap<>();
  private volatile boolean stopping;

  public NettyDriver(Target target, Events events) {
    super(target, events);
  }

  @Override
  public String system() {
    return "netty";
  }

  /** One channel (one incarnation) and its handler. */
  private final class Conn extends ChannelInboundHandlerAdapter {
    final int idx;
    final boolean flood;
    final ByteBuf chunk;
    volatile Channel channel;
    volatile SslHandler ssl;
    volatile boolean opened;
    volatile boolean closeRequested;
    volatile boolean ended;

    Conn(int idx, boolean flood, int chunk) {
      this.idx = idx;
      this.flood = flood;
      this.chunk = flood ? Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[chunk])) : null;
    }

    void onHandshake(io.netty.util.concurrent.Future<? super Channel> f) {
      if (!f.isSuccess()) return; // the channel closes; channelInactive reports it
      opened = true;
      attempts.remove(idx);
      events.opened(idx, System.nanoTime());
      if (flood) writeWhileWritable();
    }

    void writeWhileWritable() {
      Channel ch = channel;
      boolean wrote = false;
      while (!closeRequested && ch.isActive() && ch.isWritable()) {
        ch.write(chunk.duplicate());
        wrote = true;
      }
      if (wrote) ch.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      onInbound(buf.readableBytes());
      buf.release();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (flood && opened && ctx.channel().isWritable()) writeWhileWritable();
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) ctx.close();
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      end(ssl.sslCloseFuture().isSuccess(), ssl.sslCloseFuture().isSuccess() ? "clean" : "closed without close_notify");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    void end(boolean secure, String detail) {
      if (ended) return;
      ended = true;
      conns.remove(idx, this);
      events.ended(idx, System.nanoTime(), secure, detail);
      if (!closeRequested && !stopping) scheduleReconnect(this);
    }
  }

  @Override
  public void open(int idx, boolean flood, int chunk) {
    Conn c = new Conn(idx, flood, chunk);
    conns.put(idx, c);
    new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            c.channel = ch;
            c.ssl = new SslHandler(ThrowawayTls.clientEngine(target.tls(), target.port(idx)));
            c.ssl.handshakeFuture().addListener(c::onHandshake);
            ch.pipeline().addLast(c.ssl, new IdleStateHandler(0, 0, IDLE.toSeconds(), TimeUnit.SECONDS), c);
          }
        })
        .connect(ThrowawayTls.HOST, target.port(idx))
        .addListener(f -> {
          if (!f.isSuccess()) c.end(false, "connect failed: " + f.cause());
        });
  }

  @Override
  public void close(int idx, boolean graceful) {
    Conn c = conns.get(idx);
    if (c == null || c.channel == null) return;
    c.closeRequested = true;
    if (graceful) {
      c.ssl.closeOutbound(); // close_notify; the echo server answers and closes TCP
    } else {
      c.channel.config().setOption(ChannelOption.SO_LINGER, 0);
      c.channel.close();
    }
  }

  @Override
  public CompletableFuture<Void> echo(int idx, byte[] payload) {
    CompletableFuture<Void> f = expectEcho(payload.length);
    conns.get(idx).channel.writeAndFlush(Unpooled.wrappedBuffer(payload));
    return f;
  }

  private void scheduleReconnect(Conn ended) {
    int attempt = attempts.merge(ended.idx, 1, Integer::sum) - 1;
    Duration delay = target.backoff().delay(attempt);
    group.schedule(() -> {
      if (!stopping) open(ended.idx, ended.flood, ended.chunk == null ? 0 : ended.chunk.capacity());
    }, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() throws Exception {
    stopping = true;
    for (Conn c : conns.values()) {
      if (c.channel != null) c.channel.close();
    }
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS);
  }
}
