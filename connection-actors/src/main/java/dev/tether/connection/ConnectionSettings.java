package dev.tether.connection;

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
 */
public record ConnectionSettings(
    Duration connectTimeout,
    Duration handshakeTimeout,
    Duration closeTimeout,
    CloseMode closeMode,
    ReconnectSettings reconnect,
    KeepaliveSettings keepalive,
    int maxPendingWrites) {

  public ConnectionSettings {
    Settings.requirePositive(connectTimeout, "connect-timeout");
    Settings.requirePositive(handshakeTimeout, "handshake-timeout");
    Settings.requirePositive(closeTimeout, "close-timeout");
    Objects.requireNonNull(closeMode, "close-mode");
    Objects.requireNonNull(reconnect, "reconnect");
    Objects.requireNonNull(keepalive, "keepalive");
    if (maxPendingWrites < 1) throw new IllegalArgumentException("max-pending-writes must be >= 1, was " + maxPendingWrites);
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
        c.getInt("max-pending-writes")));
  }

  public ConnectionSettings withConnectTimeout(Duration d) {
    return new ConnectionSettings(d, handshakeTimeout, closeTimeout, closeMode, reconnect, keepalive, maxPendingWrites);
  }

  public ConnectionSettings withHandshakeTimeout(Duration d) {
    return new ConnectionSettings(connectTimeout, d, closeTimeout, closeMode, reconnect, keepalive, maxPendingWrites);
  }

  public ConnectionSettings withCloseTimeout(Duration d) {
    return new ConnectionSettings(connectTimeout, handshakeTimeout, d, closeMode, reconnect, keepalive, maxPendingWrites);
  }

  public ConnectionSettings withCloseMode(CloseMode m) {
    return new ConnectionSettings(connectTimeout, handshakeTimeout, closeTimeout, m, reconnect, keepalive, maxPendingWrites);
  }

  public ConnectionSettings withReconnect(ReconnectSettings r) {
    return new ConnectionSettings(connectTimeout, handshakeTimeout, closeTimeout, closeMode, r, keepalive, maxPendingWrites);
  }

  public ConnectionSettings withKeepalive(KeepaliveSettings k) {
    return new ConnectionSettings(connectTimeout, handshakeTimeout, closeTimeout, closeMode, reconnect, k, maxPendingWrites);
  }

  public ConnectionSettings withMaxPendingWrites(int n) {
    return new ConnectionSettings(connectTimeout, handshakeTimeout, closeTimeout, closeMode, reconnect, keepalive, n);
  }
}
