package dev.tether.connection.settings;

import dev.tether.connection.CloseMode;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * The effective settings of one connection: the configured {@code tether.connection-defaults}, with
 * any per-connection overrides applied through the {@code withX} copies.
 *
 * @param connectTimeout bound on DNS resolution plus TCP connect
 * @param handshakeTimeout bound on the TLS handshake, from TCP connected to the peer verified
 * @param closeTimeout bound on a close: flushing our close_notify plus waiting for the peer's
 * @param closeMode the close mode used when a close request names none (and at shutdown)
 * @param reconnect the reconnect policy
 * @param keepalive application keepalive and kernel TCP keepalive
 * @param maxPendingWrites writes accepted but not yet taken by the TLS stage; more are rejected
 * @param inboundWindow bytes delivered to the spec's listener and not yet acknowledged, beyond
 *     which reading stops (so the peer is slowed through TCP); {@link #UNBOUNDED_WINDOW} for a
 *     listener that does not acknowledge
 */
public record ConnectionSettings(
    Duration connectTimeout,
    Duration handshakeTimeout,
    Duration closeTimeout,
    CloseMode closeMode,
    ReconnectSettings reconnect,
    KeepaliveSettings keepalive,
    int maxPendingWrites,
    long inboundWindow) {

  /** The default of {@code inbound-window}. */
  public static final long DEFAULT_INBOUND_WINDOW = 256 * 1024;

  /** {@code inbound-window = unbounded}: the listener never acknowledges; bytes are delivered as read. */
  public static final long UNBOUNDED_WINDOW = Long.MAX_VALUE;

  public ConnectionSettings {
    Settings.requirePositive(connectTimeout, "connect-timeout");
    Settings.requirePositive(handshakeTimeout, "handshake-timeout");
    Settings.requirePositive(closeTimeout, "close-timeout");
    Objects.requireNonNull(closeMode, "close-mode");
    Objects.requireNonNull(reconnect, "reconnect");
    Objects.requireNonNull(keepalive, "keepalive");
    if (maxPendingWrites < 1) throw new IllegalArgumentException("max-pending-writes must be >= 1, was " + maxPendingWrites);
    if (inboundWindow < 1) throw new IllegalArgumentException("inbound-window must be at least 1 byte or unbounded, was " + inboundWindow);
  }

  /** With the default inbound window. */
  public ConnectionSettings(Duration connectTimeout, Duration handshakeTimeout, Duration closeTimeout, CloseMode closeMode,
      ReconnectSettings reconnect, KeepaliveSettings keepalive, int maxPendingWrites) {
    this(connectTimeout, handshakeTimeout, closeTimeout, closeMode, reconnect, keepalive, maxPendingWrites,
        DEFAULT_INBOUND_WINDOW);
  }

  /** Whether the listener must acknowledge what it is given. */
  public boolean listenerAcknowledges() {
    return inboundWindow != UNBOUNDED_WINDOW;
  }

  /** Reads a {@code connection-defaults { ... }} block; {@code path} is used in error messages. */
  public static ConnectionSettings fromConfig(Config c, String path) {
    return Settings.wrap(path, () -> new ConnectionSettings(
        c.getDuration("connect-timeout"),
        c.getDuration("handshake-timeout"),
        c.getDuration("close-timeout"),
        Settings.wrap(path + ".close-mode", () -> CloseMode.fromWireName(c.getString("close-mode"))),
        ReconnectSettings.fromConfig(c.getConfig("reconnect"), path + ".reconnect"),
        KeepaliveSettings.fromConfig(c.getConfig("keepalive"), path + ".keepalive"),
        c.getInt("max-pending-writes"),
        c.hasPath("inbound-window") ? inboundWindow(c, path) : DEFAULT_INBOUND_WINDOW));
  }

  /** A size ({@code 256 KiB}) or {@code unbounded}. */
  private static long inboundWindow(Config c, String path) {
    return Settings.wrap(path + ".inbound-window", () -> {
      if (c.getValue("inbound-window").valueType() == com.typesafe.config.ConfigValueType.STRING
          && "unbounded".equals(c.getString("inbound-window"))) {
        return UNBOUNDED_WINDOW;
      }
      return c.getBytes("inbound-window");
    });
  }

  public ConnectionSettings withConnectTimeout(Duration d) {
    return new ConnectionSettings(d, handshakeTimeout, closeTimeout, closeMode, reconnect, keepalive, maxPendingWrites, inboundWindow);
  }

  public ConnectionSettings withHandshakeTimeout(Duration d) {
    return new ConnectionSettings(connectTimeout, d, closeTimeout, closeMode, reconnect, keepalive, maxPendingWrites, inboundWindow);
  }

  public ConnectionSettings withCloseTimeout(Duration d) {
    return new ConnectionSettings(connectTimeout, handshakeTimeout, d, closeMode, reconnect, keepalive, maxPendingWrites, inboundWindow);
  }

  public ConnectionSettings withCloseMode(CloseMode m) {
    return new ConnectionSettings(connectTimeout, handshakeTimeout, closeTimeout, m, reconnect, keepalive, maxPendingWrites, inboundWindow);
  }

  public ConnectionSettings withReconnect(ReconnectSettings r) {
    return new ConnectionSettings(connectTimeout, handshakeTimeout, closeTimeout, closeMode, r, keepalive, maxPendingWrites, inboundWindow);
  }

  public ConnectionSettings withKeepalive(KeepaliveSettings k) {
    return new ConnectionSettings(connectTimeout, handshakeTimeout, closeTimeout, closeMode, reconnect, k, maxPendingWrites, inboundWindow);
  }

  public ConnectionSettings withMaxPendingWrites(int n) {
    return new ConnectionSettings(connectTimeout, handshakeTimeout, closeTimeout, closeMode, reconnect, keepalive, n,
        inboundWindow);
  }

  /** {@link #UNBOUNDED_WINDOW} for a listener that does not acknowledge. */
  public ConnectionSettings withInboundWindow(long bytes) {
    return new ConnectionSettings(connectTimeout, handshakeTimeout, closeTimeout, closeMode, reconnect, keepalive,
        maxPendingWrites, bytes);
  }
}
