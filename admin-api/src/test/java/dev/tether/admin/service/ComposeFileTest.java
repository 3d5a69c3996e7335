package dev.tether.admin.service;

import dev.tether.admin.AdminSettings;
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
import com.typesafe.config.ConfigValueFactory;
import dev.tether.throwaway.ThrowawayCertificate;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.ConnectionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No Docker engine runs here, so this checks docker-compose.yml statically: every file, port,
 * environment variable and configuration key it names exists and matches the Dockerfile, the build
 * and application.conf, and the configuration each container would load is valid. That holds for
 * the single node ({@code tether}) and for every node of the cluster (the services of the profile
 * {@code cluster}): they are cluster members with addresses the others can resolve, seeded by nodes
 * of the file at their remoting ports, each with its own durable data volume, its own published
 * admin port, and time enough to hand its connections over when stopped.
 */
class ComposeFileTest {
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{\\?([A-Z0-9_]+)}");
  private static final String PROFILE = "cluster";
  private static final Pattern SEED = Pattern.compile("pekko://([^@]+)@(.+):(\\d+)");

  private Path root;
  private JsonNode compose;
  private JsonNode tether;
  private JsonNode peer;
  /** The cluster's nodes by service name, in file order. */
  private final Map<String, JsonNode> nodes = new LinkedHashMap<>();
  /** tether and the nodes: every service that runs the image. */
  private final Map<String, JsonNode> tethers = new LinkedHashMap<>();
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
    assertFalse(tether.isMissingNode());
    assertFalse(peer.isMissingNode());
    tethers.put("tether", tether);
    compose.path("services").fields().forEachRemaining(e -> {
      if (strings(e.getValue().path("profiles")).contains(PROFILE)) nodes.put(e.getKey(), e.getValue());
    });
    tethers.putAll(nodes);
    Set<String> expected = new HashSet<>(tethers.keySet());
    expected.add("tls-peer");
    Set<String> actual = new HashSet<>();
    compose.path("services").fieldNames().forEachRemaining(actual::add);
    assertEquals(expected, actual, "services: tether, a TLS peer and the cluster's nodes (profile " + PROFILE + ")");
    // keep-majority needs an odd number of nodes to survive the loss of one.
    assertEquals(3, nodes.size(), "three cluster nodes: " + nodes.keySet());
    dockerfile = Files.readString(root.resolve(buildContext(tether)).resolve("Dockerfile"));
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
    for (Map.Entry<String, JsonNode> node : nodes.entrySet()) {
      assertEquals(buildContext(tether), buildContext(node.getValue()), node.getKey() + " is built as tether is");
      assertTrue(node.getValue().path("image").isMissingNode() && node.getValue().path("entrypoint").isMissingNode(),
          node.getKey() + " runs the Dockerfile's entrypoint");
    }
  }

  @Test
  void theRootApplicationConfIsMountedWhereTheEntrypointReadsIt() {
    Matcher configFile = Pattern.compile("-Dconfig\\.file=([^\"\\s]+)").matcher(dockerfile);
    assertTrue(configFile.find());
    for (Map.Entry<String, JsonNode> s : tethers.entrySet()) {
      JsonNode service = s.getValue();
      Map<String, String> mounts = bindMounts(service);
      assertEquals("./application.conf", mounts.get(configFile.group(1)), s.getKey() + ": application.conf is mounted at "
          + configFile.group(1));
      for (String source : mounts.values()) {
        if (source.startsWith(".")) assertTrue(Files.exists(root.resolve(source).normalize()), source + " exists");
      }
      // connections.conf is included by application.conf from its own directory.
      String connectionsTarget = service.path("configs").get(0).path("target").asText();
      assertEquals(Path.of(configFile.group(1)).resolveSibling("connections.conf").toString(), connectionsTarget, s.getKey());
      assertFalse(compose.path("configs").path(service.path("configs").get(0).path("source").asText()).path("content").isMissingNode(),
          s.getKey());
    }
  }

  @Test
  void theAdminPortIsPublishedOnLoopbackOnlyAndMatchesTheConfiguration() throws Exception {
    for (Map.Entry<String, JsonNode> s : tethers.entrySet()) {
      AdminSettings admin = AdminSettings.create(containerConfig(s.getKey()));
      assertEquals(admin.port(), publishedPort(s.getKey())[1], s.getKey() + ": the admin port is the published one");
      assertTrue(dockerfile.contains("EXPOSE " + admin.port()));
    }
    for (JsonNode service : List.of(peer)) assertTrue(service.path("ports").isMissingNode(), "the peer is not published");
  }

  @Test
  void everyEnvironmentVariableIsOneThatApplicationConfReads() throws Exception {
    List<String> read = applicationConfEnvironment();
    for (Map.Entry<String, JsonNode> s : tethers.entrySet()) {
      s.getValue().path("environment").fields().forEachRemaining(e -> {
        assertTrue(read.contains(e.getKey()), s.getKey() + ": " + e.getKey()
            + " is set by compose but application.conf has no ${?" + e.getKey() + "}");
        // Only the token comes from the operator's environment; everything else is spelled out.
        if (!e.getKey().equals("TETHER_ADMIN_TOKEN")) assertFalse(e.getValue().asText().contains("$"), s.getKey() + ": " + e);
      });
    }
    for (String name : List.of("TETHER_ADMIN_HOST", "TETHER_ADMIN_PORT", "TETHER_ADMIN_TOKEN", "TETHER_CLUSTER_ENABLED",
        "TETHER_CLUSTER_HOST", "TETHER_CLUSTER_PORT", "TETHER_CLUSTER_SEEDS", "TETHER_DATA_DIR")) {
      assertTrue(read.contains(name), "application.conf reads " + name);
    }
  }

  @Test
  void theContainerConfigurationIsValidAndConnectsToThePeer() throws Exception {
    for (String name : tethers.keySet()) connectsToThePeer(name);
  }

  private void connectsToThePeer(String name) throws Exception {
    JsonNode service = tethers.get(name);
    Config config = ClusterBootstrap.apply(containerConfig(name));
    ServiceSettings settings = ServiceSettings.create(config); // also: a public binding has a token
    assertEquals("0.0.0.0", settings.admin().iface());
    assertTrue(settings.admin().token().isPresent());
    assertFalse(settings.demo().enabled(), name + ": the demo is off");
    // application.conf's jobs listener serves the demo's profile, so with the demo off it is left out
    // (else the start would fail: no TLS profile 'demo').
    DemoTlsProfile.Layered layered = DemoTlsProfile.layer(config, settings.demo().enabled());
    assertTrue(config.hasPath("tether.listeners.jobs"));
    assertFalse(layered.config().hasPath("tether.listeners.jobs"), layered.notes().toString());
    assertTrue(layered.config().getObject("tether.listeners").isEmpty());
    assertEquals(1, settings.connections().size(), name);
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
    String volume = namedVolumeMountedAt(service, trustPem);
    assertTrue(bindMountIsReadOnly(service, volume), name + " mounts " + volume + " read-only");
    String peerMount = namedVolumeTarget(peer, volume);
    String peerCert = peerMount + "/" + Path.of(trustPem).getFileName();
    assertTrue(peerCommand.contains("-out " + peerCert + ".new") && peerCommand.contains("-cert " + peerCert),
        "the peer writes and serves " + peerCert);
    assertTrue(compose.path("volumes").has(volume), "volume " + volume + " is declared");
    assertEquals("test -s " + peerCert, String.join(" ", strings(peer.path("healthcheck").path("test")).subList(1, 4)));
    assertEquals("service_healthy", service.path("depends_on").path("tls-peer").path("condition").asText(), name);
  }

  // ---------------------------------------------------------------- the cluster

  @Test
  void theClusterRunsOnlyInItsProfileAndTheHeaderSaysHowToStartIt() throws Exception {
    assertTrue(tether.path("profiles").isMissingNode(), "plain `docker compose up` still runs the single node");
    assertTrue(peer.path("profiles").isMissingNode(), "the peer serves both the single node and the cluster");
    for (Map.Entry<String, JsonNode> node : nodes.entrySet()) {
      assertEquals(List.of(PROFILE), strings(node.getValue().path("profiles")), node.getKey());
    }
    // `--profile cluster up` alone would start the single tether (no profile) as well: it publishes the
    // same host port as a node and would be tls-peer's second client. The documented command names the nodes.
    String header = header();
    Matcher up = Pattern.compile("(?m)^#\\s+(docker compose --profile " + PROFILE + " up\\b.*)$").matcher(header);
    assertTrue(up.find(), "the header shows how to start the cluster:\n" + header);
    String command = up.group(1).trim();
    List<String> words = List.of(command.split("\\s+"));
    assertTrue(words.containsAll(nodes.keySet()), "the command names every node: " + command);
    assertFalse(words.contains("tether"), "the command leaves the single node out: " + command);
    int single = publishedPort("tether")[0];
    boolean clash = nodes.keySet().stream().anyMatch(n -> publishedPort(n)[0] == single);
    if (clash) assertTrue(header.contains("cannot run at once"), "the header says why the two cannot run together");
    assertTrue(Pattern.compile("(?m)^#\\s+docker compose up\\b").matcher(header).find(), "the single node's command");
    // The README's cluster section shows the same command.
    assertTrue(Files.readString(root.resolve("README.md")).contains(command), "README.md shows: " + command);
  }

  @Test
  void everyNodeIsAClusterMemberAtItsServiceNameAndAllAreAlike() throws Exception {
    Set<String> addresses = new HashSet<>();
    JsonNode first = nodes.values().iterator().next();
    for (Map.Entry<String, JsonNode> node : nodes.entrySet()) {
      String name = node.getKey();
      JsonNode service = node.getValue();
      Config config = ClusterBootstrap.apply(containerConfig(name));
      assertTrue(ClusterBootstrap.enabled(config), name + ": tether.cluster.enabled");
      assertEquals("cluster", config.getString("pekko.actor.provider"), name);
      // Its canonical host name is what the other containers resolve: its service name on the compose network.
      assertEquals(name, config.getString("pekko.remote.artery.canonical.hostname"), name);
      assertTrue(service.path("hostname").isMissingNode() || service.path("hostname").asText().equals(name), name);
      assertTrue(service.path("network_mode").isMissingNode() && service.path("networks").isMissingNode(),
          name + " is on the project's default network, with the peer and the other nodes");
      // Artery binds the canonical address (no bind overrides), and the remoting port is for the nodes only.
      assertEquals("", config.getString("pekko.remote.artery.bind.hostname"), name);
      assertEquals("", config.getString("pekko.remote.artery.bind.port"), name);
      int remoting = config.getInt("pekko.remote.artery.canonical.port");
      assertTrue(remoting > 0, name + ": a fixed remoting port, the one the seeds name");
      assertFalse(strings(service.path("ports")).stream().anyMatch(p -> p.endsWith(":" + remoting)),
          name + ": the remoting port is not published");
      assertTrue(addresses.add(name + ":" + remoting), name);
      assertEquals(Duration.ofSeconds(20), config.getDuration("pekko.cluster.split-brain-resolver.stable-after"),
          "the service's downing defaults apply (tether-service.conf)");

      // Alike: the same environment but for the host name, the same mounts but for the data volume.
      Map<String, String> env = environment(service);
      Map<String, String> firstEnv = environment(first);
      env.remove("TETHER_CLUSTER_HOST");
      firstEnv.remove("TETHER_CLUSTER_HOST");
      assertEquals(firstEnv, env, name + " is configured as " + nodes.keySet().iterator().next());
      assertEquals(first.path("configs"), service.path("configs"), name);
      assertEquals(first.path("depends_on"), service.path("depends_on"), name);
      assertEquals(first.path("stop_grace_period"), service.path("stop_grace_period"), name);
    }
  }

  @Test
  void theSeedsAreNodesOfThisFileAtTheirRemotingPorts() throws Exception {
    Map<String, Integer> remotingPort = new HashMap<>();
    for (String name : nodes.keySet()) {
      remotingPort.put(name, ClusterBootstrap.apply(containerConfig(name)).getInt("pekko.remote.artery.canonical.port"));
    }
    List<String> seeds = null;
    for (String name : nodes.keySet()) {
      List<String> nodeSeeds = ClusterBootstrap.apply(containerConfig(name)).getStringList("pekko.cluster.seed-nodes");
      if (seeds == null) seeds = nodeSeeds;
      assertEquals(seeds, nodeSeeds, name + " has the same seeds as the others (else two clusters could form)");
    }
    assertNotNull(seeds);
    assertTrue(seeds.size() >= 2 && seeds.size() < nodes.size() + 1, "two or more seeds, each a node: " + seeds);
    Set<String> seen = new HashSet<>();
    for (String seed : seeds) {
      Matcher m = SEED.matcher(seed);
      assertTrue(m.matches(), seed);
      assertEquals(ClusterBootstrap.SYSTEM_NAME, m.group(1), seed);
      String host = m.group(2);
      assertTrue(nodes.containsKey(host), seed + " names a cluster node of this file: " + nodes.keySet());
      assertEquals(remotingPort.get(host), Integer.valueOf(m.group(3)), seed + ": the remoting port of " + host);
      assertTrue(seen.add(host), "each seed once: " + seeds);
    }
    // The first seed forms the cluster when it cannot reach the others: it must be a node that starts
    // with the rest (same profile, no dependency on another node).
    String firstSeed = SEED.matcher(seeds.get(0)).results().findFirst().orElseThrow().group(2);
    nodes.get(firstSeed).path("depends_on").fieldNames().forEachRemaining(dependency ->
        assertFalse(nodes.containsKey(dependency), firstSeed + " (the first seed) waits for no other node"));
  }

  @Test
  void eachNodeKeepsItsDurableDataInAVolumeOfItsOwn() throws Exception {
    Set<String> volumes = new HashSet<>();
    for (Map.Entry<String, JsonNode> node : nodes.entrySet()) {
      String name = node.getKey();
      Config config = ClusterBootstrap.apply(containerConfig(name));
      String dir = config.getString("tether.cluster.durable-dir");
      assertEquals(environment(node.getValue()).get("TETHER_DATA_DIR"), dir, name + ": TETHER_DATA_DIR is the durable dir");
      assertTrue(Path.of(dir).isAbsolute() && !dir.startsWith("/tmp"), name + ": " + dir);
      String volume = namedVolumeMountedAt(node.getValue(), dir + "/specs");
      assertFalse(bindMountIsReadOnly(node.getValue(), volume), name + " writes to " + volume);
      assertTrue(compose.path("volumes").has(volume), "volume " + volume + " is declared");
      assertTrue(volumes.add(volume), name + " shares its data volume " + volume + " with another node");
      for (Map.Entry<String, JsonNode> other : tethers.entrySet()) {
        if (!other.getKey().equals(name)) assertFalse(bindMounts(other.getValue()).containsValue(volume), other.getKey() + " mounts " + volume);
      }
      assertFalse(bindMounts(peer).containsValue(volume));
    }
  }

  @Test
  void theNodesPublishDistinctAdminPortsAndRequireTheToken() throws Exception {
    Set<Integer> published = new HashSet<>();
    for (Map.Entry<String, JsonNode> node : nodes.entrySet()) {
      assertTrue(published.add(publishedPort(node.getKey())[0]), node.getKey() + ": a host port of its own");
      assertTrue(environment(node.getValue()).get("TETHER_ADMIN_TOKEN").startsWith("${TETHER_ADMIN_TOKEN:?"),
          node.getKey() + ": compose refuses to start without a token");
      AdminSettings admin = AdminSettings.create(containerConfig(node.getKey()));
      assertEquals("0.0.0.0", admin.iface());
      admin.requireSafeBinding();
    }
    for (int port : published) {
      assertTrue(header().contains(":" + port), "the header names the admin port " + port);
    }
  }

  @Test
  void aStoppedNodeHasTimeToHandItsConnectionsOver() throws Exception {
    for (Map.Entry<String, JsonNode> node : nodes.entrySet()) {
      Config config = ClusterBootstrap.apply(containerConfig(node.getKey()));
      Duration grace = composeDuration(node.getValue().path("stop_grace_period").asText("10s"));
      // The phases of coordinated shutdown that wait on connections and on the cluster: closing what is
      // not handed over, sharding's hand-off (close_notify, then the connection starts elsewhere), leaving.
      Duration needed = Duration.ZERO;
      for (String phase : List.of("service-stop", "cluster-sharding-shutdown-region", "cluster-exiting")) {
        String path = "pekko.coordinated-shutdown.phases." + phase + ".timeout";
        needed = needed.plus(config.hasPath(path) ? config.getDuration(path)
            : config.getDuration("pekko.coordinated-shutdown.default-phase-timeout"));
      }
      assertTrue(grace.compareTo(needed) >= 0, node.getKey() + ": stop_grace_period " + grace + " < " + needed
          + ", Docker would kill the node before it has handed its connections over");
      assertTrue(config.getBoolean("pekko.coordinated-shutdown.exit-jvm"), "the JVM exits (0) when the shutdown is done");
    }
    assertTrue(dockerfile.contains("ENTRYPOINT [\"java\""), "exec form: java is PID 1 and gets the SIGTERM");
  }

  @Test
  void everyNodeCanRunTheConfiguredConnectionWhereverItIsPlaced() throws Exception {
    // Sharding may place tls-peer on any node: each must build its TLS profile from the shared certificate.
    Path peerCerts = Files.createDirectories(container.resolve("peer-certs"));
    String certPem = ThrowawayCertificate.generate().certificatePem();
    List<ConnectionSpec> specs = null;
    for (Map.Entry<String, JsonNode> node : nodes.entrySet()) {
      Config config = ClusterBootstrap.apply(containerConfig(node.getKey()));
      ServiceSettings settings = ServiceSettings.create(config);
      if (specs == null) specs = settings.connections();
      assertEquals(specs, settings.connections(), node.getKey() + " opens the same connections as the others");
      ConnectionSpec spec = settings.connections().get(0);
      String trustPem = config.getString("tether.tls-profiles." + spec.tlsProfile() + ".trust-pem");
      Path cert = peerCerts.resolve(Path.of(trustPem).getFileName());
      Files.writeString(cert, certPem);
      Config layered = DemoTlsProfile.layer(config, settings.demo().enabled()).config()
          .withValue("tether.tls-profiles." + spec.tlsProfile() + ".trust-pem", ConfigValueFactory.fromAnyRef(cert.toString()));
      ConnectionManagerSettings manager = ConnectionManagerSettings.create(layered);
      assertTrue(manager.tlsProfiles().containsKey(spec.tlsProfile()), node.getKey());
      assertTrue(manager.cluster().enabled(), node.getKey());
      assertEquals(Path.of(config.getString("tether.cluster.durable-dir")), manager.cluster().durableDir(), node.getKey());
      assertTrue(manager.listeners().isEmpty(), node.getKey() + ": no listener (the demo is off)");
    }
  }

  // ---------------------------------------------------------------- helpers

  /**
   * application.conf and the service's inline connections.conf in one directory, resolved with the
   * service's compose environment over the standalone service's defaults, as AdminApp loads it.
   */
  private Config containerConfig(String serviceName) throws Exception {
    JsonNode service = tethers.get(serviceName);
    Path dir = Files.createDirectories(container.resolve(serviceName));
    Files.copy(root.resolve("application.conf"), dir.resolve("application.conf"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    String source = service.path("configs").get(0).path("source").asText();
    Files.writeString(dir.resolve("connections.conf"), compose.path("configs").path(source).path("content").asText());
    Map<String, Object> env = new HashMap<>(environment(service));
    env.put("TETHER_ADMIN_TOKEN", "test-token"); // compose requires it from the operator (:?)
    // ${?NAME} finds NAME at the root of the configuration before the real environment, which is off here.
    return ConfigFactory.parseFile(dir.resolve("application.conf").toFile())
        .withFallback(ConfigFactory.parseMap(env))
        .withFallback(ConfigFactory.parseResources(AdminApp.class.getClassLoader(), "tether-service.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
  }

  private List<String> applicationConfEnvironment() throws Exception {
    String appConf = Files.readString(root.resolve("application.conf"));
    return ENV_REF.matcher(appConf).results().map(r -> r.group(1)).toList();
  }

  /** The comment lines at the top of docker-compose.yml. */
  private String header() throws Exception {
    StringBuilder b = new StringBuilder();
    for (String line : Files.readAllLines(root.resolve("docker-compose.yml"))) {
      if (!line.startsWith("#")) break;
      b.append(line).append('\n');
    }
    return b.toString();
  }

  /** The service's one published port, on 127.0.0.1 only: {host port, container port}. */
  private int[] publishedPort(String name) {
    List<String> ports = strings(tethers.get(name).path("ports"));
    assertEquals(1, ports.size(), name + ": " + ports);
    Matcher p = Pattern.compile("127\\.0\\.0\\.1:(\\d+):(\\d+)").matcher(ports.get(0));
    assertTrue(p.matches(), name + ": published on 127.0.0.1 only: " + ports.get(0));
    return new int[] {Integer.parseInt(p.group(1)), Integer.parseInt(p.group(2))};
  }

  private static Map<String, String> environment(JsonNode service) {
    Map<String, String> env = new HashMap<>();
    service.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    return env;
  }

  private Path buildContext(JsonNode service) {
    JsonNode build = service.path("build");
    return Path.of(build.isTextual() ? build.asText() : build.path("context").asText("."));
  }

  /** Compose durations: "90s", "1m30s", "2m". */
  private static Duration composeDuration(String text) {
    Matcher m = Pattern.compile("(\\d+)(h|m|s)").matcher(text);
    Duration d = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      assertEquals(end, m.start(), "a compose duration: " + text);
      long n = Long.parseLong(m.group(1));
      d = d.plus(switch (m.group(2)) {
        case "h" -> Duration.ofHours(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofSeconds(n);
      });
      end = m.end();
    }
    assertEquals(text.length(), end, "a compose duration: " + text);
    return d;
  }

  /** Container path → source (a ./path or a named volume), of the short volume syntax. */
  private static Map<String, String> bindMounts(JsonNode service) {
    Map<String, String> mounts = new HashMap<>();
    for (String v : strings(service.path("volumes"))) {
      String[] parts = v.split(":");
      mounts.put(parts[1], parts[0]);
    }
    return mounts;
  }

  private static boolean bindMountIsReadOnly(JsonNode service, String source) {
    for (String v : strings(service.path("volumes"))) {
      String[] parts = v.split(":");
      if (parts[0].equals(source)) return parts.length > 2 && List.of(parts[2].split(",")).contains("ro");
    }
    throw new AssertionError(source + " is not mounted");
  }

  private static String namedVolumeMountedAt(JsonNode service, String file) {
    for (Map.Entry<String, String> m : bindMounts(service).entrySet()) {
      if (file.startsWith(m.getKey() + "/") && !m.getValue().startsWith(".")) return m.getValue();
    }
    throw new AssertionError("no named volume of the service contains " + file);
  }

  private static String namedVolumeTarget(JsonNode service, String volume) {
    for (Map.Entry<String, String> m : bindMounts(service).entrySet()) {
      if (m.getValue().equals(volume)) return m.getKey();
    }
    throw new AssertionError("volume " + volume + " is not mounted in the peer");
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
