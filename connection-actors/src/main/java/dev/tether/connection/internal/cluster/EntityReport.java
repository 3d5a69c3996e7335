package dev.tether.connection.internal.cluster;

import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.internal.lifecycle.ConnectionSupervisor;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * INTERNAL API: what a sharded connection entity reports upward to the registry of the member it runs on
 * (besides its supervisor's {@code SupervisorReport}s).
 */
public sealed interface EntityReport extends ConnectionManager.Command {

  /** Cluster mode: a sharded entity runs this connection on this node. */
  record Hosted(ConnectionId id, ActorRef<ConnectionSupervisor.Command> entity) implements EntityReport {}

  /** Cluster mode: an entity was handed off (its shard moves); wake it at its new home. */
  record WakeAfterHandOff(ConnectionId id) implements EntityReport {}
}
