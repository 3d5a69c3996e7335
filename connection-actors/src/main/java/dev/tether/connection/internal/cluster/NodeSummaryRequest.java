package dev.tether.connection.internal.cluster;

import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.NodeSummary;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;

/** INTERNAL API: one member's manager is asked for its counts (by another member's {@link NodeSummaryAggregator}). */
public record NodeSummaryRequest(ActorRef<NodeSummary> replyTo) implements ConnectionManager.Command, ClusterMessage {

  /** Counts by state and by direction, from the latest state of each connection of {@code node}. */
  public static NodeSummary summarize(String node, Collection<ConnectionEvent.StateChanged> latest) {
    Map<String, Integer> byState = new TreeMap<>();
    Map<String, Integer> byDirection = new TreeMap<>();
    for (ConnectionEvent.StateChanged s : latest) {
      byState.merge(s.state().wireName(), 1, Integer::sum);
      byDirection.merge(s.direction().wireName(), 1, Integer::sum);
    }
    return new NodeSummary(node, latest.size(), byState, byDirection);
  }
}
