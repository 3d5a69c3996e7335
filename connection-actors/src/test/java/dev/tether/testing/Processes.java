package dev.tether.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short external commands (openssl, ss, ip, kill) for test fixtures. */
public final class Processes {
  private Processes() {}

  /** Runs a command to completion (bounded by 60 s) and returns its output; fails on non-zero exit. */
  public static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) throw new IllegalStateException("exit " + p.exitValue() + ": " + command + "\n" + text);
      return text;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether a command is on the PATH. */
  public static boolean available(String command) {
    try {
      Process p = new ProcessBuilder("sh", "-c", "command -v " + command).redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether this JVM runs as root (needed for ss -K and network namespaces). */
  public static boolean isRoot() {
    try {
      return run(List.of("id", "-u")).trim().equals("0");
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Skips the calling test (JUnit assumption) when a real peer or tool is not installed, with a
   * message saying which. With {@code CI=true} a missing tool fails the test instead: CI installs
   * every tool (see .ci/run) and must run every test.
   */
  public static void requireTools(String... commands) {
    for (String c : commands) {
      if (available(c)) continue;
      String message = "'" + c + "' is not installed; tests against real peers need it (.ci/run installs it)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError("CI=true, so this test is required, but " + message);
      org.junit.jupiter.api.Assumptions.abort(message + ". Skipped.");
    }
  }

  public static void signal(long pid, String signal) {
    run(List.of("kill", "-" + signal, Long.toString(pid)));
  }
}
