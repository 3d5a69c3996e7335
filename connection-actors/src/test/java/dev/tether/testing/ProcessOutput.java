package dev.tether.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The combined output of a real peer process, read by a daemon thread as it comes, that a test can
 * wait on (bounded, failing with the whole output) instead of sleeping.
 */
public final class ProcessOutput {
  private final String name;
  private final StringBuffer text = new StringBuffer();

  /** @param name the process, as failures name it (e.g. "openssl s_server") */
  public ProcessOutput(String name) {
    this.name = name;
  }

  /** Starts reading {@code in} until it ends; returns the reader, which ends with the stream. */
  public Thread readFrom(InputStream in, String threadName) {
    Thread reader = new Thread(() -> {
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = in.read(buf)) > 0) {
          text.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
          wake();
        }
      } catch (IOException ignored) {
        // the process ended
      }
      wake();
    }, threadName);
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  private void wake() {
    synchronized (text) {
      text.notifyAll();
    }
  }

  public String text() {
    return text.toString();
  }

  public void clear() {
    text.setLength(0);
  }

  /** Occurrences of a fragment so far. */
  public int count(String fragment) {
    String s = text.toString();
    int n = 0;
    for (int i = s.indexOf(fragment); i >= 0; i = s.indexOf(fragment, i + 1)) n++;
    return n;
  }

  /** Waits (bounded) until the fragment occurs {@code times} times; fails with the whole output if not. */
  public void awaitCount(String fragment, int times, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (text) {
      while (count(fragment) < times) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(name + " output did not contain '" + fragment + "' " + times + "x within " + max
              + ". Output:\n" + text);
        }
        waitForNewOutput(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  /** Waits up to {@code millis} for new output (or the end of the stream); for loops that poll something else. */
  public void waitForNewOutput(long millis) {
    synchronized (text) {
      try {
        text.wait(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
