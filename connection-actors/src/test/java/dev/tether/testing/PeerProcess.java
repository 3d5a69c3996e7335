package dev.tether.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real client process (openssl s_client, gnutls-cli, curl, python3) whose stdin the test types
 * into and whose combined output it waits on, bounded, failing with the whole output.
 */
public final class PeerProcess implements AutoCloseable {
  private final List<String> command;
  private final Process process;
  private final OutputStream stdin;
  private final StringBuffer output = new StringBuffer();
  private final Thread reader;

  private PeerProcess(List<String> command) {
    this.command = List.copyOf(command);
    Processes.requireTools(command.get(0));
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command + ": " + e.getMessage(), e);
    }
    stdin = process.getOutputStream();
    InputStream out = process.getInputStream();
    reader = new Thread(() -> {
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = out.read(buf)) > 0) {
          output.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
          synchronized (output) {
            output.notifyAll();
          }
        }
      } catch (IOException ignored) {
        // process ended
      }
      synchronized (output) {
        output.notifyAll();
      }
    }, "peer-output-" + command.get(0));
    reader.setDaemon(true);
    reader.start();
  }

  public static PeerProcess start(List<String> command) {
    return new PeerProcess(command);
  }

  public static PeerProcess start(String... command) {
    return new PeerProcess(List.of(command));
  }

  public String output() {
    return output.toString();
  }

  public int count(String fragment) {
    String s = output.toString();
    int n = 0;
    for (int i = s.indexOf(fragment); i >= 0; i = s.indexOf(fragment, i + fragment.length())) n++;
    return n;
  }

  /** Waits (bounded) until the output contains the fragment. */
  public void awaitOutput(String fragment, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (output) {
      while (count(fragment) < 1) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(command.get(0) + " output did not contain '" + fragment + "' within " + max
              + ". Command: " + command + "\nOutput:\n" + output);
        }
        try {
          output.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  /** Types a line (with {@code \n}) into the process's stdin. */
  public void typeLine(String line) {
    try {
      stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write to " + command.get(0) + ": " + e.getMessage() + "\nOutput:\n" + output, e);
    }
  }

  public void closeStdin() {
    try {
      stdin.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  /** Waits (bounded) for the process to exit and returns its exit code. */
  public int awaitExit(Duration max) {
    try {
      if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(command.get(0) + " did not exit within " + max + "\nOutput:\n" + output);
      }
      reader.join(Duration.ofSeconds(5).toMillis()); // it has read the last bytes once the pipe closed
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
