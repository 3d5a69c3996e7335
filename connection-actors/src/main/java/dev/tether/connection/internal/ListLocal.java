package dev.tether.connection.internal;

import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionView;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/** INTERNAL API: one member's manager is asked for the connections it runs (cluster-wide listing). */
record ListLocal(ActorRef<LocalList> replyTo) implements ConnectionManager.Command, ClusterMessage {

  /** @param node the member, {@code host:port} */
  record LocalList(String node, List<ConnectionView> connections) implements ClusterMessage {}
}
