package dev.tether.admin.service;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the service's cluster keys into Pekko's, before the actor system starts. With {@code
 * tether.cluster.enabled = on} it selects the cluster provider, and a non-empty {@code
 * tether.cluster.seeds} ("host:port,host:port", what {@code TETHER_CLUSTER_SEEDS} sets) becomes {@code
 * pekko.cluster.seed-nodes} of the actor system named {@code tether}. Everything else (canonical host
 * and port, seed nodes given directly, the Split Brain Resolver) stays in Pekko's own keys.
 */
final class ClusterBootstrap {
  private ClusterBootstrap() {}

  /** The name of the service's actor system: every node of one cluster must use it. */
  public static final String SYSTEM_NAME = "tether";

  public static boolean enabled(Config root) {
    return root.getBoolean("tether.cluster.enabled");
  }

  /**
   * The configuration to start the actor system with.
   *
   * @throws IllegalArgumentException naming {@code tether.cluster.seeds} for a malformed entry
   */
  public static Config apply(Config root) {
    if (!enabled(root)) return root;
    Map<String, Object> overlay = new java.util.HashMap<>();
    overlay.put("pekko.actor.provider", "cluster");
    List<String> seeds = seedNodes(root.hasPath("tether.cluster.seeds") ? root.getString("tether.cluster.seeds") : "");
    if (!seeds.isEmpty()) overlay.put("pekko.cluster.seed-nodes", seeds);
    return ConfigFactory.parseMap(overlay).withFallback(root).resolve();
  }

  /** {@code "a:2552, b:2552"} → {@code ["pekko://tether@a:2552", "pekko://tether@b:2552"]}. */
  static List<String> seedNodes(String text) {
    List<String> result = new ArrayList<>();
    for (String part : text.split(",")) {
      String entry = part.trim();
      if (entry.isEmpty()) continue;
      int colon = entry.lastIndexOf(':');
      String host = colon > 0 ? entry.substring(0, colon) : "";
      String port = colon > 0 ? entry.substring(colon + 1) : "";
      if (host.isEmpty() || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
        throw new IllegalArgumentException("invalid configuration at tether.cluster.seeds (TETHER_CLUSTER_SEEDS): '"
            + entry + "' is not host:port with a port from 1 to 65535; expected e.g. \"10.0.0.1:2552,10.0.0.2:2552\"");
      }
      result.add("pekko://" + SYSTEM_NAME + "@" + host + ":" + port);
    }
    return result;
  }
}
