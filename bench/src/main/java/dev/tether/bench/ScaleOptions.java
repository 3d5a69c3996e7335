package dev.tether.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The options of {@code bench/cluster-scale} ({@link ClusterScale}), parsed once from its command line.
 *
 * @param perNode connections per node (3 × perNode in total)
 * @param out where results.md, the timeline and the node logs go
 * @param root the repository (its application.conf is included by the nodes' configuration)
 * @param work scratch directory (certificates, configuration, data directories); removed by the script
 * @param jar the service jar to run
 * @param pidFile every started process's pid is appended here, for the script's cleanup
 */
record ScaleOptions(int perNode, Path out, Path root, Path work, Path jar, Optional<Path> pidFile, int listReps,
    int getReps, int postConcurrency, int echoServers, String nodeHeap, List<String> nodeOpts,
    Duration formTimeout, Duration postBudget, Duration openTimeout, Duration failoverTimeout, Duration stall, boolean failover,
    String commit) {

  static final String USAGE = "options: --per-node=5000 --out=DIR --list-reps=5 --get-reps=200 --post-concurrency=8 "
      + "--echo-servers=auto --node-heap=1500m --node-opt=-Dkey=value (repeatable) --form-timeout=180 "
      + "--post-budget=3600 --open-timeout=600 --failover-timeout=300 --stall=90 (seconds) --no-failover";

  static ScaleOptions parse(String[] args) {
    int perNode = 5000;
    Path out = null;
    Path root = Path.of(".");
    Path work = null;
    Path jar = null;
    Path pidFile = null;
    int listReps = 5;
    int getReps = 200;
    int postConcurrency = 8;
    int echo = 0;
    String heap = "1500m";
    List<String> nodeOpts = new ArrayList<>();
    long form = 180;
    long open = 600;
    long postBudget = 3600;
    long failoverTimeout = 300;
    long stall = 90;
    boolean failover = true;
    String commit = "";
    for (String a : args) {
      String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : "";
      if (a.startsWith("--per-node=")) perNode = Integer.parseInt(v);
      else if (a.startsWith("--out=")) out = Path.of(v);
      else if (a.startsWith("--root=")) root = Path.of(v);
      else if (a.startsWith("--work=")) work = Path.of(v);
      else if (a.startsWith("--jar=")) jar = Path.of(v);
      else if (a.startsWith("--pid-file=")) pidFile = Path.of(v);
      else if (a.startsWith("--commit=")) commit = v;
      else if (a.startsWith("--list-reps=")) listReps = Integer.parseInt(v);
      else if (a.startsWith("--get-reps=")) getReps = Integer.parseInt(v);
      else if (a.startsWith("--post-concurrency=")) postConcurrency = Integer.parseInt(v);
      else if (a.startsWith("--echo-servers=")) echo = v.equals("auto") ? 0 : Integer.parseInt(v);
      else if (a.startsWith("--node-heap=")) heap = v;
      else if (a.startsWith("--node-opt=")) nodeOpts.add(v);
      else if (a.startsWith("--form-timeout=")) form = Long.parseLong(v);
      else if (a.startsWith("--open-timeout=")) open = Long.parseLong(v);
      else if (a.startsWith("--post-budget=")) postBudget = Long.parseLong(v);
      else if (a.startsWith("--failover-timeout=")) failoverTimeout = Long.parseLong(v);
      else if (a.startsWith("--stall=")) stall = Long.parseLong(v);
      else if (a.equals("--no-failover")) failover = false;
      else throw new IllegalArgumentException("unknown option " + a + "; " + USAGE);
    }
    if (perNode < 1) throw new IllegalArgumentException("--per-node must be at least 1");
    if (work == null || jar == null) throw new IllegalArgumentException("--work and --jar are required (bench/cluster-scale sets them)");
    if (out == null) {
      out = root.resolve("bench/results/cluster-scale-"
          + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss")));
    }
    if (echo <= 0) echo = Math.max(1, (3 * perNode + 9999) / 10000); // at most 10000 peer sockets per echo JVM
    return new ScaleOptions(perNode, out.toAbsolutePath(), root.toAbsolutePath(), work.toAbsolutePath(), jar.toAbsolutePath(),
        Optional.ofNullable(pidFile), listReps, getReps, postConcurrency, echo, heap, List.copyOf(nodeOpts),
        Duration.ofSeconds(form), Duration.ofSeconds(postBudget), Duration.ofSeconds(open), Duration.ofSeconds(failoverTimeout), Duration.ofSeconds(stall), failover, commit);
  }
}
