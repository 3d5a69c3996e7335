package dev.tether.connection.settings;

import com.fasterxml.jackson.annotation.JsonProperty;
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
 * @param receiveWindow bytes delivered to the spec's reader and not yet acknowledged, beyond
 *     which reading stops (so the peer is slowed through TCP); {@link #UNBOUNDED_WINDOW} for a
 *     reader that does not acknowledge
 */
public record ConnectionSettings(
    Duration connectTimeout,
    Duration handshakeTimeout,
    Duration closeTimeout,
    CloseMode closeMode,
    ReconnectSettings reconnect,
    KeepaliveSettings keepalive,
    int maxPendingWrites,
    // Settings cross nodes in cluster mode (in specs and views, through Jackson). The field keeps
    // the name it had before the rename, as the configuration key keeps inbound-window: a node
    // before the rename requires it (without it the window would be 0 and rejected).
    @JsonProperty("inboundWindow") long receiveWindow) {

  /** The default of {@code inbound-window}. */
  public static final long DEFAULT_RECEIVE_WINDOW = 256 * 1024;

  /** {@code inbound-window = unbounded}: the reader never acknowledges; bytes are delivered as read. */
  public static final long UNBOUNDED_WINDOW = Long.MAX_VALUE;

  public ConnectionSettings {
    Settings.requirePositive(connectTimeout, "connect-timeout");
    Settings.requirePositive(handshakeTimeout, "handshake-timeout");
    Settings.requirePositive(closeTimeout, "close-timeout");
    Objects.requireNonNull(closeMode, "close-mode");
    Objects.requireNonNull(reconnect, "reconnect");
    Objects.requireNonNull(keepalive, "keepalive");
    if (maxPendingWrites < 1) throw new IllegalArgumentException("max-pending-writes must be >= 1, was " + maxPendingWrites);
    if (receiveWindow < 1) throw new IllegalArgumentException("inbound-window must be at least 1 byte or unbounded, was " + receiveWindow);
  }

  /** With the default receive window. */
  public ConnectionSettings(Duration connectTimeout, Duration handshakeTimeout, Duration closeTimeout, CloseMode closeMode,
      ReconnectSettings reconnect, KeepaliveSettings keepalive, int maxPendingWrites) {
    this(connectTimeout, handshakeTimeout, closeTimeout, closeMode, reconnect, keepalive, maxPendingWrites,
        DEFAULT_RECEIVE_WINDOW);
  }

  /** Whether the reader must acknowledge what it is given. */
  public boolean readerAcknowledges() {
    return receiveWindow != UNBOUNDED_WINDOW;
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
        c.hasPath("inbound-window") ? receiveWindow(c, path) : DEFAULT_RECEIVE_WINDOW));
  }

  /** A size ({@code 256 KiB}) or {@code unbounded}. */
  private static long receiveWindow(Config c, String path) {
    return Settings.wrap(path + ".inbound-window", () -> {
      if (c.getValue("inbound-window").valueType() == com.typesafe.config.ConfigValueType.STRING
          && "unbounded".equals(c.getString("inbound-window"))) {
        return UNBOUNDED_WINDOW;
      }
      return c.getBytes("inbound-window");
    });
  }

  public ConnectionSettings withConnectTimeout(Duration d) {
    return new ConnectionSettings(d, handshakeTimeout, closeTimeout, closeMode, reconnect, keepalive, maxPendingWrites, receiveWindow);
  }

  public ConnectionSettings withHandshakeTimeout(Duration d) {
    return new ConnectionSettings(connectTimeout, d, closeTimeout, closeMode, reconnect, keepalive, maxPendingWrites, receiveWindow);
  }

  public ConnectionSettings withCloseTimeout(Duration d) {
    return new ConnectionSettings(connectTimeout, handshakeTimeout, d, closeMode, reconnect, keepalive, maxPendingWrites, receiveWindow);
  }

  public ConnectionSettings withCloseMode(CloseMode m) {
    return new ConnectionSettings(connectTimeout, handshakeTimeout, closeTimeout, m, reconnect, keepalive, maxPendingWrites, receiveWindow);
  }

  public ConnectionSettings withReconnect(ReconnectSettings r) {
    return new ConnectionSettings(connectTimeout, handshakeTimeout, closeTimeout, closeMode, r, keepalive, maxPendingWrites, receiveWindow);
  }

  public ConnectionSettings withKeepalive(KeepaliveSettings k) {
    return new ConnectionSettings(connectTimeout, handshakeTimeout, closeTimeout, closeMode, reconnect, k, maxPendingWrites, receiveWindow);
  }

  public ConnectionSettings withMaxPendingWrites(int n) {
    return new ConnectionSettings(connectTimeout, handshakeTimeout, closeTimeout, closeMode, reconnect, keepalive, n,
        receiveWindow);
  }

  /** {@link #UNBOUNDED_WINDOW} for a reader that does not acknowledge. */
  public ConnectionSettings withReceiveWindow(long bytes) {
    return new ConnectionSettings(connectTimeout, handshakeTimeout, closeTimeout, closeMode, reconnect, keepalive,
        maxPendingWrites, bytes);
  }
}
