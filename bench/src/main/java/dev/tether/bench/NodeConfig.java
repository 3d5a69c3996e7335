package dev.tether.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes' configuration file of the cluster-scale run: writes it (the repository's {@code
 * application.conf} plus a TLS profile that trusts the echo servers) and reads back the effective
 * settings the figures depend on, for the report.
 */
final class NodeConfig {
  private final ScaleOptions o;

  NodeConfig(ScaleOptions o) {
    this.o = o;
  }

  Path write(ThrowawayTls tls) throws IOException {
    Path conf = o.work().resolve("node.conf");
    String text = "# bench/cluster-scale: the repository's application.conf plus a TLS profile that trusts the echo servers.\n"
        + "include file(" + quote(o.root().resolve("application.conf").toString()) + ")\n"
        + "tether.tls-profiles.scale {\n"
        + "  trust-pem = " + quote(tls.cert().toAbsolutePath().toString()) + "\n"
        + "  protocols = [\"TLSv1.3\"]\n"
        + "}\n";
    Files.writeString(conf, text, StandardCharsets.UTF_8);
    Files.writeString(o.out().resolve("node.conf"), text, StandardCharsets.UTF_8);
    return conf;
  }

  /** The nodes' effective settings that the figures depend on: their configuration file over the jar's defaults. */
  Map<String, String> effectiveSettings(Path conf) {
    Map<String, String> s = new LinkedHashMap<>();
    try (URLClassLoader jar = new URLClassLoader(new URL[] {o.jar().toUri().toURL()}, null)) {
      Config c = ConfigFactory.parseFile(conf.toFile())
          .withFallback(ConfigFactory.parseResources(jar, "tether-service.conf"))
          .withFallback(ConfigFactory.defaultReference(jar))
          .resolve();
      for (String key : List.of(
          "pekko.cluster.downing-provider-class",
          "pekko.cluster.split-brain-resolver.active-strategy",
          "pekko.cluster.split-brain-resolver.stable-after",
          "pekko.cluster.split-brain-resolver.down-all-when-unstable",
          "pekko.cluster.failure-detector.heartbeat-interval",
          "pekko.cluster.failure-detector.acceptable-heartbeat-pause",
          "pekko.cluster.failure-detector.threshold",
          "pekko.cluster.unreachable-nodes-reaper-interval",
          "pekko.cluster.leader-actions-interval",
          "pekko.cluster.sharding.number-of-shards",
          "pekko.cluster.sharding.rebalance-interval",
          "pekko.remote.artery.advanced.maximum-frame-size",
          "tether.admin.ask-timeout",
          "tether.max-concurrent-handshakes",
          "tether.connection-defaults.connect-timeout",
          "tether.connection-defaults.handshake-timeout",
          "tether.connection-defaults.reconnect.min-backoff",
          "tether.connection-defaults.reconnect.max-backoff")) {
        s.put(key, c.hasPath(key) ? c.getValue(key).render().replace("\"", "") : "(unset)");
      }
    } catch (Exception e) {
      s.put("(could not read the effective configuration)", e.toString());
    }
    for (String opt : o.nodeOpts()) s.put("node JVM option", opt);
    return s;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
