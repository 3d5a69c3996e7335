package dev.tether.admin.service;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.settings.ConnectionSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code tether.connections}: each entry's {@code id}, {@code host}, {@code port}, optional
 * {@code tls-profile}, and any keys of {@code tether.connection-defaults} as per-connection
 * overrides, merged over the defaults.
 */
final class ConfiguredConnections {
  private static final Set<String> SPEC_KEYS = Set.of("id", "host", "port", "tls-profile");

  private ConfiguredConnections() {}

  /**
   * @throws IllegalArgumentException naming the entry and key, for any invalid entry
   */
  public static List<ConnectionSpec> read(Config root) {
    Config defaultsBlock = root.getConfig("tether.connection-defaults");
    List<? extends Config> entries;
    try {
      entries = root.getConfigList("tether.connections");
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid configuration at tether.connections: " + e.getMessage(), e);
    }
    List<ConnectionSpec> specs = new ArrayList<>();
    Set<ConnectionId> ids = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String at = "tether.connections[" + i + "]";
      Config entry = entries.get(i);
      try {
        for (String key : entry.root().keySet()) {
          if (!SPEC_KEYS.contains(key) && !defaultsBlock.root().containsKey(key)) {
            throw new IllegalArgumentException("unknown key '" + key + "'; known keys are " + SPEC_KEYS
                + " and those of tether.connection-defaults " + defaultsBlock.root().keySet());
          }
        }
        Config overrides = entry.withoutPath("id").withoutPath("host").withoutPath("port").withoutPath("tls-profile");
        ConnectionSpec spec = new ConnectionSpec(entry.getString("id"), entry.getString("host"), entry.getInt("port"),
            entry.hasPath("tls-profile") ? entry.getString("tls-profile") : "default", Optional.empty(),
            overrides.isEmpty() ? Optional.empty()
                : Optional.of(ConnectionSettings.fromConfig(overrides.withFallback(defaultsBlock), at)));
        if (!ids.add(spec.id())) throw new IllegalArgumentException("duplicate id '" + spec.id() + "'");
        specs.add(spec);
      } catch (ConfigException e) {
        throw new IllegalArgumentException("invalid configuration at " + at + ": " + e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        String m = String.valueOf(e.getMessage());
        throw new IllegalArgumentException(m.startsWith("invalid configuration at ") ? m : "invalid configuration at " + at + ": " + m, e);
      }
    }
    return List.copyOf(specs);
  }
}
