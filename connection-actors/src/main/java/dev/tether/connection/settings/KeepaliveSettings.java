package dev.tether.connection.settings;

import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.util.ByteString;

/**
 * Application-level keepalive: ping after a quiet period, expect a pong within a timeout.
 *
 * @param enabled whether pings are sent at all
 * @param interval send a ping after this long without received bytes
 * @param timeout how long to wait for a pong after each ping
 * @param ping the bytes sent as a ping
 * @param pong the bytes that count as a pong; empty means any received bytes do
 * @param allowedMisses how many unanswered pings are tolerated before the incarnation ends with
 *     {@code keepalive-timeout} (0: the first unanswered ping ends it)
 * @param tcp kernel TCP keepalive, an optional second layer
 */
public record KeepaliveSettings(
    boolean enabled,
    Duration interval,
    Duration timeout,
    // Binary on the wire between cluster nodes (see ByteStringJacksonModule).
    @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = dev.tether.connection.internal.cluster.ByteStringJacksonModule.Writer.class)
    @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = dev.tether.connection.internal.cluster.ByteStringJacksonModule.Reader.class)
    ByteString ping,
    @com.fasterxml.jackson.databind.annotation.JsonSerialize(contentUsing = dev.tether.connection.internal.cluster.ByteStringJacksonModule.Writer.class)
    @com.fasterxml.jackson.databind.annotation.JsonDeserialize(contentUsing = dev.tether.connection.internal.cluster.ByteStringJacksonModule.Reader.class)
    Optional<ByteString> pong,
    int allowedMisses,
    TcpKeepalive tcp) {

  public KeepaliveSettings {
    Settings.requirePositive(interval, "interval");
    Settings.requirePositive(timeout, "timeout");
    if (ping == null || ping.isEmpty()) throw new IllegalArgumentException("ping must not be empty");
    if (pong == null) pong = Optional.empty();
    if (allowedMisses < 0) throw new IllegalArgumentException("allowed-misses must be >= 0, was " + allowedMisses);
    if (tcp == null) tcp = TcpKeepalive.OFF;
  }

  /**
   * Kernel TCP keepalive (SO_KEEPALIVE with TCP_KEEPIDLE, TCP_KEEPINTERVAL and TCP_KEEPCOUNT).
   *
   * @param enabled whether SO_KEEPALIVE is set
   * @param idle idle time before the first probe
   * @param interval time between probes
   * @param count unanswered probes before the kernel resets the connection
   */
  public record TcpKeepalive(boolean enabled, Duration idle, Duration interval, int count) {
    public static final TcpKeepalive OFF = new TcpKeepalive(false, Duration.ofSeconds(60), Duration.ofSeconds(10), 6);

    public TcpKeepalive {
      Settings.requirePositive(idle, "tcp.idle");
      Settings.requirePositive(interval, "tcp.interval");
      if (count < 1) throw new IllegalArgumentException("tcp.count must be >= 1, was " + count);
    }

    static TcpKeepalive fromConfig(Config c) {
      return new TcpKeepalive(c.getBoolean("enabled"), c.getDuration("idle"), c.getDuration("interval"), c.getInt("count"));
    }
  }

  /** Reads a {@code keepalive { ... }} block. */
  public static KeepaliveSettings fromConfig(Config c, String path) {
    return Settings.wrap(path, () -> {
      String pongText = c.getString("pong");
      return new KeepaliveSettings(
          c.getBoolean("enabled"),
          c.getDuration("interval"),
          c.getDuration("timeout"),
          ByteString.fromString(c.getString("ping"), StandardCharsets.UTF_8),
          pongText.isEmpty() ? Optional.empty() : Optional.of(ByteString.fromString(pongText, StandardCharsets.UTF_8)),
          c.getInt("allowed-misses"),
          TcpKeepalive.fromConfig(c.getConfig("tcp")));
    });
  }

  public KeepaliveSettings withEnabled(boolean on) {
    return new KeepaliveSettings(on, interval, timeout, ping, pong, allowedMisses, tcp);
  }

  public KeepaliveSettings withInterval(Duration d) {
    return new KeepaliveSettings(enabled, d, timeout, ping, pong, allowedMisses, tcp);
  }

  public KeepaliveSettings withTimeout(Duration d) {
    return new KeepaliveSettings(enabled, interval, d, ping, pong, allowedMisses, tcp);
  }

  public KeepaliveSettings withPing(ByteString p) {
    return new KeepaliveSettings(enabled, interval, timeout, p, pong, allowedMisses, tcp);
  }

  public KeepaliveSettings withPong(Optional<ByteString> p) {
    return new KeepaliveSettings(enabled, interval, timeout, ping, p, allowedMisses, tcp);
  }

  public KeepaliveSettings withAllowedMisses(int n) {
    return new KeepaliveSettings(enabled, interval, timeout, ping, pong, n, tcp);
  }

  public KeepaliveSettings withTcp(TcpKeepalive t) {
    return new KeepaliveSettings(enabled, interval, timeout, ping, pong, allowedMisses, t);
  }
}
