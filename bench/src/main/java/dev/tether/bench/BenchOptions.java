package dev.tether.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Command-line options of {@link BenchMain}. {@code --smoke} picks small values; every other
 * option overrides one value.
 *
 * @param smoke the short CI run
 * @param counts N for the scale, close, reconnect-storm and accept scenarios
 * @param reps measured repetitions per scenario and system (after the warm-up)
 * @param warmup run one unmeasured pass per system first
 * @param window measuring window of the handshake-rate and throughput scenarios
 * @param openConcurrency handshakes in flight while opening (or, in the accept scenario, while the
 *     clients connect) N connections, the same for every system
 * @param handshakeConcurrency handshakes in flight in the handshake-rate scenario
 * @param chunk bytes per write in the throughput scenario
 * @param backoff reconnect policy (the same for every system)
 * @param systems the systems to run
 * @param scenarios which scenario groups run: handshake, throughput, scale (open, reconnect, close),
 *     accept (inbound)
 * @param storm run the reconnect storm between opening and closing N connections
 * @param jmh run the JMH echo round-trip benchmark
 * @param jmhRounds how many times the JMH benchmark runs over all systems in turn (the figure is the
 *     median): rounds interleave the systems, so a change of the machine's load hits all of them
 * @param out where results, certificates and logs go
 */
record BenchOptions(
    boolean smoke,
    List<Integer> counts,
    int reps,
    boolean warmup,
    Duration window,
    int openConcurrency,
    int handshakeConcurrency,
    int chunk,
    Driver.Backoff backoff,
    List<String> systems,
    List<String> scenarios,
    boolean storm,
    boolean jmh,
    int jmhRounds,
    Path out) {

  static final List<String> SCENARIOS = List.of("handshake", "throughput", "scale", "accept");

  static BenchOptions parse(String[] args) {
    boolean smoke = Arrays.asList(args).contains("--smoke");
    List<Integer> counts = smoke ? List.of(50) : List.of(1000, 5000, 8000);
    int reps = smoke ? 1 : 3;
    boolean warmup = !smoke;
    Duration window = smoke ? Duration.ofSeconds(2) : Duration.ofSeconds(5);
    int openConcurrency = 256;
    int handshakeConcurrency = 32;
    int chunk = 16 * 1024;
    Driver.Backoff backoff = new Driver.Backoff(Duration.ofMillis(250), Duration.ofSeconds(4), 1.0);
    List<String> systems = Results.SYSTEMS;
    List<String> scenarios = SCENARIOS;
    boolean jmh = true;
    int jmhRounds = 1;
    boolean storm = true;
    Path out = Path.of("bench", "target");
    for (String a : args) {
      String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : "";
      if (a.equals("--smoke")) continue;
      else if (a.startsWith("--n=")) counts = Arrays.stream(v.split(",")).map(String::trim).map(Integer::valueOf).toList();
      else if (a.startsWith("--reps=")) reps = Integer.parseInt(v);
      else if (a.equals("--no-warmup")) warmup = false;
      else if (a.startsWith("--window=")) window = Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
      else if (a.startsWith("--open-concurrency=")) openConcurrency = Integer.parseInt(v);
      else if (a.startsWith("--handshake-concurrency=")) handshakeConcurrency = Integer.parseInt(v);
      else if (a.startsWith("--chunk=")) chunk = Integer.parseInt(v);
      else if (a.startsWith("--systems=")) systems = List.of(v.split(","));
      else if (a.startsWith("--scenarios=")) scenarios = v.isEmpty() ? List.of() : List.of(v.split(","));
      else if (a.equals("--no-jmh")) jmh = false;
      else if (a.startsWith("--jmh-rounds=")) jmhRounds = Integer.parseInt(v);
      else if (a.equals("--no-storm")) storm = false;
      else if (a.startsWith("--out=")) out = Path.of(v);
      else throw new IllegalArgumentException("unknown option " + a + "; known: --smoke --n=1000,5000 --reps=3 "
          + "--no-warmup --window=5 --open-concurrency=256 --handshake-concurrency=32 --chunk=16384 "
          + "--systems=tether,tether-pekko-stage,pekko-raw,netty --scenarios=handshake,throughput,scale,accept --no-storm --no-jmh --jmh-rounds=1 --out=bench/target (--scenarios= runs none: JMH only)");
    }
    for (String s : scenarios) {
      if (!SCENARIOS.contains(s)) throw new IllegalArgumentException("unknown scenario " + s + "; known: " + SCENARIOS);
    }
    for (String s : systems) {
      if (!Results.SYSTEMS.contains(s)) throw new IllegalArgumentException("unknown system " + s + "; known: " + Results.SYSTEMS);
    }
    return new BenchOptions(smoke, counts, reps, warmup, window, openConcurrency, handshakeConcurrency, chunk, backoff,
        systems, scenarios, storm, jmh, jmhRounds, out);
  }
}
