package dev.tether.admin.json;

import dev.tether.connection.TlsInfo;

/** What the handshake negotiated; {@code peerSubject} is null if the peer sent no certificate. */
public record TlsJson(String protocol, String cipherSuite, String peerSubject) {
  public static TlsJson of(TlsInfo t) {
    return new TlsJson(t.protocol(), t.cipherSuite(), t.peerSubject());
  }
}
