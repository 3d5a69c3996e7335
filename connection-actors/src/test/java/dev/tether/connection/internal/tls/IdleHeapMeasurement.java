package dev.tether.connection.internal.tls;

import dev.tether.connection.TlsProfile;
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
 * Not a test: measures the heap each idle, established client connection retains, per stage. Each
 * connection is the test harness's (queue source, TLS stage, TCP stage, queue sink) after one
 * echo; the two stages differ only in the TLS stage. Surefire runs it only when named (its name does
 * not end in Test), and only with the property set:
 * {@code mvn -o -pl connection-actors test -Dtest=IdleHeapMeasurement -Dtether.measure=true} (Surefire
 * hands {@code -D} properties to the test JVM); prints one "MEASURED" line per stage and protocol
 * to the test's output file.
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

  private static long usedAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(200); // a measurement, not a test: let the collector settle
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
