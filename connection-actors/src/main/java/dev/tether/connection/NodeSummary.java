package dev.tether.connection;

import java.util.Map;

/**
 * One node's connections, counted: what {@link ConnectionManager.SummarizeNodes} gathers from every
 * member in cluster mode.
 *
 * @param node the member's remoting address as {@code host:port}
 * @param total its connections, inbound and outbound
 * @param byState counts by state wire name
 * @param byDirection counts by direction wire name
 */
public record NodeSummary(String node, int total, Map<String, Integer> byState, Map<String, Integer> byDirection) {
  public NodeSummary {
    byState = Map.copyOf(byState);
    byDirection = Map.copyOf(byDirection);
  }
}
