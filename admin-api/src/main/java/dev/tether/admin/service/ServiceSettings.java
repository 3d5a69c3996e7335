package dev.tether.admin.service;

import com.typesafe.config.Config;
import dev.tether.admin.AdminSettings;
import dev.tether.connection.ConnectionSpec;
import java.util.List;

/**
 * Everything the standalone service reads at start, besides the library's own {@code tether}
 * keys: read once, validated before the actor system starts.
 *
 * @param admin {@code tether.admin}
 * @param connections {@code tether.connections}
 * @param demo {@code tether.demo}
 */
public record ServiceSettings(AdminSettings admin, List<ConnectionSpec> connections, DemoSettings demo) {

  public ServiceSettings {
    connections = List.copyOf(connections);
  }

  /**
   * @throws IllegalArgumentException or {@link IllegalStateException} with a message for the
   *     operator, for invalid configuration or an unsafe binding
   */
  public static ServiceSettings create(Config root) {
    AdminSettings admin = AdminSettings.create(root);
    admin.requireSafeBinding();
    return new ServiceSettings(admin, ConfiguredConnections.read(root), DemoSettings.create(root));
  }
}
