package dev.tether.connection;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a connection is closed. Chosen per close request; each connection has a configured default.
 */
public enum CloseMode {
  /** Send close_notify, wait for the peer's close_notify up to close-timeout, then close TCP. */
  GRACEFUL("graceful"),
  /**
   * Send close_notify and close TCP without waiting for the peer's answer (RFC 5246 §7.2.1, RFC 8446
   * §6.1).
   */
  SEND_ONLY("send-only"),
  /** Reset the TCP connection now. No close_notify is sent. */
  ABORT("abort");

  private final String wireName;

  CloseMode(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in configuration, the REST API, logs and metrics. */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses a wire name such as {@code send-only}.
   *
   * @throws IllegalArgumentException naming the accepted values when the text is not one of them
   */
  public static CloseMode fromWireName(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (CloseMode m : values()) {
      if (m.wireName.equals(t)) return m;
    }
    throw new IllegalArgumentException(
        "unknown close mode '" + text + "', expected one of "
            + Arrays.stream(values()).map(CloseMode::wireName).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return wireName;
  }
}
