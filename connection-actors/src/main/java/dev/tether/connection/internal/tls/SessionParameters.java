package dev.tether.connection.internal.tls;

import javax.net.ssl.SSLEngine;
import org.apache.pekko.stream.TLSClientAuth;
import org.apache.pekko.stream.TLSProtocol;
import scala.jdk.javaapi.CollectionConverters;

/**
 * INTERNAL API: applies what a {@code NegotiateNewSession} element asks for to the engine before the
 * new handshake, in the order Pekko's stage does: cipher suites, protocols, SSL parameters, client
 * authentication.
 */
final class SessionParameters {
  private SessionParameters() {}

  static void apply(SSLEngine engine, TLSProtocol.NegotiateNewSession n) {
    if (n.enabledCipherSuites().isDefined()) engine.setEnabledCipherSuites(strings(n.enabledCipherSuites().get()));
    if (n.enabledProtocols().isDefined()) engine.setEnabledProtocols(strings(n.enabledProtocols().get()));
    if (n.sslParameters().isDefined()) engine.setSSLParameters(n.sslParameters().get());
    if (n.clientAuth().isDefined()) {
      TLSClientAuth auth = n.clientAuth().get();
      if (auth == TLSClientAuth.none()) engine.setNeedClientAuth(false);
      else if (auth == TLSClientAuth.want()) engine.setWantClientAuth(true);
      else if (auth == TLSClientAuth.need()) engine.setNeedClientAuth(true);
    }
  }

  private static String[] strings(scala.collection.immutable.Seq<String> values) {
    return CollectionConverters.asJava(values).toArray(new String[0]);
  }
}
