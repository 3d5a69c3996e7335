package dev.tether.admin.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.admin.json.JsonSupport;
import dev.tether.admin.testing.LineCollector;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Tether service as a child JVM, as the tests start it: its main class ({@link AdminApp}) on
 * this JVM's class path (what {@code tether.jar} holds), a configuration file, {@code -D} options
 * and {@code TETHER_*} environment variables; the service sees only the {@code TETHER_*} variables
 * the test gives (none inherited). Its output (stdout and stderr) is collected as lines; readiness is
 * a probe of the admin API, not a sleep; every wait is bounded and woken by the service's own log.
 *
 * <p>{@link #close} kills it (and anything it started) if it still runs.
 */
final class ServiceProcess implements AutoCloseable {
  /** The bound of a wait unless a test gives its own. */
  static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern LISTENING = Pattern.compile("admin API listening on (http://127\\.0\\.0\\.1:\\d+)");
  /** How often a poll asks again when the service logs nothing in between. */
  private static final Duration POLL_INTERVAL = Duration.ofMillis(500);

  private final Process process;
  private final LineCollector output;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private volatile String base;

  private ServiceProcess(Process process, LineCollector output, String base) {
    this.process = process;
    this.output = output;
    this.base = base;
  }

  /** A service to start, named {@code name} in its output's messages. */
  static Builder builder(String name) {
    return new Builder(name);
  }

  static final class Builder {
    private final String name;
    private Path config;
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private int adminPort;

    private Builder(String name) {
      this.name = name;
    }

    /** {@code -Dconfig.file}: the repository's application.conf, or a test's own file. */
    Builder config(Path file) {
      this.config = file;
      return this;
    }

    /** JVM options ({@code -D...}, {@code --add-opens=...}), before the main class. */
    Builder jvmOptions(List<String> options) {
      jvmOptions.addAll(options);
      return this;
    }

    /** An environment variable for the service (the repository's application.conf reads {@code TETHER_*}). */
    Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    Builder env(Map<String, String> variables) {
      env.putAll(variables);
      return this;
    }

    /**
     * {@code TETHER_ADMIN_PORT}: a fixed port, known before the start; without it the port is 0 and
     * the address is read from the service's "listening" line.
     */
    Builder adminPort(int port) {
      this.adminPort = port;
      return this;
    }

    ServiceProcess start() throws IOException {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path")));
      if (config != null) cmd.add("-Dconfig.file=" + config);
      cmd.addAll(jvmOptions);
      cmd.add(AdminApp.class.getName());
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().keySet().removeIf(k -> k.startsWith("TETHER_"));
      pb.environment().put("TETHER_ADMIN_PORT", String.valueOf(adminPort));
      pb.environment().putAll(env);
      Process p = pb.start();
      return new ServiceProcess(p, LineCollector.of(name, p.getInputStream()),
          adminPort == 0 ? null : "http://127.0.0.1:" + adminPort);
    }
  }

  // ---------------------------------------------------------------- the process

  Process process() {
    return process;
  }

  /** Everything it printed so far, and waits for more. */
  LineCollector output() {
    return output;
  }

  /**
   * Waits until the admin API answers, and returns its address ({@code http://127.0.0.1:port}): the
   * "listening" line names it (with port 0), then {@code GET /health} must get an HTTP answer (a 401
   * also counts: with a token set the API answers, only not to us).
   */
  String awaitReady(Duration timeout) throws InterruptedException {
    String url = base();
    poll("the admin API answers at " + url, timeout, seen -> {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/health")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      seen.append(r.statusCode());
      return r;
    });
    return url;
  }

  String awaitReady() throws InterruptedException {
    return awaitReady(WAIT);
  }

  /** The admin API's address: the fixed port's, or the one its "listening" line names (waited for). */
  String base() throws InterruptedException {
    if (base == null) {
      Matcher m = LISTENING.matcher(output.await(l -> LISTENING.matcher(l).find(), WAIT));
      assertTrue(m.find());
      base = m.group(1);
    }
    return base;
  }

  /** Sends SIGTERM (only the signal: our end of its output stays open, to read the shutdown). */
  void sigterm() {
    assertTrue(process.toHandle().destroy(), "SIGTERM not sent to " + output.lines().size() + "-line " + output);
  }

  /** SIGKILL: no leave, no goodbye. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Waits for it to exit and returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    assertTrue(process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS), "the service did not exit:\n" + output);
    return process.exitValue();
  }

  /** SIGTERM, and SIGKILL if it has not exited within 30 s. */
  void stop() throws InterruptedException {
    if (!process.isAlive()) return;
    process.toHandle().destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return output.toString();
  }

  // ---------------------------------------------------------------- the admin API

  HttpResponse<String> request(String method, String path, String jsonBody) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path));
    b = jsonBody == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
        : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code GET path}, which must answer 200 with JSON. */
  JsonNode getJson(String path) throws Exception {
    HttpResponse<String> r = request("GET", path, null);
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return JsonSupport.mapper().readTree(r.body());
  }

  /** Polls {@code GET path} until its JSON body satisfies the condition (a non-200 or a failure is "not yet"). */
  JsonNode await(String path, Predicate<JsonNode> condition, String what, Duration timeout) throws InterruptedException {
    return poll(what, timeout, seen -> {
      HttpResponse<String> r = request("GET", path, null);
      seen.append(r.statusCode()).append(' ').append(r.body());
      if (r.statusCode() != 200) return null;
      JsonNode v = JsonSupport.mapper().readTree(r.body());
      return condition.test(v) ? v : null;
    });
  }

  JsonNode await(String path, Predicate<JsonNode> condition, String what) throws InterruptedException {
    return await(path, condition, what, WAIT);
  }

  /** One try of a poll: the value, or null for "not yet"; what it saw goes to {@code seen}, for the failure message. */
  @FunctionalInterface
  interface Attempt<T> {
    T run(StringBuilder seen) throws Exception;
  }

  /**
   * Tries until {@code attempt} gives a value, again whenever the service logs a line (else every
   * {@link #POLL_INTERVAL}), for at most {@code timeout}. An {@link IOException} (not answering yet)
   * or an {@link AssertionError} of the attempt is "not yet" too. Fails naming what was awaited, the
   * last thing seen and the service's output.
   */
  <T> T poll(String what, Duration timeout, Attempt<T> attempt) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "nothing";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(what + ": the service exited with " + process.exitValue() + "\n" + output);
      }
      StringBuilder seen = new StringBuilder();
      try {
        T value = attempt.run(seen);
        if (value != null) return value;
      } catch (InterruptedException e) {
        throw e;
      } catch (IOException | AssertionError notYet) {
        seen.append(seen.isEmpty() ? "" : " ").append(notYet);
      } catch (Exception e) {
        throw new AssertionError(what + ": " + e + "\n" + output, e);
      }
      last = seen.toString();
      output.awaitNewLine(POLL_INTERVAL);
    }
    throw new AssertionError(what + ": not within " + timeout + "; last seen " + abbreviate(last) + "\n" + output);
  }

  private static String abbreviate(String s) {
    return s.length() > 4000 ? s.substring(0, 4000) + "..." : s;
  }

  /** A port free now, for the service to bind (admin, listeners, remoting). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
