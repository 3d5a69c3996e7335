package dev.tether.connection.tls;

import java.util.Locale;

/** Whether a listener asks its clients for a certificate, verified with its TLS profile's trust. */
public enum ClientAuth {
  /** No client certificate is requested. */
  NONE("none"),
  /** A certificate is requested; a client without one is still accepted, one with a bad one is not. */
  WANT("want"),
  /** A certificate the profile trusts is required; the handshake fails without one. */
  NEED("need");

  private final String wireName;

  ClientAuth(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in configuration and the REST API. */
  public String wireName() {
    return wireName;
  }

  /** Parses {@code none}, {@code want} or {@code need}; anything else names the accepted values. */
  public static ClientAuth fromWireName(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (ClientAuth a : values()) {
      if (a.wireName.equals(t)) return a;
    }
    throw new IllegalArgumentException("unknown client-auth '" + text + "', expected one of none, want, need");
  }

  @Override
  public String toString() {
    return wireName;
  }
}
