package dev.tether.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;

/**
 * One system under test, driving connections to the echo server. Connections are numbered by the
 * harness; everything is asynchronous and reported through {@link Events}. Each driver owns its
 * runtime (actor system or event loop group) and its own TLS context, and is closed after one
 * repetition.
 */
public abstract class Driver implements AutoCloseable {

  /** Lifecycle callbacks; may be called from any thread. */
  public interface Events {
    /** Connection {@code idx} finished its TLS handshake (again, after a reconnect). */
    void opened(int idx, long nanos);

    /**
     * An incarnation of connection {@code idx} ended. {@code secure}: both close_notify alerts
     * were exchanged (or ours was sent, for a send-only close).
     */
    void ended(int idx, long nanos, boolean secure, String detail);
  }

  /** Reconnect policy shared by all systems: Tether's formula, min(max, min * 2^attempt) * [1, 1 + rf]. */
  public record Backoff(Duration min, Duration max, double randomFactor) {
    public Duration delay(int attempt) {
      double base = Math.min((double) max.toNanos(), min.toNanos() * Math.pow(2, Math.min(attempt, 30)));
      return Duration.ofNanos((long) (base * (1.0 + ThreadLocalRandom.current().nextDouble() * randomFactor)));
    }
  }

  /**
   * The echo servers, the client TLS context and the common settings. Connection {@code idx} goes to
   * {@link #port(int)}: the servers take turns, so that N connections spread evenly over them (one
   * server JVM cannot hold more sockets than the process file limit).
   */
  public record Target(List<Integer> ports, SSLContext tls, Backoff backoff) {
    public Target(int port, SSLContext tls, Backoff backoff) {
      this(List.of(port), tls, backoff);
    }

    /** The port of connection {@code idx}'s echo server. */
    public int port(int idx) {
      return ports.get(idx % ports.size());
    }
  }

  protected final Target target;
  protected final Events events;
  /** Decrypted bytes received on all connections. */
  protected final LongAdder rxBytes = new LongAdder();
  /** The single outstanding echo of {@link #echo} (one connection, one caller). */
  protected volatile EchoWaiter echoWaiter;

  protected Driver(Target target, Events events) {
    this.target = target;
    this.events = events;
  }

  /** The system's name: one of {@link Results#SYSTEMS}. */
  public abstract String system();

  /**
   * A fresh driver of {@code system}: {@code tether} (the product as shipped), {@code
   * tether-pekko-stage} (the same with {@code tether.tls-stage = pekko}), {@code pekko-raw} or {@code
   * netty}.
   */
  public static Driver create(String system, Target target, Events events) {
    return switch (system) {
      case "tether" -> new TetherDriver(target, events, dev.tether.connection.tls.TlsStage.TETHER);
      case "tether-pekko-stage" -> new TetherDriver(target, events, dev.tether.connection.tls.TlsStage.PEKKO);
      case "pekko-raw" -> new PekkoRawDriver(target, events);
      case "netty" -> new NettyDriver(target, events);
      default -> throw new IllegalArgumentException("unknown system " + system + "; known: " + Results.SYSTEMS);
    };
  }

  /**
   * Opens connection {@code idx}. With {@code flood}, it writes {@code chunk}-sized buffers as fast
   * as backpressure allows from the moment it is open, until closed.
   */
  public abstract void open(int idx, boolean flood, int chunk);

  /** Closes connection {@code idx}: gracefully (close_notify both ways) or by a TCP reset. */
  public abstract void close(int idx, boolean graceful);

  /** Closes every open connection gracefully; the product may use its own bulk call. */
  public void closeAllGracefully(int n) {
    for (int i = 0; i < n; i++) close(i, true);
  }

  /** Writes {@code payload} on connection {@code idx}; completes when as many bytes came back. */
  public abstract CompletableFuture<Void> echo(int idx, byte[] payload);

  /** System-specific figures gathered since the last call, for diagnosis: "metric unit" to value. */
  java.util.Map<String, Double> diagnostics() {
    return java.util.Map.of();
  }

  public long rxBytes() {
    return rxBytes.sum();
  }

  /** Call for every inbound chunk of the echo connection. */
  protected final void onInbound(int size) {
    rxBytes.add(size);
    EchoWaiter w = echoWaiter;
    if (w != null) w.received(size); // a completed waiter stays until the next echo replaces it
  }

  /** Counts bytes until a whole echo came back. */
  protected static final class EchoWaiter {
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private int remaining;

    EchoWaiter(int expected) {
      remaining = expected;
    }

    synchronized void received(int n) {
      remaining -= n;
      if (remaining <= 0) done.complete(null);
    }
  }

  protected final CompletableFuture<Void> expectEcho(int size) {
    EchoWaiter w = new EchoWaiter(size);
    echoWaiter = w;
    return w.done;
  }

  @Override
  public abstract void close() throws Exception;
}
