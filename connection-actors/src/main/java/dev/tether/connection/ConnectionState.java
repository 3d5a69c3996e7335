package dev.tether.connection;

/** Where a managed connection is in its lifecycle. */
public enum ConnectionState {
  /** DNS resolution and TCP connect are in progress (bounded by connect-timeout). */
  CONNECTING("connecting"),
  /** TCP is up; the TLS handshake is in progress (bounded by handshake-timeout). */
  HANDSHAKING("handshaking"),
  /** The handshake has finished and the peer was verified; application bytes flow. */
  OPEN("open"),
  /** Our close_notify is being flushed to the transport. */
  CLOSING("closing"),
  /** Our close_notify was sent; waiting for the peer's close_notify (bounded by close-timeout). */
  AWAITING_PEER_CLOSE("awaiting-peer-close"),
  /** The last incarnation ended; the next one starts at {@code nextAttemptAt}. */
  BACKOFF("backoff"),
  /** Too many failures within the configured window; stays here until a reconnect is requested. */
  FAILED("failed");

  private final String wireName;

  ConnectionState(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in the REST API, logs and metrics. */
  public String wireName() {
    return wireName;
  }

  /** Parses a wire name such as {@code awaiting-peer-close}. */
  public static ConnectionState fromWireName(String text) {
    for (ConnectionState s : values()) {
      if (s.wireName.equals(text)) return s;
    }
    throw new IllegalArgumentException(
        "unknown state '" + text + "', expected one of connecting, handshaking, open, closing, "
            + "awaiting-peer-close, backoff, failed");
  }

  @Override
  public String toString() {
    return wireName;
  }
}
