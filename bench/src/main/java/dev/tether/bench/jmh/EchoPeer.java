package dev.tether.bench.jmh;

import dev.tether.bench.Driver;
import dev.tether.bench.EchoServerProcess;
import dev.tether.bench.ThrowawayTls;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The TLS echo server a round-trip benchmark talks to (a JVM of its own, with the harness's
 * throwaway certificate), and how a driver reaches it: the same for both round-trip benchmarks.
 */
record EchoPeer(EchoServerProcess server, Driver.Target target) implements AutoCloseable {

  static EchoPeer start() throws Exception {
    ThrowawayTls tls = ThrowawayTls.existing(Path.of(System.getProperty(EchoRoundTripBenchmark.TLS_DIR)));
    EchoServerProcess server = EchoServerProcess.start(tls, Path.of(System.getProperty(EchoRoundTripBenchmark.LOG)));
    return new EchoPeer(server, new Driver.Target(server.port(), tls.newClientContext(),
        new Driver.Backoff(Duration.ofMillis(250), Duration.ofSeconds(4), 1.0)));
  }

  /** Driver events that run {@code opened} when a connection opens and ignore its end. */
  static Driver.Events onOpen(Runnable opened) {
    return new Driver.Events() {
      @Override
      public void opened(int idx, long nanos) {
        opened.run();
      }

      @Override
      public void ended(int idx, long nanos, boolean secure, String detail) {}
    };
  }

  @Override
  public void close() throws Exception {
    server.close();
  }
}
