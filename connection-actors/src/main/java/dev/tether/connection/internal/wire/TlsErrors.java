package dev.tether.connection.internal.wire;

import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * INTERNAL API: turns the opaque exceptions of JSSE and Pekko's TCP stage into explanations an
 * operator can act on. The original message is always kept at the end.
 */
public final class TlsErrors {
  private TlsErrors() {}

  /** The innermost SSLException in the cause chain, or null. */
  public static SSLException sslCause(Throwable t) {
    SSLException found = null;
    for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof SSLException s) found = s;
      if (c.getCause() == null) break;
    }
    return found;
  }

  /** A human-readable explanation of a TLS failure. */
  public static String describeTls(Throwable t) {
    String raw = messages(t);
    String lower = raw.toLowerCase();
    String hint;
    if (lower.contains("pkix path") || lower.contains("unable to find valid certification path")) {
      hint = "the peer's certificate is not trusted by this TLS profile (configure trust-pem or trust-store)";
    } else if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
      hint = "the peer's certificate does not match the host name (hostname verification)";
    } else if (lower.contains("certificate expired") || lower.contains("notafter")) {
      hint = "the peer's certificate has expired";
    } else if (lower.contains("unrecognized ssl message") || lower.contains("plaintext connection")
        || lower.contains("unsupported or unrecognized ssl message")) {
      hint = "the peer is not speaking TLS on this port (plaintext service, or wrong port) - "
          + "the JVM's equivalent of OpenSSL's \"wrong version number\"";
    } else if (lower.contains("protocol_version") || lower.contains("protocol version")
        || lower.contains("no appropriate protocol")) {
      hint = "no TLS version in common with the peer (check the profile's protocols)";
    } else if (lower.contains("handshake_failure") || lower.contains("no cipher suites in common")) {
      hint = "the peer refused the handshake: no cipher suite or parameters in common, or it requires a client certificate";
    } else if (lower.contains("bad_certificate") || lower.contains("certificate_required")) {
      hint = "the peer rejected our client certificate, or requires one";
    } else if (lower.contains("bad_record_mac") || lower.contains("bad record mac")) {
      hint = "a record failed its integrity check (corrupted stream or tampering)";
    } else if (lower.contains("received fatal alert")) {
      hint = "the peer aborted the TLS session with a fatal alert";
    } else if (t instanceof SSLHandshakeException || sslCause(t) instanceof SSLHandshakeException) {
      hint = "the TLS handshake failed";
    } else {
      hint = "TLS error";
    }
    return hint + ": " + raw;
  }

  /** A human-readable explanation of a connect failure. */
  public static String describeConnect(Throwable t) {
    String raw = messages(t);
    String lower = raw.toLowerCase();
    // Checked first: Pekko prints every unresolved address as "host/<unresolved>:port".
    if (lower.contains("connection refused")) return "the peer refused the connection (nothing listens on that port): " + raw;
    if (hasCause(t, UnknownHostException.class) || lower.contains("unknownhostexception")) {
      return "the host name could not be resolved: " + raw;
    }
    if (hasCause(t, NoRouteToHostException.class) || lower.contains("no route to host")) return "no route to the host: " + raw;
    if (lower.contains("network is unreachable")) return "the network is unreachable: " + raw;
    return "TCP connect failed: " + raw;
  }

  /** All distinct messages of the cause chain, joined. */
  public static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
      if (sb.indexOf(m) < 0) {
        if (sb.length() > 0) sb.append(" / ");
        sb.append(m);
      }
    }
    return sb.toString();
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) return true;
    }
    return false;
  }
}
