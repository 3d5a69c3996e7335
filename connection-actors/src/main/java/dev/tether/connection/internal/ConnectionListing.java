package dev.tether.connection.internal;

import dev.tether.connection.internal.cluster.ClusterAsk;
import dev.tether.connection.internal.lifecycle.ClusterNodes;
import dev.tether.connection.internal.cluster.ListLocal;
import dev.tether.connection.internal.cluster.NodeSummaryRequest;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.internal.lifecycle.ConnectionSupervisor;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.NodeSummary;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * INTERNAL API: the registry's listings, one job: what runs here and, in cluster mode, on every
 * member: the connections' views ({@code ListConnections}, a member's {@link ListLocal}) and the
 * counts by state and direction ({@code SummarizeNodes}, a member's {@link NodeSummaryRequest}).
 * The views come from the supervisors ({@link SupervisorFanOut}), the members' answers through
 * {@link ClusterAsk}. Not an actor: the registry owns it and calls it from its own thread.
 */
final class ConnectionListing {

  @SuppressWarnings("unchecked")
  private static final Class<Optional<ConnectionView>> VIEW_REPLY = (Class<Optional<ConnectionView>>) (Class<?>) Optional.class;

  private final ActorContext<ConnectionManager.Command> ctx;
  /** The registry's supervisors by id (a read-only view: the registry alone changes it). */
  private final Map<ConnectionId, ActorRef<ConnectionSupervisor.Command>> supervisors;
  private final EventHub events;
  private final boolean clusterMode;

  /** {@code tether.cluster.members-timeout}. */
  private final Duration membersTimeout;

  ConnectionListing(ActorContext<ConnectionManager.Command> ctx,
      Map<ConnectionId, ActorRef<ConnectionSupervisor.Command>> supervisors, EventHub events,
      boolean clusterMode, Duration membersTimeout) {
    this.membersTimeout = membersTimeout;
    this.ctx = ctx;
    this.supervisors = supervisors;
    this.events = events;
    this.clusterMode = clusterMode;
  }

  void list(ConnectionManager.ListConnections m) {
    if (clusterMode) { // every member's, each asked of its own manager
      ctx.spawnAnonymous(ClusterAsk.create(membersTimeout, ListLocal.LocalList.class, ListLocal::new,
          ListLocal.LocalList::node, ListLocal.LocalList::last,
          (lists, missing) -> m.replyTo().tell(new ConnectionManager.ConnectionList(lists.stream()
              .flatMap(l -> l.connections().stream()).sorted(Comparator.comparing(ConnectionView::id)).toList(), missing))));
    } else {
      listHere(views -> m.replyTo().tell(new ConnectionManager.ConnectionList(views)));
    }
  }

  /** A member's part of a cluster-wide listing (or a rolling reconnect's), in pages. */
  void listLocal(ListLocal m) {
    String node = ClusterNodes.node(ctx.getSelf().path().address(), ctx.getSystem());
    listHere(views -> ListLocal.pages(node, views).forEach(m.replyTo()::tell));
  }

  /** The connections this node runs, ordered by id. */
  private void listHere(Consumer<List<ConnectionView>> answer) {
    ctx.spawnAnonymous(SupervisorFanOut.create(Map.copyOf(supervisors), VIEW_REPLY,
        (id, replyTo) -> new ConnectionSupervisor.Request(new ConnectionManager.Get(id, replyTo)),
        view -> view.map(ConnectionView::id),
        views -> answer.accept(views.stream().flatMap(Optional::stream).sorted(Comparator.comparing(ConnectionView::id)).toList())));
  }

  void summarize(ConnectionManager.SummarizeNodes m) {
    if (clusterMode) {
      ctx.spawnAnonymous(ClusterAsk.create(m.timeout(), NodeSummary.class,
          NodeSummaryRequest::new, NodeSummary::node,
          (nodes, missing) -> m.replyTo().tell(new ConnectionManager.NodeSummaries(nodes.stream()
              .sorted(Comparator.comparing(NodeSummary::node)).toList(), missing))));
    } else {
      m.replyTo().tell(new ConnectionManager.NodeSummaries(List.of(summary()), List.of()));
    }
  }

  /** Another member's {@link #summarize}: this node's counts. */
  void summaryRequested(NodeSummaryRequest m) {
    m.replyTo().tell(summary());
  }

  /** This node's connections, counted from the latest state of each. */
  private NodeSummary summary() {
    return NodeSummaryRequest.summarize(ClusterNodes.node(ctx.getSelf().path().address(), ctx.getSystem()),
        events.latest());
  }
}
