package dev.tether.admin.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Collects the lines of a process's output (or any line stream) on its own thread, and lets a test
 * wait until a line matches: it waits on the arrival of lines, it never sleeps.
 */
public final class LineCollector {
  private final String name;
  private final List<String> lines = new ArrayList<>();
  private boolean ended;

  private LineCollector(String name) {
    this.name = name;
  }

  /** The lines of {@code in} (UTF-8), closed once it has ended. */
  public static LineCollector of(String name, InputStream in) {
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    return of(name, r.lines().onClose(() -> {
      try {
        r.close();
      } catch (IOException ignored) {
        // the stream has ended already: nothing more to read or report
      }
    }));
  }

  /** The lines of {@code stream}, on its own thread; a failure to read is collected as a line. */
  public static LineCollector of(String name, Stream<String> stream) {
    LineCollector c = new LineCollector(name);
    Thread t = new Thread(() -> {
      try (stream) {
        stream.forEach(c::add);
      } catch (RuntimeException e) {
        c.add("[" + name + " read failed: " + e + "]");
      } finally {
        c.end();
      }
    }, "lines-" + name);
    t.setDaemon(true);
    t.start();
    return c;
  }

  private synchronized void add(String line) {
    lines.add(line);
    notifyAll();
  }

  private synchronized void end() {
    ended = true;
    notifyAll();
  }

  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  public synchronized long count(Predicate<String> p) {
    return lines.stream().filter(p).count();
  }

  /** Waits until at least {@code n} lines match, and returns the last of them. */
  public synchronized String await(Predicate<String> p, int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> matching = lines.stream().filter(p).toList();
      if (matching.size() >= n) return matching.get(n - 1);
      long left = deadline - System.nanoTime();
      if (left <= 0 || ended) {
        throw new AssertionError((ended ? name + " ended" : "timed out after " + timeout) + " waiting for " + n
            + " matching line(s) in the output of " + name + ":\n  " + String.join("\n  ", lines));
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Waits up to {@code max} for a new line (or the end); for loops that poll something else. */
  public synchronized void awaitNewLine(Duration max) throws InterruptedException {
    if (!ended) wait(Math.max(1, max.toMillis()));
  }

  public String await(Predicate<String> p, Duration timeout) throws InterruptedException {
    return await(p, 1, timeout);
  }

  @Override
  public synchronized String toString() {
    return name + ":\n  " + String.join("\n  ", lines);
  }
}
