package dev.tether.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntSupplier;

/**
 * The harness's view of N numbered connections, fed by a driver's {@link Driver.Events}. Bounds the
 * number of handshakes in flight while opening, timestamps every open and end, and counts failures:
 * a connection that ended before it was ever open, or (during a graceful close) without the
 * close_notify exchange.
 */
final class ConnectionTracker implements Driver.Events {
  private final int n;
  private final Semaphore inFlight;
  private final AtomicIntegerArray everOpened;
  private final AtomicIntegerArray open;
  private final long[] openedAt;
  private final long[] endedAt;
  private final AtomicInteger openNow = new AtomicInteger();
  private final AtomicInteger reopened = new AtomicInteger();
  private final AtomicInteger ends = new AtomicInteger();
  private final AtomicInteger insecureEnds = new AtomicInteger();
  private final AtomicInteger failedOpens = new AtomicInteger();
  private final AtomicIntegerArray reopenedSinceMark;
  private final ConcurrentLinkedQueue<Long> openTimes = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
  private volatile long mark;
  private volatile boolean abortsExpected;

  ConnectionTracker(int n, int openConcurrency) {
    this.n = n;
    this.inFlight = new Semaphore(openConcurrency);
    this.everOpened = new AtomicIntegerArray(n);
    this.open = new AtomicIntegerArray(n);
    this.reopenedSinceMark = new AtomicIntegerArray(n);
    this.openedAt = new long[n];
    this.endedAt = new long[n];
  }

  @Override
  public void opened(int idx, long nanos) {
    if (open.getAndSet(idx, 1) == 0) openNow.incrementAndGet();
    openedAt[idx] = nanos;
    if (everOpened.getAndSet(idx, 1) == 0) inFlight.release();
    if (mark != 0) {
      openTimes.add(nanos);
      if (reopenedSinceMark.getAndSet(idx, 1) == 0) reopened.incrementAndGet();
    }
  }

  @Override
  public void ended(int idx, long nanos, boolean secure, String detail) {
    if (idx < 0) {
      problem("connection ?: " + detail);
      return;
    }
    if (open.getAndSet(idx, 0) == 1) {
      openNow.decrementAndGet();
      endedAt[idx] = nanos;
      ends.incrementAndGet();
      if (!secure) {
        insecureEnds.incrementAndGet();
        if (mark == 0 && !abortsExpected) problem("connection " + idx + ": " + detail);
      }
    } else if (everOpened.get(idx) == 0 && mark == 0) {
      failedOpens.incrementAndGet();
      problem("connection " + idx + " failed before it was open: " + detail);
      inFlight.release(); // its reconnect, if any, runs outside the window
      everOpened.set(idx, 1);
    }
  }

  private void problem(String text) {
    if (problems.size() < 20) problems.add(text);
  }

  /** Opens connections 0..n-1 through {@code open}, at most the configured number of handshakes at a time. */
  void openAll(java.util.function.IntConsumer open, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; i < n; i++) {
      if (!inFlight.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) return;
      open.accept(i);
    }
  }

  /** Waits until {@code condition} reaches {@code target}; false on timeout. */
  static boolean await(IntSupplier condition, int target, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (condition.getAsInt() < target) {
      if (System.nanoTime() > deadline) return false;
      Thread.sleep(2);
    }
    return true;
  }

  int openNow() {
    return openNow.get();
  }

  int ends() {
    return ends.get();
  }

  int insecureEnds() {
    return insecureEnds.get();
  }

  int failedOpens() {
    return failedOpens.get();
  }

  int reopened() {
    return reopened.get();
  }

  /** Starts the reconnect storm: from now on, ends are expected and reopenings are counted. */
  void markStorm(long nanos) {
    mark = nanos;
  }

  /** Ends the storm: ends count from zero again (for the close that follows). */
  void endStorm() {
    mark = 0;
    ends.set(0);
    insecureEnds.set(0);
  }

  /** From now on, ends without close_notify are ours (aborts) and not problems. */
  void expectAborts() {
    abortsExpected = true;
  }

  long mark() {
    return mark;
  }

  /** The highest number of opens within any one-second bucket since the storm started. */
  int peakOpensPerSecond() {
    java.util.Map<Long, Integer> buckets = new java.util.HashMap<>();
    for (long t : openTimes) buckets.merge((t - mark) / 1_000_000_000L, 1, Integer::sum);
    return buckets.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  /** Per-connection latencies from {@code start} to each end, in milliseconds. */
  List<Double> endLatenciesMillis(long start) {
    List<Double> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (endedAt[i] >= start) out.add((endedAt[i] - start) / 1e6);
    }
    return out;
  }

  List<String> problems() {
    return List.copyOf(problems);
  }
}
