package dev.tether.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * Baseline (b) of the accept scenario: Netty 4.1 NIO, {@link SslHandler} over a JDK server engine
 * and the echo handler of {@link EchoServer} (backpressure, answers close_notify and closes). A
 * connection counts as accepted when its {@link SslHandler#handshakeFuture()} succeeds.
 */
final class NettyAcceptServer extends AcceptServer {
  private final EventLoopGroup boss = new NioEventLoopGroup(1);
  private final EventLoopGroup workers = new NioEventLoopGroup();
  private final Channel bound;

  NettyAcceptServer(SSLContext tls) throws InterruptedException {
    bound = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, BACKLOG)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            SslHandler ssl = new SslHandler(ThrowawayTls.serverEngine(tls));
            boolean[] opened = new boolean[1]; // written and read on the channel's event loop
            ssl.handshakeFuture().addListener(f -> {
              if (f.isSuccess()) {
                opened[0] = true;
                handshaken(System.nanoTime());
              }
            });
            ch.closeFuture().addListener(f -> {
              boolean secure = ssl.sslCloseFuture().isSuccess();
              ended(opened[0], secure, secure ? "clean"
                  : ssl.handshakeFuture().cause() != null ? "handshake failed: " + ssl.handshakeFuture().cause()
                  : "closed without close_notify");
            });
            ch.pipeline().addLast(ssl, new EchoServer.EchoHandler());
          }
        })
        .bind(ThrowawayTls.HOST, 0)
        .sync()
        .channel();
  }

  @Override
  String system() {
    return "netty";
  }

  @Override
  int port() {
    return ((InetSocketAddress) bound.localAddress()).getPort();
  }

  @Override
  public void close() throws InterruptedException {
    bound.close().await(10, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS);
  }
}
