package dev.tether.connection.tls;

import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * A named TLS profile from {@code tether.tls-profiles.<name>}. Its {@link SSLContext} is
 * built once, at start; every incarnation gets a fresh {@link SSLEngine} from it.
 *
 * @param name the profile name
 * @param context the context, holding trust material and an optional client certificate
 * @param protocols enabled protocol versions, for example {@code [TLSv1.3, TLSv1.2]}; empty means
 *     the JDK's defaults
 * @param hostnameVerification whether the peer's certificate must match the host name (endpoint
 *     identification "HTTPS"); SNI is sent either way for DNS names
 * @param hasIdentity the context holds a key and certificate ({@code key-pem} + {@code cert-pem}):
 *     a client certificate when connecting, the server identity when a listener uses the profile
 */
public record TlsProfile(String name, SSLContext context, List<String> protocols, boolean hostnameVerification,
    boolean hasIdentity) {

  public TlsProfile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(context, "context");
    protocols = List.copyOf(protocols);
  }

  /** A profile whose context holds no key of its own (trust only): usable by clients only. */
  public TlsProfile(String name, SSLContext context, List<String> protocols, boolean hostnameVerification) {
    this(name, context, protocols, hostnameVerification, false);
  }

  /** A fresh server engine for one accepted connection, asking for client certificates as {@code clientAuth} says. */
  public SSLEngine createServerEngine(ClientAuth clientAuth) {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    SSLParameters params = engine.getSSLParameters();
    if (!protocols.isEmpty()) params.setProtocols(protocols.toArray(String[]::new));
    params.setNeedClientAuth(clientAuth == ClientAuth.NEED);
    if (clientAuth == ClientAuth.WANT) params.setWantClientAuth(true);
    engine.setSSLParameters(params);
    return engine;
  }

  /** A fresh client engine for one incarnation, with SNI and, if enabled, hostname verification. */
  public SSLEngine createClientEngine(String host, int port) {
    SSLEngine engine = context.createSSLEngine(host, port);
    engine.setUseClientMode(true);
    SSLParameters params = engine.getSSLParameters();
    if (hostnameVerification) params.setEndpointIdentificationAlgorithm("HTTPS");
    if (!protocols.isEmpty()) params.setProtocols(protocols.toArray(String[]::new));
    engine.setSSLParameters(params);
    return engine;
  }
}
