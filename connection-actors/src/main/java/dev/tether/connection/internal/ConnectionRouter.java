package dev.tether.connection.internal;

import dev.tether.connection.internal.cluster.ClusterConnections;
import dev.tether.connection.internal.cluster.ConnectionEntity;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.internal.lifecycle.ConnectionSupervisor;
import dev.tether.connection.ConnectionManager.Close;
import dev.tether.connection.ConnectionManager.Get;
import dev.tether.connection.ConnectionManager.Reconnect;
import dev.tether.connection.ConnectionManager.Send;
import dev.tether.connection.SendResult;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * INTERNAL API: the registry's routing of a request about one connection, one job: to its
 * supervisor if it runs on this node; else, in cluster mode, to the member an accepted connection's
 * id names, or to the sharded entity of an outbound one; else the id is unknown and the request is
 * answered so. Not an actor: the registry owns it and calls it from its own thread, so that the
 * single-node/cluster decision lives in one place rather than in every handler.
 */
final class ConnectionRouter {
  /** The registry's supervisors by id (a read-only view: the registry alone changes it). */
  private final Map<ConnectionId, ActorRef<ConnectionSupervisor.Command>> supervisors;
  private final Optional<ClusterConnections> cluster;

  ConnectionRouter(Map<ConnectionId, ActorRef<ConnectionSupervisor.Command>> supervisors,
      Optional<ClusterConnections> cluster) {
    this.supervisors = supervisors;
    this.cluster = cluster;
  }

  void send(Send m) {
    route(m.id(), m, () -> m.replyTo().tell(new SendResult.Rejected(m.id(), SendResult.Reason.UNKNOWN_CONNECTION,
        "no connection with id '" + m.id() + "'")));
  }

  void close(Close m) {
    route(m.id(), m, () -> m.replyTo().tell(new ConnectionManager.UnknownConnection(m.id())));
  }

  void reconnect(Reconnect m) {
    route(m.id(), m, () -> m.replyTo().tell(Optional.empty()));
  }

  void get(Get m) {
    route(m.id(), m, () -> m.replyTo().tell(Optional.empty()));
  }

  private void route(ConnectionId id, ConnectionManager.ConnectionRequest m, Runnable unknown) {
    ActorRef<ConnectionSupervisor.Command> supervisor = supervisors.get(id);
    if (supervisor != null) {
      supervisor.tell(new ConnectionSupervisor.Request(m)); // on this node: inbound, or an entity hosted here
    } else if (cluster.isEmpty()) {
      unknown.run();
    } else if (id.node().isPresent()) { // accepted by a listener: on the member its id names
      if (!cluster.get().toMember(id, m)) unknown.run();
    } else if (m instanceof Get get) {
      cluster.get().askView(id, false, Optional.empty(), get.replyTo()); // a bare Optional cannot cross nodes
    } else if (m instanceof Reconnect reconnect) {
      cluster.get().askView(id, true, reconnect.requestedBy(), reconnect.replyTo());
    } else {
      cluster.get().entity(id).tell(m); // the entity answers; an unknown id answers "unknown"
    }
  }

  /** Cluster mode: another member asks about a connection accepted here. */
  void inboundView(ClusterConnections.InboundView m) {
    ActorRef<ConnectionSupervisor.Command> supervisor = supervisors.get(m.id());
    if (supervisor == null) {
      m.replyTo().tell(new ConnectionEntity.ViewAnswer(Optional.empty()));
    } else {
      supervisor.tell(new ConnectionSupervisor.Request(cluster.get().localRequest(m)));
    }
  }
}
