package dev.tether.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The {@link AcceptClient} child JVM, started like {@link EchoServerProcess}: a second process, so
 * that the harness JVM (where the server under test runs) holds only server-side state. Every line
 * it prints goes to its log; the answers to commands are also handed to the caller.
 */
final class AcceptClientProcess implements AutoCloseable {
  /** The answer to {@code OPEN}: connections ready (handshake done, one line echoed), failed. */
  record Opened(int ready, int failed, double millis, String problems) {}

  /** The answer to {@code CLOSE}: connections closed with close_notify both ways, others. */
  record Closed(int clean, int unclean, double millis, String problems) {}

  private final Process process;
  private final Writer commands;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

  private AcceptClientProcess(Process process) {
    this.process = process;
    this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
  }

  static AcceptClientProcess start(ThrowawayTls tls, Path log) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = List.of(java, "-Xss256k", "-Xms256m", "-Xmx2g", "-XX:+UseParallelGC",
        "-cp", System.getProperty("java.class.path"), AcceptClient.class.getName(),
        tls.cert().getParent().toAbsolutePath().toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    AcceptClientProcess c = new AcceptClientProcess(p);
    PrintWriter logWriter = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    Thread drain = new Thread(() -> {
      try (logWriter; out) {
        String l;
        while ((l = out.readLine()) != null) {
          logWriter.println(l);
          if (l.startsWith("READY") || l.startsWith("OPENED ") || l.startsWith("CLOSED ") || l.startsWith("ERROR ")) {
            c.answers.add(l);
          }
        }
      } catch (IOException ignored) {
        // the client died; the caller's wait for an answer times out
      }
    }, "accept-client-log");
    drain.setDaemon(true);
    drain.start();
    String ready = c.answers.poll(60, TimeUnit.SECONDS);
    if (!"READY".equals(ready)) {
      p.destroyForcibly();
      throw new IOException("the accept client did not start (" + ready + "); see " + log);
    }
    return c;
  }

  /** Starts opening {@code n} connections to {@code port}; the answer comes with {@link #awaitOpened}. */
  void open(int port, int n, int concurrency) throws IOException {
    send("OPEN " + port + " " + n + " " + concurrency);
  }

  Opened awaitOpened(Duration timeout) throws IOException, InterruptedException {
    String[] w = answer("OPENED ", timeout);
    return new Opened(Integer.parseInt(w[1]), Integer.parseInt(w[2]), Double.parseDouble(w[3]), w.length > 4 ? w[4] : "");
  }

  /** Closes every connection gracefully and waits for the answer. */
  Closed closeAll(Duration timeout) throws IOException, InterruptedException {
    send("CLOSE");
    String[] w = answer("CLOSED ", timeout);
    return new Closed(Integer.parseInt(w[1]), Integer.parseInt(w[2]), Double.parseDouble(w[3]), w.length > 4 ? w[4] : "");
  }

  private void send(String command) throws IOException {
    commands.write(command + "\n");
    commands.flush();
  }

  private String[] answer(String prefix, Duration timeout) throws IOException, InterruptedException {
    String line = answers.poll(timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
    if (line == null || !line.startsWith(prefix)) {
      throw new IOException("the accept client answered " + (line == null ? "nothing" : "'" + line + "'")
          + " where " + prefix.trim() + " was expected");
    }
    return line.split(" ", 5);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }
}
