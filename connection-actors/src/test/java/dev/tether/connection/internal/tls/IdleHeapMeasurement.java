package dev.tether.connection.internal.tls;

import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.tls.TlsProfile;
import dev.tether.connection.tls.TlsStage;
import dev.tether.testing.TetherFixture;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import dev.tether.testing.PeerProcess;
import dev.tether.testing.TestCerts;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: measures the heap each idle, established client connection retains, per stage: the
 * bare stage in this package's harness (queue source, TLS stage, TCP stage, queue sink, after one
 * echo), and a whole Tether connection (supervisor, connection actor, its stream) with each value
 * of {@code tether.tls-stage}. The peer is {@code peers/tls_many.py}, in its own process.
 *
 * <p>Surefire runs it only when named (its name does not end in Test), and only with the property
 * set: {@code mvn -o -pl connection-actors test -Dtest=IdleHeapMeasurement -Dtether.measure=true}
 * (Surefire hands {@code -D} properties to the test JVM). It prints "MEASURED" lines to the test's
 * output file. Measured on 2026-11-29 (1000 connections, TLS 1.3): bare stage 107 KB (Pekko) against
 * 12 KB (Tether); whole connection 118 KB against 24 KB.
 */
@EnabledIfSystemProperty(named = "tether.measure", matches = "true")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdleHeapMeasurement {
  private static final int N = Integer.getInteger("tether.measure.connections", 1000);
  private final ActorTestKit kit = ActorTestKit.create("IdleHeapMeasurement");

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void heapPerIdleConnection() throws Throwable {
    TestCerts certs = TestCerts.generate();
    int port = PythonPeer.freePort();
    Path script = Path.of(Objects.requireNonNull(getClass().getResource("/peers/tls_many.py")).toURI());
    try (PeerProcess server = PeerProcess.start("python3", script.toString(), String.valueOf(port),
        certs.cert("localhost").toString(), certs.key("localhost").toString())) {
      server.awaitOutput("READY", StageRun.MAX);
      for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
        TlsProfile profile = certs.profileTrusting("m", "localhost", List.of(protocol), true);
        for (TlsImpl impl : List.of(TlsImpl.PEKKO, TlsImpl.TETHER, TlsImpl.PEKKO, TlsImpl.TETHER)) {
          measure(impl, protocol, profile, port);
        }
      }
    }
  }

  /** The same for whole Tether connections (supervisor, connection actor, stream), per tether.tls-stage. */
  @Test
  void heapPerIdleTetherConnection() throws Throwable {
    TestCerts certs = TestCerts.generate();
    int port = PythonPeer.freePort();
    Path script = Path.of(Objects.requireNonNull(getClass().getResource("/peers/tls_many.py")).toURI());
    try (PeerProcess server = PeerProcess.start("python3", script.toString(), String.valueOf(port),
        certs.cert("localhost").toString(), certs.key("localhost").toString())) {
      server.awaitOutput("READY", StageRun.MAX);
      for (TlsStage stage : List.of(TlsStage.PEKKO, TlsStage.TETHER, TlsStage.PEKKO, TlsStage.TETHER)) {
        try (TetherFixture fx = new TetherFixture("IdleHeapMeasurement-" + stage)) {
          TetherFixture.Manager m = fx.manager(fx.settings().withTlsStage(stage)
              .withTlsProfile(certs.profileTrusting("measured", "localhost", List.of("TLSv1.3"), true)));
          ConnectionSettings settings = fx.fastSettings().withHandshakeTimeout(Duration.ofSeconds(60));
          long before = usedAfterGc();
          for (int i = 0; i < N; i++) {
            m.ref.tell(new ConnectionManager.Open(new ConnectionSpec("c" + i, "localhost", port, "measured", Optional.empty(),
                Optional.of(settings)), fx.testKit.<ConnectionManager.OpenResult>createTestProbe().getRef()));
          }
          int[] open = {0};
          m.events.fishForMessage(Duration.ofMinutes(5), "all open", e ->
              e instanceof ConnectionEvent.StateChanged sc && sc.state() == ConnectionState.OPEN && ++open[0] == N
                  ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
          long after = usedAfterGc();
          System.out.printf("MEASURED connection with tls-stage=%s: %d idle open connections, %.1f KB heap each%n",
              stage, N, (after - before) / 1024.0 / N);
        }
      }
    }
  }

  private void measure(TlsImpl impl, String protocol, TlsProfile profile, int port) throws Throwable {
    long before = usedAfterGc();
    List<StageRun> runs = new ArrayList<>(N);
    for (int i = 0; i < N; i++) {
      StageRun run = StageRun.client(kit.system(), impl, () -> profile.createClientEngine("localhost", port), port);
      run.write("x");
      runs.add(run);
    }
    for (StageRun run : runs) run.read(1);
    long after = usedAfterGc();
    System.out.printf("MEASURED %s %s: %d idle connections, %.1f KB heap each (harness and TCP stage included)%n",
        impl, protocol, N, (after - before) / 1024.0 / N);
    for (StageRun run : runs) run.finish();
    for (StageRun run : runs) run.readToEnd();
  }

  /** Heap in use after full collections (System.gc() is a synchronous full collection with G1's defaults). */
  private static long usedAfterGc() {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
