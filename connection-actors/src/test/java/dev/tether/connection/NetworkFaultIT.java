package dev.tether.connection;

import org.junit.jupiter.api.Tag;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.settings.KeepaliveSettings;
import static dev.tether.testing.TetherFixture.receiveFrom;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.NetNs;
import dev.tether.testing.OpenSslServer;
import dev.tether.testing.TetherFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Dead-peer detection under real network faults. The peer, {@code openssl s_server -rev}, runs in
 * a network namespace this test makes ({@link NetNs}); the JVM under test stays in the root
 * namespace and reaches it over a veth pair. Faults are injected only inside that namespace or on
 * that veth pair: an nftables blackhole, "wifi off" (the link goes down), and a half-open peer (its
 * FIN and RST dropped, then killed).
 *
 * <p>Bounds are the issue's: a timer's bound plus 20%, measured from the moment of the fault (or of
 * the close request) to the outcome the connection reports. With keepalive interval 1 s and timeout
 * 1 s: the last received bytes came before the fault, so the ping goes out at most one interval after
 * the fault and times out one timeout later.
 *
 * <p>Needs root, iproute2 and nftables. Elsewhere the tests are skipped with a message saying so;
 * with {@code CI=true} they fail instead, so CI cannot silently skip them.
 */
@ExtendWith(LogCapturingExtension.class) // not TestKitJUnit5Extension: setUp() may skip the class before any test ran
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("peer")
@Tag("netns")
class NetworkFaultIT {
  private static final String PROTOCOL = "TLSv1.3";
  private static final String REVERSED_PING = "GNIP\n";
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
  private static final int PEER_PORT = 4433; // inside our own, otherwise empty, namespace
  /** How long threads and descriptors may take to return to the baseline (streams stop asynchronously). */
  private static final Duration SETTLE = Duration.ofSeconds(30);

  /**
   * Fixed-size dispatcher pools whose threads never retire. Pekko's default pools grow and shrink
   * with load (idle fork-join workers and idle pool threads retire after a minute), which says
   * nothing about leaks but would make a thread comparison meaningless. With fixed pools every
   * thread that differs after the faults is a real leak.
   */
  private static final String FIXED_POOLS = """
      pekko.actor.default-dispatcher {
        executor = "thread-pool-executor"
        thread-pool-executor { fixed-pool-size = 4, allow-core-timeout = off }
      }
      pekko.actor.internal-dispatcher {
        executor = "thread-pool-executor"
        thread-pool-executor { fixed-pool-size = 2, allow-core-timeout = off }
      }
      pekko.actor.default-blocking-io-dispatcher {
        thread-pool-executor { fixed-pool-size = 2, allow-core-timeout = off }
      }
      tether.stream-dispatcher-pool {
        executor = "thread-pool-executor"
        thread-pool-executor { fixed-pool-size = 4, allow-core-timeout = off }
      }
      """;

  private NetNs net;
  private TetherFixture fx;
  private OpenSslServer peer;
  private TetherFixture.Manager m;
  private Resources baseline;

  @BeforeAll
  void setUp() {
    net = NetNs.createOrSkip();
    fx = new TetherFixture("NetworkFaultIT", FIXED_POOLS);
    String cert = fx.certs().addSelfSigned("netns-peer", net.peerAddress());
    ConnectionManagerSettings settings =
        fx.settings().withTlsProfile(fx.certs().profileTrusting("netns", cert, List.of(PROTOCOL), true));
    peer = OpenSslServer.startRevAt(fx.certs(), cert, PROTOCOL, net.peerAddress(), PEER_PORT, net.execPrefix());
    m = fx.manager(settings);
    // One whole clean cycle first, so that everything created once per JVM (selector thread, pools,
    // classes, jar files) exists before the baseline is taken.
    var reader = open("warm-up");
    receiveFrom(reader, 1, REVERSED_PING);
    m.awaitView("warm-up", v -> v.counters().lastPingRttMillis().isPresent());
    assertEquals(OutcomeKind.CLEAN, closeGracefully("warm-up").kind());
    baseline = awaitSettled();
  }

  /** Whatever a test left behind: the network comes back, its connections are closed, the peer is free. */
  @AfterEach
  void cleanUp() {
    if (net == null || m == null) return;
    net.restore();
    net.linkUp();
    TestProbe<ConnectionManager.AllClosed> closed = fx.testKit.createTestProbe();
    m.ref.tell(new ConnectionManager.CloseAll(closed.getRef()));
    closed.receiveMessage(TetherFixture.MAX);
    net.resetPeerConnections();
  }

  @AfterAll
  void tearDown() {
    try {
      if (peer != null) peer.close();
      if (fx != null) fx.close();
    } finally {
      if (net != null) net.close();
    }
  }

  /** Issue point 1: a blackholed connection ends with keepalive-timeout within interval + timeout + 20%. */
  @Test
  @Order(1)
  void blackholedConnectionEndsWithKeepaliveTimeoutWithinIntervalPlusTimeout() {
    var reader = open("blackholed");
    receiveFrom(reader, 1, REVERSED_PING); // pings flow: the last received bytes are recent
    try {
      Fault fault = Fault.inject(net::blackhole);
      Outcome o = m.awaitOutcome("blackholed");
      assertEquals(OutcomeKind.KEEPALIVE_TIMEOUT, o.kind(), o.toString());
      assertEquals(1, o.incarnation(), o.toString());
      fault.assertEndedWithin("blackhole -> keepalive-timeout", o.at(), INTERVAL.plus(TIMEOUT));

      // The supervisor reconnects as usual; while the network is gone, TCP cannot even connect.
      Outcome retry = m.awaitOutcome("blackholed");
      assertEquals(OutcomeKind.CONNECT_TIMEOUT, retry.kind(), retry.toString());

      // Issue point 3: restore the network; a fresh incarnation opens and pings flow again.
      restoreAndAwaitPings("blackholed", reader, net::restore);
    } finally {
      net.restore();
    }
    m.close("blackholed", Optional.of(CloseMode.ABORT));
  }

  /** Issue point 2: a graceful close while blackholed ends within close-timeout + 20%, with close-timeout. */
  @Test
  @Order(2)
  void gracefulCloseWhileBlackholedEndsWithCloseTimeoutWithinBound() {
    var reader = open("close-blackholed");
    receiveFrom(reader, 1, REVERSED_PING);
    try {
      net.blackhole();
      Instant closeAt = Instant.now();
      var result = m.close("close-blackholed", Optional.of(CloseMode.GRACEFUL)); // blocks until the answer
      Instant repliedAt = Instant.now();
      Outcome o = assertInstanceOf(ConnectionManager.Closed.class, result).outcome();
      assertEquals(OutcomeKind.CLOSE_TIMEOUT, o.kind(), o.toString());
      // Graceful first: it waited for the peer's close_notify for the whole close-timeout...
      assertTrue(Duration.between(closeAt, o.at()).compareTo(CLOSE_TIMEOUT) >= 0,
          "ended " + Duration.between(closeAt, o.at()) + " after the close request, before close-timeout");
      // ...and no longer: the outcome, and the caller's answer, came within close-timeout + 20%.
      assertWithin("graceful close while blackholed -> close-timeout", closeAt, o.at(), CLOSE_TIMEOUT);
      assertWithin("graceful close while blackholed -> caller answered", closeAt, repliedAt, CLOSE_TIMEOUT);

      // Nothing hangs: the connection is gone from the manager, and our socket from the kernel
      // (reset, so not even lingering in FIN-WAIT), while the network is still dead.
      TestProbe<Optional<ConnectionView>> reply = fx.testKit.createTestProbe();
      m.ref.tell(new ConnectionManager.Get("close-blackholed", reply.getRef()));
      assertEquals(Optional.empty(), reply.receiveMessage());
      assertEquals(List.of(), liveClientSockets(), "our socket to the peer still exists");
    } finally {
      restorePeer(net::restore);
    }
    reader.fishForMessage(TetherFixture.MAX, "end of the reader's incarnation", e ->
        e instanceof ReaderEvent.Ended ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
  }

  /** Issue points 1 and 3 with the other fault: "wifi off", then on again. */
  @Test
  @Order(3)
  void wifiOffEndsWithKeepaliveTimeoutAndWifiOnOpensAFreshIncarnation() {
    var reader = open("wifi");
    receiveFrom(reader, 1, REVERSED_PING);
    try {
      Fault fault = Fault.inject(net::linkDown);
      Outcome o = m.awaitOutcome("wifi");
      assertEquals(OutcomeKind.KEEPALIVE_TIMEOUT, o.kind(), o.toString());
      fault.assertEndedWithin("wifi off -> keepalive-timeout", o.at(), INTERVAL.plus(TIMEOUT));
      // No route while the link is down: each reconnect attempt fails at once (and goes nowhere else).
      Outcome retry = m.awaitOutcome("wifi");
      assertEquals(OutcomeKind.CONNECT_FAILED, retry.kind(), retry.toString());
      restoreAndAwaitPings("wifi", reader, net::linkUp);
    } finally {
      net.linkUp();
    }
    m.close("wifi", Optional.of(CloseMode.ABORT));
  }

  /** Issue point 4: a half-open peer (FIN and RST dropped, then killed) is found by keepalive. */
  @Test
  @Order(4)
  void halfOpenPeerIsFoundByKeepalive() {
    var reader = open("half-open");
    receiveFrom(reader, 1, REVERSED_PING);
    try {
      net.dropFinAndRst();
      // SIGKILL: its kernel's FIN, and the RST answering our next ping, never leave the namespace.
      Fault fault = Fault.inject(peer::kill9);
      Outcome o = m.awaitOutcome("half-open");
      // Had the FIN arrived, this would be "truncated"; had the RST, "reset".
      assertEquals(OutcomeKind.KEEPALIVE_TIMEOUT, o.kind(), o.toString());
      fault.assertEndedWithin("half-open peer killed -> keepalive-timeout", o.at(), INTERVAL.plus(TIMEOUT));
    } finally {
      net.restore();
      peer.restart();
    }
    var reopened = m.awaitState("half-open", inc -> inc >= 2, ConnectionState.OPEN);
    receiveFrom(reader, reopened.incarnation(), REVERSED_PING);
    assertEquals(OutcomeKind.CLEAN, closeGracefully("half-open").kind());
  }

  /** Kernel TCP keepalive alone (application keepalive off) finds a blackholed peer with our settings. */
  @Test
  @Order(5)
  void kernelTcpKeepaliveAloneFindsABlackholedPeer() {
    Duration idle = Duration.ofSeconds(1);
    Duration interval = Duration.ofSeconds(1);
    int count = 2;
    ConnectionSettings s = faultSettings();
    s = s.withKeepalive(s.keepalive().withEnabled(false).withTcp(new KeepaliveSettings.TcpKeepalive(true, idle, interval, count)));
    var reader = open("tcp-keepalive", s);
    assertEquals(SendResult.Accepted.class, m.send("tcp-keepalive", "abc\n").getClass());
    receiveFrom(reader, 1, "cba\n");
    try {
      Fault fault = Fault.inject(net::blackhole);
      Outcome o = m.awaitOutcome("tcp-keepalive");
      // The kernel gives up after idle + count * interval without an answer (defaults: 2 h 11 min).
      Duration kernelBound = idle.plus(interval.multipliedBy(count));
      assertEquals(OutcomeKind.RESET, o.kind(), o.toString());
      assertTrue(o.detail().toLowerCase().contains("timed out"), o.detail());
      assertTrue(Duration.between(fault.inForce(), o.at()).compareTo(kernelBound.minus(interval)) >= 0,
          "ended " + Duration.between(fault.inForce(), o.at()) + " after the blackhole: too early for kernel keepalive");
      fault.assertEndedWithin("blackhole -> kernel TCP keepalive reset", o.at(), kernelBound);
    } finally {
      restorePeer(net::restore);
    }
    m.close("tcp-keepalive", Optional.of(CloseMode.ABORT));
  }

  /** Issue point 5: after all of this, the JVM's live threads and open descriptors are back to the baseline. */
  @Test
  @Order(99)
  void threadsAndFileDescriptorsAreBackToTheBaseline() {
    TestProbe<Object> probe = fx.testKit.createTestProbe();
    Resources now = probe.awaitAssert(SETTLE, Duration.ofMillis(200), () -> {
      Resources r = Resources.now();
      // Nothing new may remain. Fewer is fine: other test classes' actor systems (same JVM, random
      // order) may still be shutting down at the baseline and finish meanwhile.
      assertTrue(r.fds() <= baseline.fds(), "open file descriptors, before vs now:\n" + baseline.fdTargets() + "\n" + r.fdTargets());
      java.util.Set<String> added = new java.util.TreeSet<>(r.threads());
      added.removeAll(baseline.threads());
      assertEquals(java.util.Set.of(), added, "live threads that were not there before the faults");
      return r;
    });
    System.out.printf("[NetworkFaultIT] baseline: %d fds, %d threads; after all faults: %d fds, %d threads%n",
        baseline.fds(), baseline.threads().size(), now.fds(), now.threads().size());
  }

  // ------------------------------------------------------------------ helpers

  private ConnectionSettings faultSettings() {
    ConnectionSettings d = fx.settings().defaults();
    return d.withConnectTimeout(Duration.ofSeconds(1))
        .withHandshakeTimeout(Duration.ofSeconds(2))
        .withCloseTimeout(CLOSE_TIMEOUT)
        .withReconnect(d.reconnect().withMinBackoff(Duration.ofMillis(100)).withMaxBackoff(Duration.ofMillis(500))
            .withRandomFactor(0.0))
        .withKeepalive(d.keepalive()
            .withEnabled(true)
            .withInterval(INTERVAL)
            .withTimeout(TIMEOUT)
            .withPing(ByteString.fromString("PING\n", StandardCharsets.UTF_8))
            .withPong(Optional.empty())
            .withAllowedMisses(0));
  }

  private TestProbe<ReaderEvent> open(String id) {
    return open(id, faultSettings());
  }

  private TestProbe<ReaderEvent> open(String id, ConnectionSettings s) {
    var reader = m.open(id, net.peerAddress(), PEER_PORT, "netns", s);
    m.awaitState(id, inc -> inc == 1, ConnectionState.OPEN);
    return reader;
  }

  private Outcome closeGracefully(String id) {
    return assertInstanceOf(ConnectionManager.Closed.class, m.close(id, Optional.of(CloseMode.GRACEFUL))).outcome();
  }

  /**
   * Ends the fault, then awaits a fresh incarnation whose pings are answered. First the peer's
   * stale connection is reset (see {@link NetNs#resetPeerConnections()}), while the fault still
   * keeps new connections out, so that s_server is free to accept the next one.
   */
  private void restoreAndAwaitPings(String id, TestProbe<ReaderEvent> reader, Runnable restore) {
    long before = m.get(id).incarnation();
    restorePeer(restore);
    var reopened = m.awaitState(id, inc -> inc > before, ConnectionState.OPEN);
    receiveFrom(reader, reopened.incarnation(), REVERSED_PING);
    ConnectionView v = m.awaitView(id, view -> view.incarnation() == reopened.incarnation() && view.counters().lastPingRttMillis().isPresent());
    assertEquals(ConnectionState.OPEN, v.state(), v.toString());
    assertTrue(v.restarts().reconnects() >= 2, "reconnects: " + v.restarts().reconnects());
    System.out.printf("[NetworkFaultIT] %s: network restored, incarnation %d open, ping RTT %d ms%n",
        id, reopened.incarnation(), v.counters().lastPingRttMillis().get());
  }

  private void restorePeer(Runnable restore) {
    net.resetPeerConnections();
    restore.run();
  }

  /** This JVM's TCP sockets to the peer that still hold state (TIME-WAIT of earlier clean closes aside). */
  private List<String> liveClientSockets() {
    return net.clientSockets().stream().filter(l -> !l.startsWith("TIME-WAIT")).toList();
  }

  /**
   * When a fault was injected: {@code issued} just before the command that injects it, {@code
   * inForce} once it returned. The fault took effect in between; bounds are asserted from {@code
   * issued}, the strict side (the command's own time counts against the bound).
   */
  private record Fault(Instant issued, Instant inForce) {
    static Fault inject(Runnable command) {
      Instant issued = Instant.now();
      command.run();
      return new Fault(issued, Instant.now());
    }

    void assertEndedWithin(String what, Instant endedAt, Duration bound) {
      System.out.printf("[NetworkFaultIT] %s: injecting the fault took %d ms%n", what,
          Duration.between(issued, inForce).toMillis());
      assertWithin(what, issued, endedAt, bound);
    }
  }

  /** Asserts that {@code to} came no later than {@code bound} + 20% after {@code from}; prints the measurement. */
  private static void assertWithin(String what, Instant from, Instant to, Duration bound) {
    Duration elapsed = Duration.between(from, to);
    Duration limit = bound.plus(bound.dividedBy(5));
    System.out.printf("[NetworkFaultIT] %s: %d ms (bound %d ms + 20%% = %d ms)%n",
        what, elapsed.toMillis(), bound.toMillis(), limit.toMillis());
    assertTrue(!elapsed.isNegative() && elapsed.compareTo(limit) <= 0, what + " took " + elapsed + ", more than " + limit);
  }

  private Resources awaitSettled() {
    // Before the baseline: let the warm-up's stream stop and its descriptors close.
    TestProbe<Object> probe = fx.testKit.createTestProbe();
    return probe.awaitAssert(SETTLE, Duration.ofMillis(200), () -> {
      Resources a = Resources.now();
      assertEquals(List.of(), liveClientSockets());
      Resources b = Resources.now();
      assertEquals(a, b);
      return b;
    });
  }

  /**
   * Open file descriptors of this JVM ({@code /proc/self/fd}) and the names of its live threads.
   * The JDK's "process reaper" threads are left out: they wait for the child processes the fixtures
   * run (ip, nft, ss, openssl) and idle in a cached pool for a minute after each one, so their number
   * depends on how many commands ran lately, not on the code under test.
   */
  private record Resources(int fds, List<String> threads, String fdTargets) {
    static Resources now() {
      List<String> targets = new ArrayList<>();
      try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
        for (Path p : fds.toList()) {
          try {
            targets.add(Files.readSymbolicLink(p).toString());
          } catch (IOException e) {
            targets.add("(gone)"); // e.g. the directory handle of this very listing
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      targets.sort(null);
      List<String> threads = Thread.getAllStackTraces().keySet().stream()
          .filter(Thread::isAlive)
          .map(Thread::getName)
          .filter(n -> !n.startsWith("process reaper"))
          .sorted()
          .toList();
      return new Resources(targets.size(), threads, String.join(", ", targets));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Resources r && r.fds == fds && r.threads.equals(threads);
    }

    @Override
    public int hashCode() {
      return fds * 31 + threads.hashCode();
    }
  }
}
