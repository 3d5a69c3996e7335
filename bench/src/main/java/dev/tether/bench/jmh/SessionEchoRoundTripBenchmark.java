package dev.tether.bench.jmh;

import dev.tether.bench.Driver;
import dev.tether.bench.TetherDriver;
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
 * The same 64-byte echo as {@link EchoRoundTripBenchmark}, through Tether's per-connection API: the
 * caller writes through the connection's {@code Session} and its session handler takes the echo.
 * That handler runs beside its connection (on the stream's dispatcher), as a Netty handler runs on
 * its channel's event loop; {@code ConnectionManager.Send} addresses a connection by id instead,
 * through the manager and the connection's supervisor, and its reads go to a reader actor of the
 * caller's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SessionEchoRoundTripBenchmark {

  @Param({"tether", "tether-pekko-stage"})
  public String system;

  private EchoPeer peer;
  private TetherDriver driver;
  private final byte[] payload = new byte[64];

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    peer = EchoPeer.start();
    driver = (TetherDriver) Driver.create(system, peer.target(), EchoPeer.onOpen(() -> {}));
    driver.openWithSession(0);
    driver.session(0).get(30, TimeUnit.SECONDS); // the handler runs once the connection is open
  }

  @Benchmark
  public void echo() throws Exception {
    driver.echoViaSession(0, payload).get(5, TimeUnit.SECONDS);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    driver.close();
    peer.close();
  }
}
