package dev.tether.admin.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.admin.json.JsonSupport;
import dev.tether.admin.testing.LineCollector;
import dev.tether.throwaway.ThrowawayCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service end to end: its main class in a child JVM, configured with a file that points at a
 * real {@code openssl s_server -rev -msg} (TLS 1.3), driven only through HTTP. The peer's own output
 * is the oracle for close_notify, on DELETE and on SIGTERM. Then the repository's application.conf:
 * the demo's jobs listener, with {@code openssl s_client} as a client, and a port that is taken.
 */
@Tag("peer")
@Tag("service")
class ServiceEndToEndIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CLOSE_NOTIFY_RECEIVED = "<<< TLS 1.3, Alert [length 0002], warning close_notify";
  private static final Pattern DEMO_CERT = Pattern.compile("openssl s_client -CAfile (\\S+throwaway-cert\\.pem)");

  private final List<Process> processes = new ArrayList<>();
  private final List<ServiceProcess> services = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (ServiceProcess s : services) s.close();
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
    ThrowawayCertificate material = ThrowawayCertificate.generate();
    Files.writeString(dir.resolve("key.pem"), material.privateKeyPem());
    Files.writeString(dir.resolve("cert.pem"), material.certificatePem());
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
    ServiceProcess tether = track(ServiceProcess.builder("tether service").config(conf).start());
    Process service = tether.process();
    LineCollector serviceOut = tether.output();
    String base = tether.awaitReady(WAIT);

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
    serviceOut.await(l -> l.contains("shutdown: closed 1 connection (inbound 0, outbound 1): clean=1"), WAIT);
  }

  /**
   * The repository's application.conf: the demo's jobs listener is bound with the throwaway
   * certificate, the demo connections go to it (so both directions are live), openssl s_client
   * speaks the jobs protocol to it trusting that certificate, and the listener can be stopped.
   */
  @Test
  void theDemoServesTheJobsListenerAndConnectsToIt() throws Exception {
    dev.tether.testing.Processes.requireTools("openssl");
    int jobsPort = freePort();
    ServiceProcess tether = startService(Map.of("TETHER_JOBS_PORT", String.valueOf(jobsPort)));
    Process service = tether.process();
    LineCollector serviceOut = tether.output();
    String base = tether.awaitReady(WAIT);
    serviceOut.await(l -> l.contains("all configured listeners bound: jobs on 127.0.0.1:" + jobsPort), WAIT);
    Matcher cert = DEMO_CERT.matcher(serviceOut.await(l -> DEMO_CERT.matcher(l).find(), WAIT));
    assertTrue(cert.find());

    JsonNode listeners = tether.getJson("/listeners").get("listeners");
    assertEquals(1, listeners.size(), listeners.toString());
    JsonNode jobs = listeners.get(0);
    assertEquals("jobs", jobs.get("name").asText());
    assertEquals(jobsPort, jobs.get("port").asInt());
    assertEquals("demo", jobs.get("tlsProfile").asText());
    assertTrue(jobs.get("bound").asBoolean(), jobs.toString());
    assertTrue(jobs.get("problem").isNull(), jobs.toString());

    // Both ends of each demo connection are managed here: demo-N outbound, jobs-N inbound.
    LineCollector events = LineCollector.of("GET /events", http.send(
        HttpRequest.newBuilder(URI.create(base + "/events")).GET().build(), HttpResponse.BodyHandlers.ofLines()).body());
    for (String id : List.of("demo-1", "demo-2", "demo-3")) awaitOpen(base, id, events);
    JsonNode inbound = tether.getJson("/connections?direction=inbound").get("connections");
    assertTrue(inbound.size() >= 3, inbound.toString());
    for (JsonNode c : inbound) {
      assertEquals("inbound", c.get("direction").asText());
      assertEquals("jobs", c.get("listener").asText());
      assertTrue(c.get("id").asText().startsWith("jobs-"), c.toString());
    }
    JsonNode outbound = tether.getJson("/connections?direction=outbound").get("connections");
    assertEquals(List.of("demo-1", "demo-2", "demo-3"), ids(outbound));
    outbound.forEach(c -> assertTrue(c.get("listener").isNull(), c.toString()));

    // A client of our own, trusting exactly the throwaway certificate (-verify_return_error).
    Process client = start("openssl", "s_client", "-quiet", "-verify_return_error", "-CAfile", cert.group(1),
        "-connect", "127.0.0.1:" + jobsPort);
    LineCollector clientOut = LineCollector.of("openssl s_client", client.getInputStream());
    client.getOutputStream().write("PING\nQUIT\n".getBytes(StandardCharsets.US_ASCII));
    client.getOutputStream().flush();
    clientOut.await(l -> l.equals("PONG"), WAIT);
    clientOut.await(l -> l.equals("BYE"), WAIT);

    String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("tether_listener_bound{listener=\"jobs\"} 1"), metrics);
    assertTrue(metrics.contains("tether_connections{direction=\"outbound\",state=\"open\"} 3"), metrics);
    assertTrue(Pattern.compile("tether_listener_accepted_total\\{listener=\"jobs\"} ([4-9]|\\d\\d)").matcher(metrics).find(),
        metrics);

    // Stopping the listener closes its connections and answers their outcomes.
    HttpResponse<String> stopped = http.send(HttpRequest.newBuilder(URI.create(base + "/listeners/jobs?mode=graceful"))
        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, stopped.statusCode(), stopped.body());
    JsonNode body = JsonSupport.mapper().readTree(stopped.body());
    assertEquals("jobs", body.get("name").asText());
    assertEquals(body.get("connections").size(), body.get("closed").asInt());
    long counted = 0;
    for (JsonNode n : body.get("outcomes")) counted += n.asLong();
    assertEquals(body.get("closed").asLong(), counted, stopped.body());
    // A stopped listener is no longer bound (or no longer listed).
    for (JsonNode l : tether.getJson("/listeners").get("listeners")) assertFalse(l.get("bound").asBoolean(), l.toString());
    assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(base + "/listeners/nope")).DELETE().build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());

    // SIGTERM: the demo connections (backing off now) are closed; the summary counts both directions.
    assertTrue(service.toHandle().destroy(), "SIGTERM not sent");
    assertTrue(service.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the service did not exit:\n" + serviceOut);
    assertEquals(0, service.exitValue(), serviceOut.toString());
    serviceOut.await(l -> l.contains("shutdown: closed 3 connections (inbound 0, outbound 3)"), WAIT);
  }

  /** A listener that cannot bind stops the service at start, naming the listener and its address. */
  @Test
  void aTakenJobsPortStopsTheServiceNamingTheListenerAndAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      ServiceProcess tether = startService(Map.of("TETHER_JOBS_PORT", String.valueOf(taken.getLocalPort())));
      Process service = tether.process();
      LineCollector serviceOut = tether.output();
      assertTrue(service.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the service did not exit:\n" + serviceOut);
      assertEquals(3, service.exitValue(), serviceOut.toString());
      serviceOut.await(l -> l.contains("tether: not starting: listener 'jobs' cannot accept on 127.0.0.1:"
          + taken.getLocalPort() + ": "), WAIT);
      assertEquals(0, serviceOut.count(l -> l.contains("demo: opening")), serviceOut.toString());
    }
  }

  @Test
  void aTakenAdminPortStopsTheServiceWithANonZeroExitCode() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      ServiceProcess tether = startService(Map.of("TETHER_ADMIN_PORT", String.valueOf(taken.getLocalPort()),
          "TETHER_JOBS_PORT", "0"));
      Process service = tether.process();
      LineCollector serviceOut = tether.output();
      assertTrue(service.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the service did not exit:\n" + serviceOut);
      assertEquals(3, service.exitValue(), serviceOut.toString());
      serviceOut.await(l -> l.contains("cannot bind the admin API to 127.0.0.1:" + taken.getLocalPort()), WAIT);
    }
  }

  /** The service with the repository's application.conf, the admin API on a free port, and {@code env}. */
  private ServiceProcess startService(Map<String, String> env) throws IOException {
    return track(ServiceProcess.builder("tether service").config(RepositoryFiles.applicationConf()).env(env).start());
  }

  private ServiceProcess track(ServiceProcess service) {
    services.add(service);
    return service;
  }

  private static List<String> ids(JsonNode connections) {
    List<String> ids = new ArrayList<>();
    connections.forEach(c -> ids.add(c.get("id").asText()));
    return ids;
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
    return ServiceProcess.freePort();
  }
}
