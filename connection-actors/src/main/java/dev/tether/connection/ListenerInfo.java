package dev.tether.connection;

import dev.tether.connection.tls.ClientAuth;
import java.util.Optional;

/**
 * A snapshot of one listener.
 *
 * @param name the listener's name
 * @param iface the bound interface
 * @param port the bound port (the actual one when the spec asked for 0)
 * @param tlsProfile the profile holding the server identity
 * @param clientAuth whether clients must present a certificate
 * @param handler the session handler's name
 * @param bound whether it is accepting
 * @param openConnections its connections that have not ended yet
 * @param maxConnections the limit on open connections
 * @param acceptedTotal connections accepted since it started
 * @param rejectedTotal clients refused because max-connections was reached
 * @param problem why it is not bound, if it is not (bind failure, or stopped)
 */
public record ListenerInfo(
    String name,
    String iface,
    int port,
    String tlsProfile,
    ClientAuth clientAuth,
    String handler,
    boolean bound,
    int openConnections,
    int maxConnections,
    long acceptedTotal,
    long rejectedTotal,
    Optional<String> problem) {}
