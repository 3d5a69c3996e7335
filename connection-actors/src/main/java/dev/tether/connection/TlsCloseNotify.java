package dev.tether.connection;

import org.slf4j.Logger;

/**
 * How Tether answers a peer's close_notify on TLS 1.3. The JDK does not answer by default ({@code
 * jdk.tls.acknowledgeCloseNotify=false}); Tether's cipher-side stage writes the answer itself, so
 * the property is not needed. This class only reports the effective setting once, for operators.
 */
final class TlsCloseNotify {
  private static volatile boolean logged;

  private TlsCloseNotify() {}

  static void checkAcknowledgement(Logger log) {
    if (logged) return;
    logged = true;
    log.debug("jdk.tls.acknowledgeCloseNotify={}; Tether answers TLS 1.3 close_notify itself either way",
        System.getProperty("jdk.tls.acknowledgeCloseNotify", "false"));
  }
}
