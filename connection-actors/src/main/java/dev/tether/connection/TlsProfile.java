package dev.tether.connection;

import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * A named TLS client profile from {@code tether.tls-profiles.<name>}. Its {@link SSLContext} is
 * built once, at start; every incarnation gets a fresh {@link SSLEngine} from it.
 *
 * @param name the profile name
 * @param context the context, holding trust material and an optional client certificate
 * @param protocols enabled protocol versions, for example {@code [TLSv1.3, TLSv1.2]}; empty means
 *     the JDK's defaults
 * @param hostnameVerification whether the peer's certificate must match the host name (endpoint
 *     identification "HTTPS"); SNI is sent either way for DNS names
 */
public record TlsProfile(String name, SSLContext context, List<String> protocols, boolean hostnameVerification) {

  public TlsProfile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(context, "context");
    protocols = List.copyOf(protocols);
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
