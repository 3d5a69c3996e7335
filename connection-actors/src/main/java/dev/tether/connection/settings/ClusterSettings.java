package dev.tether.connection.settings;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code tether.cluster}: whether connections are spread over a Pekko Cluster, and where this node
 * keeps their durable specs.
 *
 * @param enabled connections are sharded entities and their specs are kept in durable Distributed
 *     Data; the actor system must run the cluster provider
 * @param durableDir this node's directory for that data (LMDB files under {@code <dir>/specs})
 * @param wakeInterval how often this member makes sure that every stored connection runs somewhere
 * @param membersTimeout how long a cluster-wide listing (or journal lookup) waits for each member's
 *     answer before it answers without that member (partial, naming it)
 */
public record ClusterSettings(boolean enabled, Path durableDir, Duration wakeInterval, Duration membersTimeout) {

  /** The default of {@code tether.cluster.wake-interval}. */
  public static final Duration DEFAULT_WAKE_INTERVAL = Duration.ofSeconds(30);

  /** The default of {@code tether.cluster.members-timeout}. */
  public static final Duration DEFAULT_MEMBERS_TIMEOUT = Duration.ofSeconds(3);

  /** One node, nothing durable. */
  public static final ClusterSettings OFF = new ClusterSettings(false, Path.of("tether-data"));

  public ClusterSettings {
    Objects.requireNonNull(durableDir, "durable-dir");
    Objects.requireNonNull(wakeInterval, "wake-interval");
    Objects.requireNonNull(membersTimeout, "members-timeout");
    if (wakeInterval.isNegative() || wakeInterval.isZero()) throw new IllegalArgumentException("wake-interval must be positive");
    if (membersTimeout.isNegative() || membersTimeout.isZero()) {
      throw new IllegalArgumentException("members-timeout must be positive");
    }
  }

  /** With the default members timeout. */
  public ClusterSettings(boolean enabled, Path durableDir, Duration wakeInterval) {
    this(enabled, durableDir, wakeInterval, DEFAULT_MEMBERS_TIMEOUT);
  }

  /** With the default wake interval. */
  public ClusterSettings(boolean enabled, Path durableDir) {
    this(enabled, durableDir, DEFAULT_WAKE_INTERVAL);
  }

  static ClusterSettings fromConfig(Config c, String path) {
    return Settings.wrap(path, () -> {
      String dir = c.getString("durable-dir");
      if (dir.isBlank()) throw new IllegalArgumentException("durable-dir must not be empty");
      return new ClusterSettings(c.getBoolean("enabled"), Path.of(dir), c.getDuration("wake-interval"),
          c.getDuration("members-timeout"));
    });
  }
}
