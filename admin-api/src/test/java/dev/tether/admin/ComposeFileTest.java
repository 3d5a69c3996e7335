package dev.tether.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import dev.tether.admin.demo.DemoTlsProfile;
import dev.tether.connection.ConnectionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No Docker engine runs here, so this checks docker-compose.yml statically: every file, port and
 * configuration key it names exists and matches the Dockerfile, the build and application.conf, and
 * the configuration the container would load is valid.
 */
class ComposeFileTest {
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{\\?([A-Z0-9_]+)}");

  private Path root;
  private JsonNode compose;
  private JsonNode tether;
  private JsonNode peer;
  private String dockerfile;

  @TempDir Path container;

  @BeforeEach
  void parse() throws Exception {
    root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (!Files.exists(root.resolve("docker-compose.yml"))) {
      root = root.getParent();
      assertNotNull(root, "docker-compose.yml not found above " + System.getProperty("user.dir"));
    }
    compose = new ObjectMapper(new YAMLFactory()).readTree(root.resolve("docker-compose.yml").toFile());
    tether = compose.path("services").path("tether");
    peer = compose.path("services").path("tls-peer");
    assertEquals(2, compose.path("services").size(), "two services: tether and a TLS peer");
    assertFalse(tether.isMissingNode());
    assertFalse(peer.isMissingNode());
    dockerfile = Files.readString(root.resolve(buildContext()).resolve("Dockerfile"));
  }

  @Test
  void theImageIsBuiltFromTheShadedJar() throws Exception {
    Matcher copy = Pattern.compile("(?m)^COPY\\s+(\\S+)\\s+(\\S+)").matcher(dockerfile);
    assertTrue(copy.find(), "Dockerfile COPYs the jar");
    assertEquals("admin-api/target/tether.jar", copy.group(1));
    String pom = Files.readString(root.resolve("admin-api/pom.xml"));
    assertTrue(pom.contains("<finalName>tether</finalName>"), "the shade plugin writes target/tether.jar");
    assertTrue(pom.contains("<mainClass>" + AdminApp.class.getName() + "</mainClass>"));
    assertTrue(dockerfile.contains("\"-jar\", \"" + copy.group(2) + "\""), "the entrypoint runs the copied jar");
  }

  @Test
  void theRootApplicationConfIsMountedWhereTheEntrypointReadsIt() {
    Matcher configFile = Pattern.compile("-Dconfig\\.file=([^\"\\s]+)").matcher(dockerfile);
    assertTrue(configFile.find());
    Map<String, String> mounts = bindMounts(tether);
    assertEquals("./application.conf", mounts.get(configFile.group(1)), "application.conf is mounted at " + configFile.group(1));
    for (String source : mounts.values()) {
      if (source.startsWith(".")) assertTrue(Files.exists(root.resolve(source).normalize()), source + " exists");
    }
    // connections.conf is included by application.conf from its own directory.
    String connectionsTarget = tether.path("configs").get(0).path("target").asText();
    assertEquals(Path.of(configFile.group(1)).resolveSibling("connections.conf").toString(), connectionsTarget);
    assertFalse(compose.path("configs").path(tether.path("configs").get(0).path("source").asText()).path("content").isMissingNode());
  }

  @Test
  void theAdminPortIsPublishedOnLoopbackOnlyAndMatchesTheConfiguration() throws Exception {
    List<String> ports = strings(tether.path("ports"));
    assertEquals(1, ports.size());
    Matcher p = Pattern.compile("127\\.0\\.0\\.1:(\\d+):(\\d+)").matcher(ports.get(0));
    assertTrue(p.matches(), "published on 127.0.0.1 only: " + ports.get(0));
    AdminSettings admin = AdminSettings.create(containerConfig());
    assertEquals(Integer.parseInt(p.group(2)), admin.port());
    assertTrue(dockerfile.contains("EXPOSE " + admin.port()));
    for (JsonNode service : List.of(peer)) assertTrue(service.path("ports").isMissingNode(), "the peer is not published");
  }

  @Test
  void everyEnvironmentVariableIsOneThatApplicationConfReads() throws Exception {
    String appConf = Files.readString(root.resolve("application.conf"));
    List<String> read = ENV_REF.matcher(appConf).results().map(r -> r.group(1)).toList();
    tether.path("environment").fieldNames().forEachRemaining(name ->
        assertTrue(read.contains(name), name + " is set by compose but application.conf has no ${?" + name + "}"));
    for (String name : List.of("TETHER_ADMIN_HOST", "TETHER_ADMIN_PORT", "TETHER_ADMIN_TOKEN")) {
      assertTrue(read.contains(name), "application.conf reads " + name);
    }
  }

  @Test
  void theContainerConfigurationIsValidAndConnectsToThePeer() throws Exception {
    Config config = containerConfig();
    ServiceSettings settings = ServiceSettings.create(config); // also: a public binding has a token
    assertEquals("0.0.0.0", settings.admin().iface());
    assertTrue(settings.admin().token().isPresent());
    assertFalse(settings.demo().enabled());
    // application.conf's jobs listener serves the demo's profile, so with the demo off it is left out
    // (else the start would fail: no TLS profile 'demo').
    DemoTlsProfile.Layered layered = DemoTlsProfile.layer(config, settings.demo().enabled());
    assertTrue(config.hasPath("tether.listeners.jobs"));
    assertFalse(layered.config().hasPath("tether.listeners.jobs"), layered.notes().toString());
    assertTrue(layered.config().getObject("tether.listeners").isEmpty());
    assertEquals(1, settings.connections().size());
    ConnectionSpec spec = settings.connections().get(0);

    String peerCommand = peer.path("command").get(0).asText();
    assertEquals("tls-peer", spec.host(), "the connection targets the peer's service name");
    assertTrue(peerCommand.contains("subjectAltName=DNS:" + spec.host()), "the peer's certificate names " + spec.host());
    Matcher accept = Pattern.compile("s_server -accept (\\d+)").matcher(peerCommand);
    assertTrue(accept.find());
    assertEquals(Integer.parseInt(accept.group(1)), spec.port());
    assertTrue(peerCommand.contains("-rev"));

    // The trusted PEM is the file the peer writes, seen through the shared volume.
    String trustPem = config.getString("tether.tls-profiles." + spec.tlsProfile() + ".trust-pem");
    String volume = namedVolumeMountedAt(tether, trustPem);
    String peerMount = namedVolumeTarget(peer, volume);
    String peerCert = peerMount + "/" + Path.of(trustPem).getFileName();
    assertTrue(peerCommand.contains("-out " + peerCert + ".new") && peerCommand.contains("-cert " + peerCert),
        "the peer writes and serves " + peerCert);
    assertTrue(compose.path("volumes").has(volume), "volume " + volume + " is declared");
    assertEquals("test -s " + peerCert, String.join(" ", strings(peer.path("healthcheck").path("test")).subList(1, 4)));
    assertEquals("service_healthy", tether.path("depends_on").path("tls-peer").path("condition").asText());
  }

  // ---------------------------------------------------------------- helpers

  /** application.conf and the inline connections.conf in one directory, resolved with compose's environment. */
  private Config containerConfig() throws Exception {
    Files.copy(root.resolve("application.conf"), container.resolve("application.conf"));
    String source = tether.path("configs").get(0).path("source").asText();
    Files.writeString(container.resolve("connections.conf"), compose.path("configs").path(source).path("content").asText());
    Map<String, Object> env = new HashMap<>();
    tether.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    env.put("TETHER_ADMIN_TOKEN", "test-token"); // compose requires it from the operator (:?)
    // ${?NAME} finds NAME at the root of the configuration before the real environment, which is off here.
    return ConfigFactory.parseFile(container.resolve("application.conf").toFile())
        .withFallback(ConfigFactory.parseMap(env))
        .withFallback(ConfigFactory.defaultReference())
        .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
  }

  private Path buildContext() {
    JsonNode build = tether.path("build");
    return Path.of(build.isTextual() ? build.asText() : build.path("context").asText("."));
  }

  private static Map<String, String> bindMounts(JsonNode service) {
    Map<String, String> mounts = new HashMap<>();
    for (String v : strings(service.path("volumes"))) {
      String[] parts = v.split(":");
      mounts.put(parts[1], parts[0]);
    }
    return mounts;
  }

  private static String namedVolumeMountedAt(JsonNode service, String file) {
    for (Map.Entry<String, String> m : bindMounts(service).entrySet()) {
      if (file.startsWith(m.getKey() + "/") && !m.getValue().startsWith(".")) return m.getValue();
    }
    throw new AssertionError("no named volume of tether contains " + file);
  }

  private static String namedVolumeTarget(JsonNode service, String volume) {
    for (Map.Entry<String, String> m : bindMounts(service).entrySet()) {
      if (m.getValue().equals(volume)) return m.getKey();
    }
    throw new AssertionError("volume " + volume + " is not mounted in the peer");
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
