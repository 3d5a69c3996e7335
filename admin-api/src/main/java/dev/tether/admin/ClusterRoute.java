package dev.tether.admin;

import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;

import dev.tether.admin.cluster.ClusterState;
import dev.tether.admin.json.ClusterJson;
import dev.tether.admin.json.ErrorCode;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.NodeSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /cluster}: membership from Pekko Cluster, with each member's connection counts asked of
 * its own manager; a member that does not answer within the ask timeout is listed as missing, never
 * left out.
 */
final class ClusterRoute {
  private ClusterRoute() {}

  static Route get(ActorRef<ConnectionManager.Command> manager, ActorSystem<?> system, AdminSettings settings) {
    if (!ClusterState.available(system)) {
      return AdminRoutes.error(ErrorCode.NOT_FOUND,
          "cluster mode is off (tether.cluster.enabled = off): this node is on its own");
    }
    ClusterState state = ClusterState.of(system);
    // The summary must come back before the ask itself times out: give the members a little less.
    Duration membersTimeout = settings.askTimeout().multipliedBy(3).dividedBy(4);
    CompletionStage<ConnectionManager.NodeSummaries> summaries = AskPattern.ask(manager,
        replyTo -> new ConnectionManager.SummarizeNodes(membersTimeout, replyTo), settings.askTimeout(), system.scheduler());
    return onSuccess(summaries, s -> {
      Map<String, NodeSummary> byNode = new HashMap<>();
      s.nodes().forEach(n -> byNode.put(n.node(), n));
      List<String> missing = new ArrayList<>();
      List<ClusterJson.Member> members = state.members().stream().map(m -> {
        NodeSummary counts = byNode.get(m.node());
        if (counts == null) missing.add(m.node());
        return new ClusterJson.Member(m.node(), m.status(), m.reachable(), m.roles(),
            counts == null ? null : ClusterJson.Counts.of(counts));
      }).toList();
      return AdminRoutes.json(StatusCodes.OK, new ClusterJson(state.self(), members, !missing.isEmpty(), List.copyOf(missing)));
    });
  }
}
