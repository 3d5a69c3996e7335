package dev.tether.admin.json;

import dev.tether.connection.ConnectionView;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /cluster}: this node and every member as Pekko Cluster sees them.
 *
 * @param self this node, {@code host:port} of its remoting address
 * @param members ordered by node
 */
public record ClusterJson(String self, List<Member> members) {

  /**
   * @param node {@code host:port}
   * @param status Pekko's member status, lower case ({@code up}, {@code leaving}, ...)
   * @param reachable whether this node's failure detector reaches it
   * @param roles its cluster roles
   * @param connections the connections it manages, counted by state and by direction; null when
   *     they are not known here (another member's, until connections are spread over the cluster)
   */
  public record Member(String node, String status, boolean reachable, List<String> roles, Counts connections) {}

  public record Counts(int total, Map<String, Integer> byState, Map<String, Integer> byDirection) {
    public static Counts of(List<ConnectionView> views) {
      Map<String, Integer> byState = new TreeMap<>();
      Map<String, Integer> byDirection = new TreeMap<>();
      for (ConnectionView v : views) {
        byState.merge(v.state().wireName(), 1, Integer::sum);
        byDirection.merge(v.direction().wireName(), 1, Integer::sum);
      }
      return new Counts(views.size(), byState, byDirection);
    }
  }
}
