package dev.tether.connection.internal;

import dev.tether.connection.ConnectionManager;
import dev.tether.connection.NodeSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * INTERNAL API: answers one {@code SummarizeNodes}: finds every member's manager through the
 * receptionist, asks each once, and answers when all have answered or the timeout has passed, naming
 * the members that did not (the aggregator pattern of Pekko's interaction patterns).
 */
final class NodeSummaryAggregator {
  private NodeSummaryAggregator() {}

  /** Every node's manager registers under this key in cluster mode. */
  static final ServiceKey<ConnectionManager.Command> MANAGERS = ServiceKey.create(ConnectionManager.Command.class, "tether-manager");

  private record Found(Set<ActorRef<ConnectionManager.Command>> managers) {}

  private enum Timeout { INSTANCE }

  static Behavior<Object> create(Duration timeout, ActorRef<ConnectionManager.NodeSummaries> replyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ActorRef<Receptionist.Listing> listing = ctx.messageAdapter(Receptionist.Listing.class,
          l -> new Found(l.getServiceInstances(MANAGERS)));
      ctx.getSystem().receptionist().tell(Receptionist.find(MANAGERS, listing));
      timers.startSingleTimer(Timeout.INSTANCE, timeout);
      return Behaviors.receive((c, m) -> {
        if (m instanceof Found found) {
          Set<String> waiting = new TreeSet<>();
          for (ActorRef<ConnectionManager.Command> manager : found.managers()) {
            waiting.add(ClusterNodes.node(manager.path().address(), c.getSystem()));
            manager.tell(new NodeSummaryRequest(c.getSelf().narrow()));
          }
          return collecting(waiting, new ArrayList<>(), replyTo);
        }
        if (m == Timeout.INSTANCE) {
          replyTo.tell(new ConnectionManager.NodeSummaries(List.of(), List.of("(the receptionist did not answer)")));
          return Behaviors.stopped();
        }
        return Behaviors.same();
      });
    }));
  }

  private static Behavior<Object> collecting(Set<String> waiting, List<NodeSummary> got,
      ActorRef<ConnectionManager.NodeSummaries> replyTo) {
    if (waiting.isEmpty()) return done(got, waiting, replyTo);
    return Behaviors.receive((c, m) -> {
      if (m instanceof NodeSummary s) {
        got.add(s);
        waiting.remove(s.node());
        return waiting.isEmpty() ? done(got, waiting, replyTo) : Behaviors.same();
      }
      if (m == Timeout.INSTANCE) return done(got, waiting, replyTo);
      return Behaviors.same();
    });
  }

  private static Behavior<Object> done(List<NodeSummary> got, Set<String> missing,
      ActorRef<ConnectionManager.NodeSummaries> replyTo) {
    got.sort(Comparator.comparing(NodeSummary::node));
    replyTo.tell(new ConnectionManager.NodeSummaries(List.copyOf(got), List.copyOf(missing)));
    return Behaviors.stopped();
  }
}
