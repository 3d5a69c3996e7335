package dev.tether.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The echo server child JVM: start, kill (the reconnect storm), restart on the same port. */
public final class EchoServerProcess implements AutoCloseable {
  private final ThrowawayTls tls;
  private final Path log;
  private Process process;
  private int port;

  private EchoServerProcess(ThrowawayTls tls, Path log) {
    this.tls = tls;
    this.log = log;
  }

  /** Starts the server on a free port (port 0). */
  public static EchoServerProcess start(ThrowawayTls tls, Path log) throws IOException {
    EchoServerProcess s = new EchoServerProcess(tls, log);
    s.launch(0);
    return s;
  }

  public int port() {
    return port;
  }

  /** The child JVM's process id (bench/cluster-scale records it for its cleanup). */
  public long pid() {
    return process.pid();
  }

  /** Kills the server at once (SIGKILL), as a crashed peer would die. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Starts it again on the same port. */
  public void restart() throws IOException {
    launch(port);
  }

  private void launch(int wanted) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = List.of(java, "-Xss256k", "-Xms512m", "-Xmx2g", "-XX:+UseParallelGC",
        "-cp", System.getProperty("java.class.path"), EchoServer.class.getName(),
        Integer.toString(wanted), tls.cert().toString(), tls.key().toString());
    process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Process started = process;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    PrintWriter logWriter = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
    while ((line = out.readLine()) != null) {
      logWriter.println(line);
      if (line.startsWith("READY ")) {
        port = Integer.parseInt(line.substring(6).trim());
        break;
      }
    }
    if (line == null) throw new IOException("the echo server exited before it was ready; see " + log);
    Thread drain = new Thread(() -> {
      try (logWriter; out) {
        String l;
        while ((l = out.readLine()) != null) logWriter.println(l);
      } catch (IOException ignored) {
        // the server died (as it should in the storm)
      }
    }, "echo-server-log");
    drain.setDaemon(true);
    drain.start();
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) kill();
  }
}
