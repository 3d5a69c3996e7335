package dev.tether.admin.json;

import dev.tether.connection.NodeSummary;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /cluster}: this node and every member as Pekko Cluster sees them.
 *
 * @param self this node, {@code host:port} of its remoting address
 * @param members ordered by node
 * @param partial whether some member's counts are missing
 * @param missing the members whose manager did not answer in time (their {@code connections} is null)
 */
public record ClusterJson(String self, List<Member> members, boolean partial, List<String> missing) {

  /**
   * @param node {@code host:port}
   * @param status Pekko's member status, lower case ({@code up}, {@code leaving}, ...)
   * @param reachable whether this node's failure detector reaches it
   * @param roles its cluster roles
   * @param connections the connections it manages, counted by state and by direction (asked of
   *     its own manager); null when it did not answer in time
   */
  public record Member(String node, String status, boolean reachable, List<String> roles, Counts connections) {}

  public record Counts(int total, Map<String, Integer> byState, Map<String, Integer> byDirection) {
    public static Counts of(NodeSummary s) {
      return new Counts(s.total(), new TreeMap<>(s.byState()), new TreeMap<>(s.byDirection()));
    }
  }
}
