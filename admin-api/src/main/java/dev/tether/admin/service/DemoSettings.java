package dev.tether.admin.service;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The {@code tether.demo} block.
 *
 * @param enabled whether the service makes the throwaway {@code demo} TLS profile and opens the demo
 *     connections
 * @param listener the listener (under {@code tether.listeners}) that the demo connections connect to
 * @param connections how many demo connections to open
 * @param sendInterval how often each demo connection but the last sends a line
 * @param keepaliveInterval keepalive interval of the demo connections
 * @param keepaliveTimeout keepalive timeout of the demo connections
 */
public record DemoSettings(boolean enabled, String listener, int connections, Duration sendInterval,
    Duration keepaliveInterval, Duration keepaliveTimeout) {

  public DemoSettings {
    if (listener == null || listener.isBlank()) {
      throw new IllegalArgumentException("invalid configuration at tether.demo.listener: must name a listener");
    }
    if (connections < 0 || connections > 100) {
      throw new IllegalArgumentException("tether.demo.connections must be 0 to 100, was " + connections);
    }
  }

  /** Reads {@code tether.demo} from a full configuration. */
  public static DemoSettings create(Config root) {
    Config c = root.getConfig("tether.demo");
    return new DemoSettings(c.getBoolean("enabled"), c.getString("listener"), c.getInt("connections"),
        c.getDuration("send-interval"), c.getDuration("keepalive-interval"), c.getDuration("keepalive-timeout"));
  }
}
