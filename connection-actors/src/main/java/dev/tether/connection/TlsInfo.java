package dev.tether.connection;

/**
 * What the TLS handshake negotiated.
 *
 * @param protocol for example {@code TLSv1.3}
 * @param cipherSuite for example {@code TLS_AES_256_GCM_SHA384}
 * @param peerSubject the subject of the peer's leaf certificate, or null if it sent none
 */
public record TlsInfo(String protocol, String cipherSuite, String peerSubject) {}
