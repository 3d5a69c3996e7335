package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.TlsInfo;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** INTERNAL API: what a finished handshake negotiated, as shown in views. */
final class TlsSessions {
  private TlsSessions() {}

  static TlsInfo info(SSLSession s) {
    String subject;
    try {
      subject = s.getPeerPrincipal().getName();
    } catch (SSLPeerUnverifiedException e) {
      subject = null; // the peer sent no certificate (possible for a server's view of a client)
    }
    return new TlsInfo(s.getProtocol(), s.getCipherSuite(), subject);
  }
}
