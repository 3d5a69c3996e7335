package dev.tether.bench.jmh;

import dev.tether.bench.Driver;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The per-operation cost: one 64-byte write echoed back over one open TLS 1.3 connection. For
 * Tether (either TLS stage) that is {@code ConnectionManager.Send} → connection actor → TLS stage,
 * and the reader actor on the way back; for the baselines a queue offer (Pekko) or {@code writeAndFlush} (Netty).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EchoRoundTripBenchmark {
  public static final String TLS_DIR = "bench.tls.dir";
  public static final String LOG = "bench.server.log";

  @Param({"tether", "tether-pekko-stage", "pekko-raw", "netty"})
  public String system;

  private EchoPeer peer;
  private Driver driver;
  private final byte[] payload = new byte[64];

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    peer = EchoPeer.start();
    CountDownLatch open = new CountDownLatch(1);
    driver = Driver.create(system, peer.target(), EchoPeer.onOpen(open::countDown));
    driver.open(0, false, 0);
    if (!open.await(30, TimeUnit.SECONDS)) throw new IllegalStateException(system + ": the connection did not open");
  }

  @Benchmark
  public void echo() throws Exception {
    driver.echo(0, payload).get(5, TimeUnit.SECONDS);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    driver.close();
    peer.close();
  }
}
