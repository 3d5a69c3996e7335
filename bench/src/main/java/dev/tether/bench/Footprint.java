package dev.tether.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The harness JVM's memory at one moment, after full collections: used and committed heap, and the
 * resident set size (VmRSS of {@code /proc/self/status}, Linux), which also counts what the heap
 * figure does not: direct buffers (Pekko's TCP buffer pool, Netty's pooled arenas), thread stacks,
 * memory the JDK allocates natively, metaspace.
 *
 * <p>RSS also holds the heap's own pages, and how many of those are resident depends on the heap's
 * history, not on the connections (G1 keeps what it committed and touched). bench/run starts the
 * harness with a fixed heap ({@code -Xms} = {@code -Xmx}) and {@code -XX:+AlwaysPreTouch}, so that
 * the whole heap is resident from the start and never resized: then RSS minus the committed heap is
 * exactly the memory outside the Java heap, and {@link #nativePerConnection} is meaningful. (With a
 * resizable heap, G1 lowers the committed figure after {@code System.gc()} at once but gives the
 * pages back later, concurrently: off by hundreds of megabytes.) The resident memory a connection costs is
 * then its live heap plus that ({@link #rssPerConnection}). Without a pre-touched heap neither
 * figure is reported (NaN).
 *
 * @param heapUsed used heap after the collections
 * @param heapCommitted committed heap then
 * @param rss resident set size in bytes, or -1 where {@code /proc/self/status} does not exist
 */
record Footprint(long heapUsed, long heapCommitted, long rss) {
  private static final Path STATUS = Path.of("/proc/self/status");

  /** Used heap after four full collections (the lowest of them), committed heap and RSS right after. */
  static Footprint afterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return new Footprint(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted(), readRss());
  }

  /** VmRSS in bytes, or -1. */
  static long readRss() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024; // "VmRSS:  1234 kB"
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or no procfs
    }
    return -1;
  }

  /** Whether this JVM pre-touches its heap (-XX:+AlwaysPreTouch), which {@link #nativePerConnection} needs. */
  static boolean heapPreTouched() {
    try {
      return Boolean.parseBoolean(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .getVMOption("AlwaysPreTouch").getValue());
    } catch (RuntimeException e) {
      return false;
    }
  }

  double heapPerConnection(Footprint before, int n) {
    return (heapUsed - before.heapUsed) / (double) n;
  }

  /**
   * Resident memory per connection: its live heap plus what it holds outside the heap ({@link
   * #nativePerConnection}); NaN where that is. Not the raw growth of RSS, which would also count heap
   * that G1 committed beyond what is live.
   */
  double rssPerConnection(Footprint before, int n) {
    return heapPerConnection(before, n) + nativePerConnection(before, n);
  }

  /**
   * Resident memory gained per connection outside the Java heap: RSS minus committed heap (NaN
   * without RSS or without a pre-touched heap).
   */
  double nativePerConnection(Footprint before, int n) {
    if (rss < 0 || before.rss < 0 || !heapPreTouched()) return Double.NaN;
    return ((rss - heapCommitted) - (before.rss - before.heapCommitted)) / (double) n;
  }
}
