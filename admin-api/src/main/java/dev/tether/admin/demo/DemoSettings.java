package dev.tether.admin.demo;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The {@code tether.demo} block.
 *
 * @param enabled whether the service starts the demo peer and its connections
 * @param connections how many demo connections to open
 * @param sendInterval how often each demo connection sends a line
 * @param keepaliveInterval keepalive interval of the demo connections
 * @param keepaliveTimeout keepalive timeout of the demo connections
 */
public record DemoSettings(boolean enabled, int connections, Duration sendInterval, Duration keepaliveInterval,
    Duration keepaliveTimeout) {

  public DemoSettings {
    if (connections < 0 || connections > 100) {
      throw new IllegalArgumentException("tether.demo.connections must be 0 to 100, was " + connections);
    }
  }

  /** Reads {@code tether.demo} from a full configuration. */
  public static DemoSettings create(Config root) {
    Config c = root.getConfig("tether.demo");
    return new DemoSettings(c.getBoolean("enabled"), c.getInt("connections"), c.getDuration("send-interval"),
        c.getDuration("keepalive-interval"), c.getDuration("keepalive-timeout"));
  }
}
