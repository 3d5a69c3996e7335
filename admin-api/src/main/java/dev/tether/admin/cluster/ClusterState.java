package dev.tether.admin.cluster;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A snapshot of the membership as this node sees it, in the admin API's terms: nodes as {@code
 * host:port}, statuses in lower case, reachability from this node's failure detector.
 */
public record ClusterState(String self, List<Node> members) {

  public record Node(String node, String status, boolean reachable, List<String> roles) {}

  /** Whether the actor system runs Pekko's cluster provider (however it was configured). */
  public static boolean available(ActorSystem<?> system) {
    return ((org.apache.pekko.actor.ExtendedActorSystem) system.classicSystem()).provider()
        instanceof org.apache.pekko.cluster.ClusterActorRefProvider;
  }

  /** Only for an actor system with the cluster provider ({@link #available}). */
  public static ClusterState of(ActorSystem<?> system) {
    Cluster cluster = Cluster.get(system);
    ClusterEvent.CurrentClusterState state = cluster.state();
    Set<org.apache.pekko.cluster.Member> unreachable = state.getUnreachable();
    List<Node> members = StreamSupport.stream(state.getMembers().spliterator(), false)
        .map(m -> new Node(node(m.address()), m.status().toString().toLowerCase(Locale.ROOT), !unreachable.contains(m),
            m.getRoles().stream().sorted().toList()))
        .sorted(Comparator.comparing(Node::node))
        .toList();
    return new ClusterState(node(cluster.selfMember().address()), members);
  }

  /** {@code host:port} of a member's remoting address. */
  public static String node(Address address) {
    return address.getHost().orElse("?") + ":" + address.getPort().map(String::valueOf).orElse("?");
  }
}
