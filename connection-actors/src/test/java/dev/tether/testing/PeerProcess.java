package dev.tether.testing;

import java.io.IOException;
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
  private final ProcessOutput output;
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
    output = new ProcessOutput(command.get(0));
    reader = output.readFrom(process.getInputStream(), "peer-output-" + command.get(0));
  }

  public static PeerProcess start(List<String> command) {
    return new PeerProcess(command);
  }

  public static PeerProcess start(String... command) {
    return new PeerProcess(List.of(command));
  }

  public String output() {
    return output.text();
  }

  public int count(String fragment) {
    return output.count(fragment);
  }

  /** Waits (bounded) until the output contains the fragment; fails with the command and the whole output if not. */
  public void awaitOutput(String fragment, Duration max) {
    output.awaitCount(fragment, 1, max);
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
