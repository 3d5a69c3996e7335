package dev.tether.connection.internal.transport;

import dev.tether.connection.settings.KeepaliveSettings;
import dev.tether.connection.tls.ClientAuth;
import dev.tether.connection.tls.TlsProfile;
import dev.tether.connection.tls.TlsStage;
import java.util.Optional;
import org.apache.pekko.stream.javadsl.Tcp;

/**
 * INTERNAL API: what one incarnation's stream needs to know, and nothing more: where to connect
 * (or the connection a listener accepted), which engine and TLS stage, on which dispatcher.
 *
 * @param host the peer to connect to (outbound)
 * @param port its port (outbound)
 * @param tcpKeepalive the kernel's keepalive for an outbound socket
 * @param accepted set for a connection accepted by a listener: the stream serves it in the server role
 * @param profile the engines' TLS profile
 * @param tlsStage which TLS stage runs ({@code tether.tls-stage})
 * @param streamDispatcher where the stream runs, if not the default
 */
public record TransportPlan(
    String host,
    int port,
    KeepaliveSettings.TcpKeepalive tcpKeepalive,
    Optional<Accepted> accepted,
    TlsProfile profile,
    TlsStage tlsStage,
    Optional<String> streamDispatcher) {

  /** An accepted TCP connection (its flow is materialized exactly once) and whether its client must present a certificate. */
  public record Accepted(Tcp.IncomingConnection incoming, ClientAuth clientAuth) {}
}
