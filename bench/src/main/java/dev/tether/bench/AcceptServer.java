package dev.tether.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A TLS echo server under test in the accept scenario. It runs in the harness JVM (the server is what
 * is measured; the clients are {@link AcceptClient} in a child JVM), bound to an ephemeral port on
 * {@link ThrowawayTls#HOST} with the same accept backlog for every system, and counts on the server
 * side: connections whose handshake completed, and connections that ended. A connection failed if it
 * ended before its handshake completed, before the harness announced the close ({@link
 * #expectCloses}), or without the close_notify exchange.
 */
abstract class AcceptServer implements AutoCloseable {
  /** The accept backlog: what Tether's listener binds with, so every system gets the same queue. */
  static final int BACKLOG = 1024;

  private final AtomicInteger handshakes = new AtomicInteger();
  private final AtomicInteger ends = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
  private volatile long lastHandshakeNanos;
  private volatile boolean closing;

  /**
   * Starts {@code system}'s server and returns once it is bound.
   *
   * @param tls the server context (a fresh one per system and repetition)
   * @param maxConnections how many connections the test opens (Tether's listener limit)
   */
  static AcceptServer start(String system, SSLContext tls, int maxConnections) throws Exception {
    return switch (system) {
      case "tether" -> new TetherAcceptServer(tls, maxConnections, dev.tether.connection.tls.TlsStage.TETHER);
      case "tether-pekko-stage" -> new TetherAcceptServer(tls, maxConnections, dev.tether.connection.tls.TlsStage.PEKKO);
      case "pekko-raw" -> new PekkoRawAcceptServer(tls);
      case "netty" -> new NettyAcceptServer(tls);
      default -> throw new IllegalArgumentException("unknown system " + system + "; known: " + Results.SYSTEMS);
    };
  }

  /** The system's name: one of {@link Results#SYSTEMS}. */
  abstract String system();

  /** The bound port. */
  abstract int port();

  /** System-specific figures gathered since the last call, "metric unit" to value, as {@link Driver#diagnostics()}. */
  Map<String, Double> diagnostics() {
    return Map.of();
  }

  /** A connection's handshake completed, seen by the server at {@code nanos}. */
  protected final void handshaken(long nanos) {
    lastHandshakeNanos = Math.max(lastHandshakeNanos, nanos);
    handshakes.incrementAndGet();
  }

  /**
   * A connection ended. {@code wasOpen}: its handshake had completed; {@code secure}: close_notify
   * went both ways.
   */
  protected final void ended(boolean wasOpen, boolean secure, String detail) {
    ends.incrementAndGet();
    String problem = !wasOpen ? "ended before its handshake completed"
        : !closing ? "ended before the clients closed"
        : !secure ? "closed without the close_notify exchange"
        : null;
    if (problem != null) {
      failures.incrementAndGet();
      if (problems.size() < 5) problems.add(problem + ": " + detail);
    }
  }

  /** From now on the clients close their connections gracefully; such ends are expected. */
  final void expectCloses() {
    closing = true;
  }

  /**
   * Whether the server answers a client's close_notify with its own on TLS 1.3. Raw Pekko does not:
   * the JDK engine does not answer on TLS 1.3 ({@code jdk.tls.acknowledgeCloseNotify=false}), and
   * the TLS stage then completes with a bare FIN (Tether's {@code CipherOutWatch} exists for this).
   */
  boolean answersCloseNotify() {
    return true;
  }

  /**
   * Starts counting afresh after the primer connections (all ended): handshakes, ends, failures
   * (the caller has taken them) and the close expectation. The problems' texts are kept.
   */
  final void resetCounts() {
    handshakes.set(0);
    failures.set(0);
    ends.set(0);
    lastHandshakeNanos = 0;
    closing = false;
    diagnostics();
  }

  final int handshakes() {
    return handshakes.get();
  }

  /** When the latest handshake completed (System.nanoTime). */
  final long lastHandshakeNanos() {
    return lastHandshakeNanos;
  }

  final int ends() {
    return ends.get();
  }

  final int failures() {
    return failures.get();
  }

  final List<String> problems() {
    return List.copyOf(problems);
  }
}
