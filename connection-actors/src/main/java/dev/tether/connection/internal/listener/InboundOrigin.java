package dev.tether.connection.internal.listener;

import dev.tether.connection.tls.ClientAuth;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.javadsl.Tcp;

/**
 * INTERNAL API: where an inbound connection came from: the accepted TCP connection (its flow is
 * materialized exactly once, by the incarnation) and what its listener decided for it.
 *
 * @param listener the listener's name
 * @param incoming the accepted connection
 * @param clientAuth whether the client must present a certificate
 * @param lingerTimeout how long a graceful close keeps reading the client after our close_notify
 * @param listenerRef told when the connection has ended, so that it stops counting it
 */
public record InboundOrigin(
    String listener,
    Tcp.IncomingConnection incoming,
    ClientAuth clientAuth,
    Duration lingerTimeout,
    ActorRef<Listener.Command> listenerRef) {}
