package dev.tether.connection.tls;

import java.util.Locale;

/** Which TLS stage the connections' streams run ({@code tether.tls-stage}). */
public enum TlsStage {
  /** Pekko's {@code TLS.create}: its TLS actor keeps about 89 KiB of buffers per connection for its whole life. */
  PEKKO("pekko"),
  /**
   * Tether's own stage: no buffer held while a connection is idle, delegated tasks off the stream's
   * thread, the peer's data delivered after our close_notify, TLS 1.3 close_notify answered.
   */
  TETHER("tether");

  private final String wireName;

  TlsStage(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in configuration. */
  public String wireName() {
    return wireName;
  }

  /** Parses {@code pekko} or {@code tether}; anything else names the accepted values. */
  public static TlsStage fromWireName(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (TlsStage s : values()) {
      if (s.wireName.equals(t)) return s;
    }
    throw new IllegalArgumentException("unknown TLS stage '" + text + "', expected one of pekko, tether");
  }

  @Override
  public String toString() {
    return wireName;
  }
}
