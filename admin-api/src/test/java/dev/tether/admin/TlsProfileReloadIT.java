package dev.tether.admin;

import org.junit.jupiter.api.Tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.tether.admin.json.JsonSupport;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ConnectionView;
import dev.tether.testing.OpenSslServer;
import dev.tether.testing.PeerProcess;
import dev.tether.testing.TestCerts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Certificates and trust reloaded without a restart, end to end: a real manager with profiles read
 * from files written by the test, the admin API bound to a real port and asked over HTTP, and real
 * peers as the oracle: {@code openssl s_server -Verify 1} prints the subject of the client
 * certificate each connection presented, {@code openssl s_client} prints the server certificate a
 * listener presented. Each test owns its profile, so the order of the tests does not matter.
 */
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("peer")
class TlsProfileReloadIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String PROTOCOL = "TLSv1.3";

  private final TestCerts peerCerts = TestCerts.generate(); // what the openssl peers serve
  private final Path dir = tempDir();
  private final ActorTestKit testKit = ActorTestKit.create("TlsProfileReloadIT", config());
  private final List<AutoCloseable> peers = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ActorRef<ConnectionManager.Command> manager;
  private TestProbe<Object> probe;
  private String base;

  /** One profile per test, each with its own files; {@code watched} in a Kubernetes-style secret directory. */
  private Config config() {
    for (String profile : List.of("client", "server", "bad", "shown")) {
      TestIdentity.generate(profile + "-v1").write(key(profile), cert(profile));
      copy(peerCerts.cert("localhost"), trust(profile));
    }
    Path secret = dir.resolve("secret");
    mountSecret(secret, "..2026_01_01_00_00_00.1", TestIdentity.generate("watched-v1"));
    StringBuilder conf = new StringBuilder("tether {\n");
    for (String profile : List.of("client", "server", "bad", "shown")) {
      conf.append("  tls-profiles.").append(profile).append(" { key-pem = \"").append(key(profile))
          .append("\", cert-pem = \"").append(cert(profile)).append("\", trust-pem = \"").append(trust(profile))
          .append("\", protocols = [\"").append(PROTOCOL).append("\"], rolling-reconnect-jitter = 100ms }\n");
    }
    conf.append("  tls-profiles.watched { key-pem = \"").append(secret.resolve("tls.key"))
        .append("\", cert-pem = \"").append(secret.resolve("tls.crt")).append("\", trust-pem = \"")
        .append(secret.resolve("ca.crt")).append("\", protocols = [\"").append(PROTOCOL)
        .append("\"], watch = on, watch-debounce = 200ms }\n");
    conf.append("  listeners.reload { interface = \"127.0.0.1\", port = 0, tls-profile = server, handler = echo }\n");
    conf.append("}\npekko.loglevel = INFO\n");
    return ConfigFactory.parseString(conf.toString()).withFallback(ConfigFactory.load()).resolve();
  }

  @BeforeAll
  void start() throws Exception {
    manager = testKit.spawn(ConnectionManager.create(ConnectionManagerSettings.create(testKit.system().settings().config())),
        "manager");
    probe = testKit.createTestProbe();
    AdminSettings settings = AdminSettings.create(testKit.system());
    var route = AdminRoutes.create(manager, testKit.system(), settings,
        ConnectionManagerSettings.create(testKit.system().settings().config()).defaults(),
        AdminMetrics.start(manager, testKit.system()));
    var binding = Http.get(testKit.system()).newServerAt("127.0.0.1", 0).bind(AdminRoutes.seal(route))
        .toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @AfterEach
  void stopPeers() throws Exception {
    for (AutoCloseable p : peers) p.close();
    peers.clear();
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  // ---------------------------------------------------------------- outbound: the client certificate

  @Test
  void newConnectionsPresentTheReloadedClientCertificateOpenOnesKeepTheirsUntilARollingReconnect() throws Exception {
    OpenSslServer first = peer();
    open("before", "client", first);
    first.awaitOutput("subject=CN = client-v1", WAIT);

    TestIdentity.generate("client-v2").write(key("client"), cert("client"));
    HttpResponse<String> reloaded = post("/tls-profiles/client/reload");
    assertEquals(200, reloaded.statusCode(), reloaded.body());
    JsonNode body = json(reloaded);
    assertEquals("CN=client-v2", body.at("/profile/subject").asText(), reloaded.body());
    assertEquals("none", body.get("reconnect").asText());
    assertEquals(0, body.get("reconnecting").asInt());

    // The open connection keeps its incarnation (and so its certificate); the peer saw no other.
    ConnectionView before = view("before");
    assertEquals(ConnectionState.OPEN, before.state());
    assertEquals(1, before.incarnation());
    assertEquals(0, first.count("client-v2"), first.output());

    // A connection opened after the reload presents the new certificate.
    OpenSslServer second = peer();
    open("after", "client", second);
    second.awaitOutput("subject=CN = client-v2", WAIT);
    assertEquals(0, second.count("client-v1"), second.output());

    // A rolling reconnect moves the old connection (and the new one) onto the new certificate.
    HttpResponse<String> rolling = post("/tls-profiles/client/reload?reconnect=rolling");
    assertEquals(200, rolling.statusCode(), rolling.body());
    assertEquals("rolling", json(rolling).get("reconnect").asText());
    assertEquals(2, json(rolling).get("reconnecting").asInt(), rolling.body());
    first.awaitOutput("subject=CN = client-v2", WAIT);
    probe.awaitAssert(WAIT, () -> {
      ConnectionView v = view("before");
      assertTrue(v.incarnation() >= 2 && v.state() == ConnectionState.OPEN, v.toString());
      return null;
    });
    close("before");
    close("after");
  }

  // ---------------------------------------------------------------- inbound: a listener's certificate

  @Test
  void newClientsOfAListenerSeeItsReloadedServerCertificateWhileAnOpenOneKeepsWorking() throws Exception {
    int port = listenerPort("reload");
    PeerProcess early = client(port);
    early.awaitOutput("subject=CN = server-v1", WAIT);

    TestIdentity.generate("server-v2").write(key("server"), cert("server"));
    HttpResponse<String> reloaded = post("/tls-profiles/server/reload");
    assertEquals(200, reloaded.statusCode(), reloaded.body());

    PeerProcess late = client(port);
    late.awaitOutput("subject=CN = server-v2", WAIT);
    assertEquals(0, late.count("server-v1"), late.output());

    // The client connected before the reload still talks to us over its old session (echo handler).
    early.typeLine("still-here");
    early.awaitOutput("still-here", WAIT);
    assertEquals(0, early.count("server-v2"), early.output());
  }

  // ---------------------------------------------------------------- bad material

  @Test
  void aBadReloadAnswers400WithTheReasonAndTheOldMaterialStaysInUse() throws Exception {
    TestIdentity expired = TestIdentity.generate("bad-expired", Instant.now().minus(Duration.ofDays(2)),
        Instant.now().minus(Duration.ofDays(1)));
    byte[] goodKey = Files.readAllBytes(key("bad"));
    byte[] goodCert = Files.readAllBytes(cert("bad"));

    // A certificate whose key is not the one in key-pem.
    TestIdentity.generate("bad-v2").write(dir.resolve("unused.key"), cert("bad"));
    assertReloadFails("key-pem", "does not belong to the certificate");
    // An expired certificate (with its own key).
    expired.write(key("bad"), cert("bad"));
    assertReloadFails("cert-pem", "expired at");
    restore(key("bad"), goodKey, cert("bad"), goodCert);
    // A trust file that is not a certificate.
    Files.writeString(trust("bad"), "this is not a certificate\n");
    assertReloadFails("trust-pem", "");
    copy(peerCerts.cert("localhost"), trust("bad"));

    // What is in use is still the first material: GET shows it, and a new handshake presents it.
    JsonNode shown = json(get("/tls-profiles/bad"));
    assertEquals("CN=bad-v1", shown.get("subject").asText(), shown.toString());
    assertFalse(shown.get("lastReloadError").isNull(), shown.toString());
    OpenSslServer peer = peer();
    open("bad-1", "bad", peer);
    peer.awaitOutput("subject=CN = bad-v1", WAIT);
    close("bad-1");

    // Good files again: reloaded, and the error is gone.
    TestIdentity.generate("bad-v3").write(key("bad"), cert("bad"));
    HttpResponse<String> ok = post("/tls-profiles/bad/reload");
    assertEquals(200, ok.statusCode(), ok.body());
    assertTrue(json(ok).at("/profile/lastReloadError").isNull(), ok.body());
    assertEquals("CN=bad-v3", json(ok).at("/profile/subject").asText());
  }

  // ---------------------------------------------------------------- the watch

  @Test
  void theWatchReloadsAfterAKubernetesStyleSymlinkSwapAndShowsAFailedOne() throws Exception {
    Path secret = dir.resolve("secret");
    swapSecret(secret, "..2026_01_02_00_00_00.2", TestIdentity.generate("watched-v2"));
    await(() -> assertEquals("CN=watched-v2", json(get("/tls-profiles/watched")).get("subject").asText()));
    OpenSslServer peer = peer();
    open("watched-1", "watched", peer);
    peer.awaitOutput("subject=CN = watched-v2", WAIT);
    close("watched-1");

    // A swap to a key that does not belong to the certificate: kept out, and visible.
    Path unrelatedKey = dir.resolve("unrelated.key");
    TestIdentity.generate("unrelated").write(unrelatedKey, dir.resolve("unrelated.crt"));
    swapSecret(secret, "..2026_01_03_00_00_00.3", TestIdentity.generate("watched-v3"), unrelatedKey);
    await(() -> {
      JsonNode p = json(get("/tls-profiles/watched"));
      assertTrue(p.get("lastReloadError").asText().contains("does not belong"), p.toString());
      assertEquals("CN=watched-v2", p.get("subject").asText());
    });
  }

  // ---------------------------------------------------------------- the view, the metric, the library

  @Test
  void getShowsWhatEachProfileHoldsAndTheMetricItsExpiry() throws Exception {
    JsonNode all = json(get("/tls-profiles"));
    assertTrue(all.get("node").isNull(), all.toString()); // one node
    JsonNode shown = null;
    for (JsonNode p : all.get("profiles")) if (p.get("name").asText().equals("shown")) shown = p;
    assertTrue(shown != null, all.toString());
    assertEquals("CN=shown-v1", shown.get("subject").asText());
    assertEquals("CN=shown-v1", shown.get("issuer").asText());
    assertEquals(1, shown.get("trustAnchors").asInt());
    assertTrue(shown.get("reloadable").asBoolean());
    assertFalse(shown.get("watch").asBoolean());
    assertEquals(cert("shown").toString(), shown.at("/files/cert-pem").asText());
    assertEquals(key("shown").toString(), shown.at("/files/key-pem").asText());
    assertEquals(trust("shown").toString(), shown.at("/files/trust-pem").asText());
    Instant notAfter = Instant.parse(shown.get("notAfter").asText());
    assertTrue(Duration.between(Instant.now(), notAfter).toHours() >= 23, shown.toString());
    assertTrue(Instant.parse(shown.get("loadedAt").asText()).isBefore(Instant.now().plusSeconds(1)));
    assertTrue(shown.get("lastReloadError").isNull());

    JsonNode defaults = json(get("/tls-profiles/default"));
    assertTrue(defaults.get("subject").isNull(), defaults.toString()); // no identity
    assertTrue(defaults.get("trustAnchors").asInt() > 10, defaults.toString()); // the JDK's trust store

    String metrics = get("/metrics").body();
    String sample = "tether_tls_certificate_expiry_seconds{profile=\"shown\"} ";
    String line = metrics.lines().filter(l -> l.startsWith(sample)).findFirst().orElseThrow(() -> new AssertionError(metrics));
    double seconds = Double.parseDouble(line.substring(sample.length()));
    assertTrue(Math.abs(seconds - Duration.between(Instant.now(), notAfter).toSeconds()) < 60, line);
    assertFalse(metrics.contains("tether_tls_certificate_expiry_seconds{profile=\"default\"}"), metrics);

    assertEquals(404, get("/tls-profiles/nope").statusCode());
    HttpResponse<String> unknown = post("/tls-profiles/nope/reload");
    assertEquals(404, unknown.statusCode());
    assertEquals("not-found", json(unknown).get("error").asText());
    HttpResponse<String> badMode = post("/tls-profiles/shown/reload?reconnect=sometimes");
    assertEquals(400, badMode.statusCode());
    assertEquals("invalid-parameter", json(badMode).get("error").asText());
  }

  @Test
  void theLibraryListsAndReloadsThroughTheManagerProtocol() {
    TestProbe<ConnectionManager.TlsProfileReloadResult> reply = testKit.createTestProbe();
    manager.tell(new ConnectionManager.ReloadTlsProfile("shown", false, reply.getRef()));
    var reloaded = reply.expectMessageClass(ConnectionManager.TlsProfileReloaded.class, WAIT);
    assertEquals(Optional.of("CN=shown-v1"), reloaded.profile().subject());
    assertTrue(reloaded.profile().reloads() >= 1);
    manager.tell(new ConnectionManager.ReloadTlsProfile("nope", false, reply.getRef()));
    assertEquals("nope", reply.expectMessageClass(ConnectionManager.UnknownTlsProfile.class, WAIT).name());

    TestProbe<ConnectionManager.TlsProfileList> list = testKit.createTestProbe();
    manager.tell(new ConnectionManager.ListTlsProfiles(list.getRef()));
    assertEquals(List.of("bad", "client", "default", "server", "shown", "watched"),
        list.expectMessageClass(ConnectionManager.TlsProfileList.class, WAIT).profiles().stream()
            .map(p -> p.name()).toList());
  }

  // ---------------------------------------------------------------- helpers

  /** An assertion that may throw checked exceptions (HTTP calls). */
  private interface Check {
    void run() throws Exception;
  }

  /** Polls {@code check} until it passes, bounded by {@link #WAIT}. */
  private void await(Check check) {
    probe.awaitAssert(WAIT, () -> {
      try {
        check.run();
      } catch (AssertionError e) {
        throw e;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      return null;
    });
  }

  private static void copy(Path from, Path to) {
    try {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path trust(String profile) {
    return dir.resolve(profile + "-trust.pem");
  }

  private void assertReloadFails(String key, String reasonPart) throws Exception {
    HttpResponse<String> r = post("/tls-profiles/bad/reload");
    assertEquals(400, r.statusCode(), r.body());
    JsonNode body = json(r);
    assertEquals("reload-failed", body.get("error").asText());
    String message = body.get("message").asText();
    assertTrue(message.contains("tether.tls-profiles.bad." + key) && message.contains(reasonPart), message);
    assertEquals("CN=bad-v1", body.at("/profile/subject").asText(), r.body()); // the old material, still in use
    assertEquals(body.at("/profile/lastReloadError").asText(), message.substring(message.indexOf("tether.tls-profiles")));
  }

  private static void restore(Path key, byte[] keyBytes, Path cert, byte[] certBytes) throws IOException {
    Files.write(key, keyBytes);
    Files.write(cert, certBytes);
  }

  /**
   * A secret volume as the kubelet writes it: the files in a timestamped directory, {@code ..data}
   * pointing at it, and each file a symlink through {@code ..data}.
   */
  private void mountSecret(Path secret, String version, TestIdentity identity) {
    try {
      Files.createDirectories(secret);
      writeVersion(secret, version, identity, null);
      Files.createSymbolicLink(secret.resolve("..data"), Path.of(version));
      for (String f : List.of("tls.key", "tls.crt", "ca.crt")) {
        Files.createSymbolicLink(secret.resolve(f), Path.of("..data", f));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void swapSecret(Path secret, String version, TestIdentity identity) throws IOException {
    swapSecret(secret, version, identity, null);
  }

  /** The kubelet's update: a new timestamped directory, a new link renamed over {@code ..data} (atomic), the old directory removed. */
  private void swapSecret(Path secret, String version, TestIdentity identity, Path keyOverride) throws IOException {
    Path old = secret.resolve("..data").toRealPath();
    writeVersion(secret, version, identity, keyOverride);
    Files.createSymbolicLink(secret.resolve("..data_tmp"), Path.of(version));
    Files.move(secret.resolve("..data_tmp"), secret.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    try (var files = Files.list(old)) {
      for (Path f : files.toList()) Files.delete(f);
    }
    Files.delete(old);
  }

  private void writeVersion(Path secret, String version, TestIdentity identity, Path keyOverride) throws IOException {
    Path v = secret.resolve(version);
    Files.createDirectories(v);
    identity.write(v.resolve("tls.key"), v.resolve("tls.crt"));
    if (keyOverride != null) Files.copy(keyOverride, v.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(peerCerts.cert("localhost"), v.resolve("ca.crt"));
  }

  private OpenSslServer peer() {
    OpenSslServer s = OpenSslServer.start(peerCerts, "localhost", PROTOCOL, List.of("-Verify", "1"));
    peers.add(s);
    return s;
  }

  private PeerProcess client(int port) {
    PeerProcess p = PeerProcess.start("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", "localhost",
        "-tls1_3");
    peers.add(p);
    return p;
  }

  private void open(String id, String profile, OpenSslServer peer) {
    TestProbe<ConnectionManager.OpenResult> reply = testKit.createTestProbe();
    manager.tell(new ConnectionManager.Open(ConnectionSpec.of(id, "localhost", peer.port()).withTlsProfile(profile),
        reply.getRef()));
    reply.expectMessageClass(ConnectionManager.Opened.class, WAIT);
    probe.awaitAssert(WAIT, () -> {
      assertEquals(ConnectionState.OPEN, view(id).state());
      return null;
    });
  }

  private void close(String id) {
    TestProbe<ConnectionManager.CloseResult> reply = testKit.createTestProbe();
    manager.tell(new ConnectionManager.Close(id, Optional.empty(), reply.getRef()));
    reply.expectMessageClass(ConnectionManager.Closed.class, WAIT);
  }

  private ConnectionView view(String id) {
    TestProbe<Optional<ConnectionView>> reply = testKit.createTestProbe();
    manager.tell(new ConnectionManager.Get(id, reply.getRef()));
    return reply.receiveMessage(WAIT).orElseThrow(() -> new AssertionError("no connection " + id));
  }

  private int listenerPort(String name) {
    TestProbe<ConnectionManager.ListenerList> reply = testKit.createTestProbe();
    return probe.awaitAssert(WAIT, () -> {
      manager.tell(new ConnectionManager.ListListeners(reply.getRef()));
      var info = reply.receiveMessage(WAIT).listeners().stream().filter(l -> l.name().equals(name) && l.bound()).findFirst();
      assertTrue(info.isPresent(), "listener " + name + " not bound yet");
      return info.get().port();
    });
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws IOException {
    return JsonSupport.mapper().readTree(r.body());
  }

  private Path key(String profile) {
    return dir.resolve(profile + ".key");
  }

  private Path cert(String profile) {
    return dir.resolve(profile + ".crt");
  }

  private static Path tempDir() {
    try {
      Path d = Files.createTempDirectory("tether-throwaway-reload-test");
      d.toFile().deleteOnExit();
      return d;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
