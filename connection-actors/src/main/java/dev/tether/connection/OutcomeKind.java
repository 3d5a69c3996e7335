package dev.tether.connection;

/** How one incarnation of a connection ended. Exactly one per incarnation. */
public enum OutcomeKind {
  /** Both close_notify alerts were exchanged: a secure, complete close. */
  CLEAN("clean"),
  /** We sent close_notify and closed TCP without waiting for the peer's answer (send-only). */
  CLOSE_SENT("close-sent"),
  /** The transport ended without the peer's close_notify: possible truncation attack. */
  TRUNCATED("truncated"),
  /** We sent close_notify and the peer did not answer within close-timeout; TCP was reset. */
  CLOSE_TIMEOUT("close-timeout"),
  /** The transport failed: a TCP reset or I/O error, or a fatal TLS alert after the handshake. */
  RESET("reset"),
  /** The TLS handshake failed (untrusted certificate, hostname mismatch, not TLS, ...). */
  HANDSHAKE_FAILED("handshake-failed"),
  /** TCP connected but the handshake did not finish within handshake-timeout; TCP was reset. */
  HANDSHAKE_TIMEOUT("handshake-timeout"),
  /** DNS resolution or the TCP connect failed (refused, unreachable, unknown host). */
  CONNECT_FAILED("connect-failed"),
  /** DNS resolution and TCP connect did not finish within connect-timeout. */
  CONNECT_TIMEOUT("connect-timeout"),
  /** Ended locally by an abort: the abort close mode, or a close requested before the handshake. */
  ABORTED("aborted"),
  /** No received bytes answered the keepalive pings in time; TCP was reset. */
  KEEPALIVE_TIMEOUT("keepalive-timeout"),
  /**
   * Cluster mode: the member running this incarnation was lost (it crashed, or was downed while
   * unreachable), so nothing could close it; recorded by the member that started the connection
   * again. Its byte counters are unknown (0) and its duration runs until the new start.
   */
  NODE_LOST("node-lost");

  private final String wireName;

  OutcomeKind(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in the REST API, logs and metrics. */
  public String wireName() {
    return wireName;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
