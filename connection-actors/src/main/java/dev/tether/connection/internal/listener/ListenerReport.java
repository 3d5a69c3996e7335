package dev.tether.connection.internal.listener;

import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ListenerInfo;
import dev.tether.connection.ListenerSpec;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.javadsl.Tcp;

/**
 * INTERNAL API: what a listener reports upward to the registry: a connection it accepted, its changed counts.
 */
public sealed interface ListenerReport extends ConnectionManager.Command {

  /** A listener accepted a TCP connection: manage it as {@code id}. */
  record InboundAccepted(ListenerSpec spec, ConnectionId id, Tcp.IncomingConnection connection,
      ActorRef<Listener.Command> listener) implements ListenerReport {}

  /** A listener's counters or binding changed. */
  record ListenerUpdated(ListenerInfo info) implements ListenerReport {}
}
