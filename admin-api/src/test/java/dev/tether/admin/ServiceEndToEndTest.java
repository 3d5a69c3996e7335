package dev.tether.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.admin.json.JsonSupport;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service end to end: its main class in a child JVM, configured with a file that points at a
 * real {@code openssl s_server -rev -msg} (TLS 1.3), driven only through HTTP. The peer's own output
 * is the oracle for close_notify, on DELETE and on SIGTERM.
 */
class ServiceEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CLOSE_NOTIFY_RECEIVED = "<<< TLS 1.3, Alert [length 0002], warning close_notify";
  private static final Pattern LISTENING = Pattern.compile("admin API listening on http://127\\.0\\.0\\.1:(\\d+)");

  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void closeNotifyReachesThePeerOnDeleteAndOnShutdown() throws Exception {
    dev.tether.testing.Processes.requireTools("openssl", "stdbuf");
    // A throwaway certificate for the peer, and the peer itself.
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString());
    int peerPort = freePort();
    Process peer = start("stdbuf", "-o0", "openssl", "s_server", "-accept", "127.0.0.1:" + peerPort,
        "-cert", dir.resolve("cert.pem").toString(), "-key", dir.resolve("key.pem").toString(),
        "-tls1_3", "-rev", "-msg");
    LineCollector peerOut = LineCollector.of("openssl s_server", peer.getInputStream());
    peerOut.await(l -> l.startsWith("ACCEPT"), WAIT);

    // The service, with one configured connection to the peer.
    Path conf = dir.resolve("e2e.conf");
    Files.writeString(conf, """
        tether {
          admin.port = 0
          tls-profiles.e2e { trust-pem = "%s", protocols = ["TLSv1.3"] }
          connections = [ { id = "e2e-1", host = "localhost", port = %d, tls-profile = "e2e", close-timeout = 3s } ]
        }
        """.formatted(dir.resolve("cert.pem").toString().replace("\\", "\\\\"), peerPort));
    Process service = start(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dconfig.file=" + conf, AdminApp.class.getName());
    LineCollector serviceOut = LineCollector.of("tether service", service.getInputStream());
    Matcher m = LISTENING.matcher(serviceOut.await(l -> LISTENING.matcher(l).find(), WAIT));
    assertTrue(m.find());
    String base = "http://127.0.0.1:" + m.group(1);

    LineCollector events = LineCollector.of("GET /events", http.send(
        HttpRequest.newBuilder(URI.create(base + "/events")).GET().build(), HttpResponse.BodyHandlers.ofLines()).body());
    awaitOpen(base, "e2e-1", events);

    // DELETE: a graceful close, answered once it completed; the peer saw our close_notify.
    HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(URI.create(base + "/connections/e2e-1?mode=graceful"))
        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, deleted.statusCode(), deleted.body());
    JsonNode outcome = JsonSupport.mapper().readTree(deleted.body()).get("outcome");
    assertEquals("clean", outcome.get("kind").asText(), deleted.body());
    peerOut.await(l -> l.contains(CLOSE_NOTIFY_RECEIVED), 1, WAIT);
    assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(base + "/connections/e2e-1")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());

    // A second connection, opened through the API, must be closed by the shutdown.
    HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/connections"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"id\": \"e2e-2\", \"host\": \"localhost\", \"port\": " + peerPort + ", \"tlsProfile\": \"e2e\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, created.statusCode(), created.body());
    assertEquals("/connections/e2e-2", created.headers().firstValue("Location").orElse(""));
    awaitOpen(base, "e2e-2", events);

    // SIGTERM: every connection closed with close_notify, one summary line, exit 0.
    // Process.destroy() would also close our end of its stdout; the handle only sends the signal.
    assertTrue(service.toHandle().destroy(), "SIGTERM not sent");
    assertTrue(service.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the service did not exit:\n" + serviceOut);
    assertEquals(0, service.exitValue(), serviceOut.toString());
    peerOut.await(l -> l.contains(CLOSE_NOTIFY_RECEIVED), 2, WAIT);
    serviceOut.await(l -> l.contains("shutdown: closed 1 connection: clean=1"), WAIT);
  }

  /** Waits for the connection to be open: the SSE stream says so, or it already was. */
  private void awaitOpen(String base, String id, LineCollector events) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/connections/" + id)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 200 && "open".equals(JsonSupport.mapper().readTree(r.body()).get("state").asText())) return;
    events.await(l -> l.startsWith("data:") && l.contains("\"id\":\"" + id + "\"") && l.contains("\"state\":\"open\""), WAIT);
  }

  private Process start(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    processes.add(p);
    return p;
  }

  private void run(String... command) throws Exception {
    Process p = start(command);
    LineCollector out = LineCollector.of(command[0], p.getInputStream());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
    assertEquals(0, p.exitValue(), out.toString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
