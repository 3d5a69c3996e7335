package dev.tether.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;

/**
 * The TLS echo peer of every scenario, run in its own JVM so that client and server each have the
 * whole per-process file limit. Netty with the JDK TLS provider, bound to 127.0.0.1. It echoes
 * every byte (with backpressure), answers a close_notify with its own and closes TCP.
 *
 * <p>Usage: {@code EchoServer <port> <cert.pem> <key.pem>}; prints {@code READY <port>} once bound.
 */
public final class EchoServer {
  private EchoServer() {}

  public static void main(String[] args) throws Exception {
    exitWhenParentDies();
    int port = Integer.parseInt(args[0]);
    SslContext ssl = SslContextBuilder.forServer(new File(args[1]), new File(args[2]))
        .sslProvider(SslProvider.JDK)
        .protocols("TLSv1.3", "TLSv1.2")
        .build();
    EventLoopGroup boss = new NioEventLoopGroup(1);
    EventLoopGroup workers = new NioEventLoopGroup();
    Channel bound = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 8192)
        .option(ChannelOption.SO_REUSEADDR, true)
        // A client's FIN right behind its close_notify must not close the channel before we answer.
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new EchoHandler());
          }
        })
        .bind("127.0.0.1", port)
        .sync()
        .channel();
    int actual = ((java.net.InetSocketAddress) bound.localAddress()).getPort();
    System.out.println("READY " + actual);
    System.out.flush();
    bound.closeFuture().sync();
  }

  /** The harness holds our stdin open; end-of-file means it is gone, so go too (no orphans). */
  private static void exitWhenParentDies() {
    Thread t = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // discard
        }
      } catch (java.io.IOException ignored) {
        // treat like end-of-file
      }
      Runtime.getRuntime().halt(0);
    }, "parent-watch");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Echoes with backpressure: stops reading while the channel is not writable. Also the echo of
   * {@link NettyAcceptServer}.
   */
  static final class EchoHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
      if (!ctx.channel().isWritable()) ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) ctx.channel().config().setAutoRead(true);
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      // The peer's close_notify: answer with ours (SslHandler does it on close) and close TCP.
      if (evt instanceof SslCloseCompletionEvent || evt instanceof ChannelInputShutdownEvent) ctx.close();
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // resets and handshake failures are the client's to report
    }
  }
}
