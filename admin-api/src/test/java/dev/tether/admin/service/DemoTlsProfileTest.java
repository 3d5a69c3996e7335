package dev.tether.admin.service;

import dev.tether.throwaway.ThrowawayCertificate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import dev.tether.connection.tls.ClientAuth;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.ListenerSpec;
import dev.tether.connection.tls.TlsProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's configuration overlay against the repository's application.conf and the library's own
 * validation of listeners: fast, no actor system, no external tool.
 */
class DemoTlsProfileTest {
  private static final ThrowawayCertificate CERT = ThrowawayCertificate.generate();

  @TempDir Path dir;
  private Config applicationConf;

  @BeforeEach
  void loadTheRepositorysApplicationConf() {
    applicationConf = applicationConf(Map.of());
  }

  @Test
  void withTheOverlayTheJobsListenerOfApplicationConfIsValid() {
    DemoTlsProfile.PemFiles files = DemoTlsProfile.write(CERT, dir);
    DemoTlsProfile.Layered layered = DemoTlsProfile.withProfile(applicationConf, files);
    ConnectionManagerSettings settings = ConnectionManagerSettings.create(layered.config());

    ListenerSpec jobs = settings.listeners().get("jobs");
    assertNotNull(jobs, "application.conf defines tether.listeners.jobs");
    assertEquals("127.0.0.1", jobs.iface());
    assertEquals(8443, jobs.port());
    assertEquals("demo", jobs.tlsProfile());
    assertEquals("jobs", jobs.handler());
    TlsProfile demo = settings.tlsProfiles().get(DemoTlsProfile.NAME);
    assertTrue(demo.hasIdentity(), "key-pem + cert-pem: a server identity");
    assertEquals(List.of("TLSv1.3"), demo.protocols());
    assertTrue(demo.hostnameVerification());
    assertTrue(layered.notes().get(0).contains(files.certificate().toString()), layered.notes().toString());

    Config profile = layered.config().getConfig("tether.tls-profiles.demo");
    assertEquals(files.key().toString(), profile.getString("key-pem"));
    assertEquals(files.certificate().toString(), profile.getString("cert-pem"));
    assertEquals(files.certificate().toString(), profile.getString("trust-pem"));
  }

  @Test
  void theJobsPortComesFromTheEnvironmentWhenSet() {
    Config withPort = applicationConf(Map.of("TETHER_JOBS_PORT", "9443"));
    ConnectionManagerSettings settings = ConnectionManagerSettings.create(
        DemoTlsProfile.withProfile(withPort, DemoTlsProfile.write(CERT, dir)).config());
    assertEquals(9443, settings.listeners().get("jobs").port());
  }

  @Test
  void withoutTheOverlayTheLibraryRefusesTheListenerNamingTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConnectionManagerSettings.create(applicationConf));
    assertTrue(e.getMessage().contains("tether.listeners.jobs.tls-profile"), e.getMessage());
    assertTrue(e.getMessage().contains("'demo'"), e.getMessage());
  }

  @Test
  void aProfileWithoutAKeyCannotServeAListener() {
    Config trustOnly = ConfigFactory.parseString("tether.tls-profiles.demo { trust-pem = \""
        + DemoTlsProfile.write(CERT, dir).certificate() + "\" }").withFallback(applicationConf);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConnectionManagerSettings.create(trustOnly));
    assertTrue(e.getMessage().contains("tether.listeners.jobs.tls-profile"), e.getMessage());
    assertTrue(e.getMessage().contains("key-pem and cert-pem"), e.getMessage());
  }

  @Test
  void theDemoReplacesAConfiguredProfileOfItsName() {
    Config configured = ConfigFactory.parseString("tether.tls-profiles.demo { trust-store = \"/nonexistent.p12\" }")
        .withFallback(applicationConf);
    DemoTlsProfile.Layered layered = DemoTlsProfile.withProfile(configured, DemoTlsProfile.write(CERT, dir));
    ConnectionManagerSettings settings = ConnectionManagerSettings.create(layered.config());
    assertTrue(settings.tlsProfiles().get("demo").hasIdentity());
    assertFalse(layered.config().hasPath("tether.tls-profiles.demo.trust-store"));
    assertTrue(layered.notes().stream().anyMatch(n -> n.contains("replaced")), layered.notes().toString());
  }

  @Test
  void withTheDemoOffListenersOfTheDemoProfileAreLeftOutAndSaySo() {
    Config twoListeners = ConfigFactory.parseString("""
        tether.tls-profiles.server { key-pem = "%s", cert-pem = "%s" }
        tether.listeners.api { port = 0, tls-profile = "server" }
        """.formatted(DemoTlsProfile.write(CERT, dir).key(), dir.resolve(DemoTlsProfile.CERT_FILE)))
        .withFallback(applicationConf);
    DemoTlsProfile.Layered layered = DemoTlsProfile.withoutDemoListeners(twoListeners);
    ConnectionManagerSettings settings = ConnectionManagerSettings.create(layered.config());
    assertEquals(List.of("api"), List.copyOf(settings.listeners().keySet()));
    assertEquals(List.of("demo off: listener 'jobs' is not started: its tls-profile 'demo' is the demo's throwaway"
        + " identity (tether.demo.enabled = off)"), layered.notes());
  }

  @Test
  void withTheDemoOffAConfiguredDemoProfileKeepsItsListeners() {
    DemoTlsProfile.PemFiles files = DemoTlsProfile.write(CERT, dir);
    Config own = ConfigFactory.parseString("tether.tls-profiles.demo { key-pem = \"%s\", cert-pem = \"%s\" }"
        .formatted(files.key(), files.certificate())).withFallback(applicationConf);
    DemoTlsProfile.Layered layered = DemoTlsProfile.layer(own, false);
    assertEquals(List.of(), layered.notes());
    assertTrue(ConnectionManagerSettings.create(layered.config()).listeners().containsKey("jobs"));
  }

  @Test
  void theDemoOnWritesThrowawayFilesIntoAnOwnerOnlyTemporaryDirectory() throws IOException {
    DemoTlsProfile.Layered layered = DemoTlsProfile.layer(applicationConf, true);
    Path key = Path.of(layered.config().getString("tether.tls-profiles.demo.key-pem"));
    Path cert = Path.of(layered.config().getString("tether.tls-profiles.demo.cert-pem"));
    assertEquals(DemoTlsProfile.KEY_FILE, key.getFileName().toString());
    assertEquals(DemoTlsProfile.CERT_FILE, cert.getFileName().toString());
    assertEquals(key.getParent(), cert.getParent());
    assertTrue(key.getParent().getFileName().toString().startsWith("tether-demo-"), key.toString());
    assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----\n"));
    assertTrue(Files.readString(cert).startsWith("-----BEGIN CERTIFICATE-----\n"));
    if (Files.getFileStore(key).supportsFileAttributeView("posix")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())));
    }
  }

  /**
   * The demo connections (profile {@code demo}, to 127.0.0.1, hostname verification on) complete a
   * TLS 1.3 handshake with a server engine of the same profile, as the jobs listener makes them.
   */
  @Test
  void theDemoConnectionsTrustTheListenersIdentity() throws Exception {
    ConnectionManagerSettings settings = ConnectionManagerSettings.create(
        DemoTlsProfile.withProfile(applicationConf, DemoTlsProfile.write(CERT, dir)).config());
    TlsProfile demo = settings.tlsProfiles().get(DemoTlsProfile.NAME);
    try (SSLServerSocket server = (SSLServerSocket) demo.context().getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      SSLEngine serverEngine = demo.createServerEngine(ClientAuth.NONE);
      server.setSSLParameters(serverEngine.getSSLParameters());
      CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket s = (SSLSocket) server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
          int b = in.read();
          out.write(b);
          out.flush();
          return s.getSession().getProtocol();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      SSLEngine clientEngine = demo.createClientEngine("127.0.0.1", server.getLocalPort());
      try (SSLSocket client = (SSLSocket) demo.context().getSocketFactory().createSocket("127.0.0.1", server.getLocalPort())) {
        SSLParameters params = clientEngine.getSSLParameters();
        client.setSSLParameters(params);
        client.startHandshake();
        client.getOutputStream().write('x');
        client.getOutputStream().flush();
        assertEquals('x', client.getInputStream().read());
        assertEquals("TLSv1.3", client.getSession().getProtocol());
        assertEquals("HTTPS", params.getEndpointIdentificationAlgorithm());
      }
      assertEquals("TLSv1.3", served.get(10, TimeUnit.SECONDS));
    }
  }

  /** The repository's application.conf (its include finds nothing here), resolved against {@code env} only. */
  private static Config applicationConf(Map<String, String> env) {
    Path conf = RepositoryFiles.applicationConf();
    return ConfigFactory.parseFile(conf.toFile())
        .withFallback(ConfigFactory.parseMap(env))
        .withFallback(ConfigFactory.defaultReference())
        .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
  }
}
