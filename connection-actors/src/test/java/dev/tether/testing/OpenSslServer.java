package dev.tether.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real TLS peer: {@code openssl s_server} on 127.0.0.1, with {@code -msg} so that its own output
 * shows every alert it sends and receives. Output is unbuffered ({@code stdbuf -o0}) and collected
 * as it arrives. The process is signalled by its own PID.
 */
public final class OpenSslServer implements AutoCloseable {
  private static final Pattern BYTES_ACKED = Pattern.compile("bytes_acked:(\\d+)");

  /** What the peer prints when it receives a close_notify, per protocol. */
  public static String closeNotifyReceived(String protocol) {
    return "<<< " + label(protocol) + ", Alert [length 0002], warning close_notify";
  }

  /** What the peer prints when it sends a close_notify. */
  public static String closeNotifySent(String protocol) {
    return ">>> " + label(protocol) + ", Alert [length 0002], warning close_notify";
  }

  private static String label(String protocol) {
    return protocol.equals("TLSv1.2") ? "TLS 1.2" : "TLS 1.3";
  }

  private final TestCerts certs;
  private final String certName;
  private final String protocol;
  private final List<String> extraArgs;
  private final int port;
  private final ProcessOutput output = new ProcessOutput("openssl s_server");
  private Process process;
  private OutputStream stdin;

  private final String bindHost;
  private final List<String> commandPrefix;

  private OpenSslServer(TestCerts certs, String certName, String protocol, List<String> extraArgs, int port) {
    this(certs, certName, protocol, extraArgs, "127.0.0.1", port, List.of());
  }

  private OpenSslServer(TestCerts certs, String certName, String protocol, List<String> extraArgs,
      String bindHost, int port, List<String> commandPrefix) {
    this.certs = certs;
    this.certName = certName;
    this.protocol = protocol;
    this.extraArgs = extraArgs;
    this.bindHost = bindHost;
    this.port = port;
    this.commandPrefix = commandPrefix;
  }

  /**
   * Starts {@code openssl s_server -rev} ("reverse each line; a line CLOSE makes it close with
   * close_notify") serving the named certificate with only the given protocol.
   */
  public static OpenSslServer startRev(TestCerts certs, String certName, String protocol) {
    return start(certs, certName, protocol, List.of("-rev"));
  }

  /**
   * Starts {@code openssl s_server -rev} listening on {@code bindHost:port}, its command line
   * prefixed by {@code commandPrefix}: e.g. {@code ip netns exec <ns>} to run it inside a network
   * namespace (see {@link NetNs#execPrefix()}). The prefix must exec the command, so that {@link
   * #pid()} stays openssl's own.
   */
  public static OpenSslServer startRevAt(TestCerts certs, String certName, String protocol, String bindHost, int port,
      List<String> commandPrefix) {
    OpenSslServer s = new OpenSslServer(certs, certName, protocol, List.of("-rev"), bindHost, port, List.copyOf(commandPrefix));
    s.launch();
    return s;
  }

  /**
   * What the peer prints for each application-data record it receives (a decrypted record whose
   * content type is application_data, 0x17), per protocol. Counting these shows how many writes,
   * pings included, reached the peer.
   */
  public static String applicationDataReceived(String protocol) {
    return protocol.equals("TLSv1.2")
        ? "<<< TLS 1.2, RecordHeader [length 0005]\n    17 03 03"
        : "<<< TLS 1.3, InnerContent [length 0001]\n    17";
  }

  public static OpenSslServer start(TestCerts certs, String certName, String protocol, List<String> extraArgs) {
    OpenSslServer s = new OpenSslServer(certs, certName, protocol, List.copyOf(extraArgs), freePort());
    s.launch();
    return s;
  }

  /** Starts the same server again on the same port, with fresh output. */
  public void restart() {
    stop();
    output.clear();
    launch();
  }

  private void launch() {
    Processes.requireTools("openssl", "stdbuf", "ss");
    List<String> cmd = new ArrayList<>(commandPrefix);
    cmd.addAll(List.of("stdbuf", "-o0", "-e0", "openssl", "s_server",
        "-accept", bindHost + ":" + port,
        "-cert", certs.cert(certName).toString(), "-key", certs.key(certName).toString(),
        "-msg", protocol.equals("TLSv1.2") ? "-tls1_2" : "-tls1_3"));
    cmd.addAll(extraArgs);
    try {
      process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start openssl s_server: " + e.getMessage(), e);
    }
    stdin = process.getOutputStream(); // kept open: stdin EOF would stop s_server
    output.readFrom(process.getInputStream(), "openssl-s_server-output-" + port);
    awaitOutput("ACCEPT", Duration.ofSeconds(20));
  }

  /** The address s_server listens on. */
  public String host() {
    return bindHost;
  }

  public int port() {
    return port;
  }

  public String protocol() {
    return protocol;
  }

  /** The OpenSSL process itself (stdbuf execs it, so the PID is openssl's). */
  public long pid() {
    return process.pid();
  }

  public String output() {
    return output.text();
  }

  /** Occurrences of a line fragment in the output so far. */
  public int count(String fragment) {
    return output.count(fragment);
  }

  /** Waits (bounded) until the output contains the fragment; fails with the whole output if not. */
  public void awaitOutput(String fragment, Duration max) {
    awaitCount(fragment, 1, max);
  }

  public void awaitCount(String fragment, int times, Duration max) {
    output.awaitCount(fragment, times, max);
  }

  /** Writes a line to s_server's stdin (it sends it to the client). */
  public void typeLine(String line) {
    try {
      stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SIGSTOP: the kernel still accepts TCP, but the peer never answers. */
  public void pause() {
    Processes.signal(pid(), "STOP");
  }

  public void resume() {
    Processes.signal(pid(), "CONT");
  }

  /** SIGKILL: the kernel closes its sockets with FIN and no close_notify. */
  public void kill9() {
    Processes.signal(pid(), "KILL");
    waitForExit();
  }

  /** Resets every established connection of this server (RST to the client). Needs root. */
  public void resetConnections() {
    List<String> cmd = new ArrayList<>(commandPrefix); // ss must run in the server's network namespace
    cmd.addAll(List.of("ss", "-K", "state", "established", "( sport = :" + port + " )"));
    Processes.run(cmd);
  }

  /**
   * Bytes this server's established connections have sent and the client's kernel has
   * acknowledged, summed ({@code ss -i}'s {@code bytes_acked}; absent while nothing was acked).
   * The {@code -msg} line of a record is printed <em>before</em> s_server writes it to the socket,
   * so this, not the output, shows that a record reached the client.
   */
  public long bytesAcked() {
    List<String> cmd = new ArrayList<>(commandPrefix); // ss must run in the server's network namespace
    cmd.addAll(List.of("ss", "-Htin", "state", "established", "( sport = :" + port + " )"));
    Matcher m = BYTES_ACKED.matcher(Processes.run(cmd));
    long sum = 0;
    while (m.find()) sum += Long.parseLong(m.group(1));
    return sum;
  }

  /** Waits (bounded) until {@link #bytesAcked()} reaches {@code atLeast}. */
  public void awaitBytesAcked(long atLeast, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    long acked;
    while ((acked = bytesAcked()) < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the client acknowledged " + acked + " bytes, not " + atLeast + ", after " + max);
      }
      output.waitForNewOutput(50); // poll the kernel's view; woken early by new output
    }
  }

  /** Established TCP connections of this server, as the kernel sees them. */
  public int establishedConnections() {
    List<String> cmd = new ArrayList<>(commandPrefix); // ss must run in the server's network namespace
    cmd.addAll(List.of("ss", "-Htn", "state", "established", "( sport = :" + port + " )"));
    String out = Processes.run(cmd);
    return (int) out.lines().filter(l -> !l.isBlank()).count();
  }

  /** Waits (bounded) until the kernel shows no established connection on this server's port. */
  public void awaitNoEstablishedConnection(Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (establishedConnections() > 0) {
      if (System.nanoTime() > deadline) throw new AssertionError("connection still established after " + max);
      output.waitForNewOutput(50); // poll the kernel's view; woken early by new output
    }
  }

  public void stop() {
    if (process != null && process.isAlive()) {
      try {
        Processes.signal(pid(), "CONT");
      } catch (RuntimeException ignored) {
        // already gone
      }
      process.destroyForcibly();
      waitForExit();
    }
  }

  private void waitForExit() {
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** A port that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
