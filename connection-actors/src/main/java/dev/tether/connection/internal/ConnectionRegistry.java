package dev.tether.connection.internal;

import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionManager.Close;
import dev.tether.connection.ConnectionManager.CloseAll;
import dev.tether.connection.ConnectionManager.Get;
import dev.tether.connection.ConnectionManager.ListConnections;
import dev.tether.connection.ConnectionManager.Open;
import dev.tether.connection.ConnectionManager.OpenRejected;
import dev.tether.connection.ConnectionManager.OpenRejection;
import dev.tether.connection.ConnectionManager.Reconnect;
import dev.tether.connection.ConnectionManager.Send;
import dev.tether.connection.ConnectionManager.Subscribe;
import dev.tether.connection.ConnectionManager.Unsubscribe;
import dev.tether.connection.ConnectionManagerSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.ConnectionManager.ListListeners;
import dev.tether.connection.ConnectionManager.Shutdown;
import dev.tether.connection.ConnectionManager.StartListener;
import dev.tether.connection.ConnectionManager.StopListener;
import dev.tether.connection.ListenerInfo;
import dev.tether.connection.ListenerSpec;
import dev.tether.connection.SessionHandlerFactory;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import dev.tether.connection.SendResult;
import dev.tether.connection.TlsProfile;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * INTERNAL API: the node-local registry behind {@link ConnectionManager}: which connections are
 * managed here (routing each request to its {@link ConnectionSupervisor} by id), their latest
 * states, the subscribers and their events, and the handshake admission limit. It decides nothing
 * about a connection's lifecycle; that is the supervisor's job.
 *
 * <p>Public only so that {@link ConnectionManager#create} can spawn it.
 */
public final class ConnectionRegistry extends AbstractBehavior<ConnectionManager.Command> {

  /** A supervisor's event, to be published to every subscriber. */
  record Published(ConnectionEvent event) implements ConnectionManager.Command {}

  /** A supervisor wants a handshake permit for an incarnation; answered with {@link ConnectionSupervisor.Admitted}. */
  record AdmissionRequested(ConnectionId id, long incarnation, ActorRef<ConnectionManager.Command> supervisor)
      implements ConnectionManager.Command {}

  /** A supervisor's incarnation left connecting/handshaking (or it stopped waiting for a permit). */
  record AdmissionReleased(ConnectionId id) implements ConnectionManager.Command {}

  private record SupervisorStopped(ConnectionId id, ActorRef<ConnectionManager.Command> supervisor)
      implements ConnectionManager.Command {}

  /** Cluster mode: a sharded entity runs this connection on this node. */
  record Hosted(ConnectionId id, ActorRef<ConnectionManager.Command> entity) implements ConnectionManager.Command {}

  /** Cluster mode: an entity was handed off (its shard moves); wake it at its new home. */
  record WakeAfterHandOff(ConnectionId id) implements ConnectionManager.Command {}

  /**
   * Cluster mode's shutdown: close this member's connections, inbound ones as on request, hosted
   * outbound ones as a hand-off (their specs stay; another member starts them once this one left).
   */
  record CloseForShutdown(ActorRef<ConnectionManager.AllClosed> replyTo) implements ConnectionManager.Command {}

  /** A listener accepted a TCP connection: manage it as {@code id}. */
  record InboundAccepted(ListenerSpec spec, ConnectionId id, Tcp.IncomingConnection connection,
      ActorRef<Listener.Command> listener) implements ConnectionManager.Command {}

  /** A listener's counters or binding changed. */
  record ListenerUpdated(ListenerInfo info) implements ConnectionManager.Command {}


  private record SubscriberTerminated(ActorRef<ConnectionEvent> subscriber) implements ConnectionManager.Command {}

  /** A supervisor is about to be removed (closed on request): keep its journal for a while. */
  record JournalOfRemoved(dev.tether.connection.ConnectionJournal journal) implements ConnectionManager.Command {}

  /** How long a cluster-wide listing waits for the members; one that has not answered by then is named missing. */
  private static final java.time.Duration LIST_TIMEOUT = java.time.Duration.ofSeconds(3);

  @SuppressWarnings("unchecked")
  private static final Class<Optional<ConnectionView>> VIEW_REPLY = (Class<Optional<ConnectionView>>) (Class<?>) Optional.class;

  /** The manager's behavior: {@link ConnectionManager#create} returns it. */
  public static Behavior<ConnectionManager.Command> create(ConnectionManagerSettings settings) {
    return Behaviors.setup(ctx -> new ConnectionRegistry(ctx, settings));
  }

  private final ConnectionManagerSettings settings;
  private final Map<ConnectionId, ActorRef<ConnectionManager.Command>> supervisors = new HashMap<>();
  private final EventHub events;
  private final HandshakeAdmission<Long> admission;
  private final Listeners listeners;
  /** Reloads the TLS profiles (requests and watched files), off this actor: a reload reads files. */
  private final ActorRef<TlsProfileKeeper.Command> tlsProfiles;
  /** Which managed connections were accepted by a listener (the rest are outbound). */
  private final Set<ConnectionId> inbound = new HashSet<>();
  /** Cluster mode's side: sharded outbound connections and their stored specs. */
  private final Optional<ClusterConnections> cluster;
  private final RemovedJournals removedJournals;
  private long spawned;

  private ConnectionRegistry(ActorContext<ConnectionManager.Command> ctx, ConnectionManagerSettings settings) {
    super(ctx);
    this.events = new EventHub(ctx, SubscriberTerminated::new);
    this.settings = settings;
    this.admission = new HandshakeAdmission<>(settings.maxConcurrentHandshakes());
    this.removedJournals = new RemovedJournals(settings.journalKeepRemoved());
    // Cluster mode: other members' managers find this one (for cluster-wide counts).
    this.cluster = settings.cluster().enabled() ? Optional.of(new ClusterConnections(ctx, settings)) : Optional.empty();
    if (settings.cluster().enabled()) {
      ctx.getSystem().receptionist().tell(
          org.apache.pekko.actor.typed.receptionist.Receptionist.register(ClusterAsk.MANAGERS, ctx.getSelf()));
    }
    this.listeners = new Listeners(ctx, settings);
    this.tlsProfiles = ctx.spawn(TlsProfileKeeper.create(settings.tlsProfiles(), ctx.getSelf(),
        settings.maxConcurrentHandshakes(), settings.cluster().enabled()
            ? Optional.of(ClusterNodes.node(ctx.getSystem().address(), ctx.getSystem())) : Optional.empty()),
        "tls-profiles", org.apache.pekko.actor.typed.DispatcherSelector.blocking());
    listeners.startConfigured(); // with the manager
  }

  @Override
  public Receive<ConnectionManager.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Open.class, this::onOpen)
        .onMessage(Send.class, m -> route(m.id(), m, () -> m.replyTo().tell(new SendResult.Rejected(m.id(),
            SendResult.Reason.UNKNOWN_CONNECTION, "no connection with id '" + m.id() + "'"))))
        .onMessage(Close.class, m -> route(m.id(), m, () -> m.replyTo().tell(new ConnectionManager.UnknownConnection(m.id()))))
        .onMessage(Reconnect.class, m -> route(m.id(), m, () -> m.replyTo().tell(Optional.empty())))
        .onMessage(Get.class, m -> route(m.id(), m, () -> m.replyTo().tell(Optional.empty())))
        .onMessage(ConnectionManager.GetJournal.class, this::onGetJournal)
        .onMessage(JournalOnMember.class, this::onJournalOnMember)
        .onMessage(JournalOfRemoved.class, m -> done(() -> removedJournals.removed(m.journal())))
        .onMessage(Hosted.class, this::onHosted)
        .onMessage(CloseForShutdown.class, this::onCloseForShutdown)
        .onMessage(ClusterConnections.SpecChecked.class, this::onSpecChecked)
        .onMessage(ClusterConnections.SpecStored.class, m -> done(() -> cluster.get().stored(m)))
        .onMessage(ClusterConnections.StoredIds.class, m -> done(() -> cluster.get().wake(m.ids())))
        .onMessage(WakeAfterHandOff.class, m -> done(() -> cluster.ifPresent(c -> c.wake(Set.of(m.id().value())))))
        .onMessage(ClusterConnections.WakeAll.class, m -> done(() -> cluster.get().readIds()))
        .onMessage(ClusterConnections.MembershipChanged.class, m -> done(() -> cluster.get().membershipChanged()))
        .onMessage(ClusterConnections.PeriodicWake.class, m -> done(() -> cluster.get().periodicWake()))
        .onMessage(ClusterConnections.ManagersChanged.class, m -> done(() -> cluster.get().managersChanged(m)))
        .onMessage(ClusterConnections.InboundView.class, this::onInboundView)
        .onMessage(ListConnections.class, this::onList)
        .onMessage(CloseAll.class, this::onCloseAll)
        .onMessage(Subscribe.class, m -> done(() -> events.subscribe(m.subscriber())))
        .onMessage(Unsubscribe.class, m -> done(() -> events.unsubscribe(m.subscriber())))
        .onMessage(SubscriberTerminated.class, m -> done(() -> events.unsubscribe(m.subscriber())))
        .onMessage(Published.class, this::onPublished)
        .onMessage(AdmissionRequested.class, this::onAdmissionRequested)
        .onMessage(AdmissionReleased.class, m -> release(m.id()))
        .onMessage(SupervisorStopped.class, this::onSupervisorStopped)
        .onMessage(Shutdown.class, this::onShutdown)
        .onMessage(StartListener.class, m -> done(() -> listeners.start(m)))
        .onMessage(StopListener.class, m -> done(() -> listeners.stop(m)))
        .onMessage(ListListeners.class, m -> done(() -> listeners.list(m)))
        .onMessage(InboundAccepted.class, this::onInboundAccepted)
        .onMessage(ListenerUpdated.class, m -> done(() -> listeners.updated(m.info())))
        .onMessage(Listeners.Terminated.class, m -> done(() -> listeners.terminated(m)))
        .onMessage(ConnectionManager.ListTlsProfiles.class, m -> done(() -> tlsProfiles.tell(new TlsProfileKeeper.Request(m))))
        .onMessage(ConnectionManager.ReloadTlsProfile.class, m -> done(() -> tlsProfiles.tell(new TlsProfileKeeper.Request(m))))
        .onMessage(ConnectionManager.SummarizeNodes.class, this::onSummarizeNodes)
        .onMessage(ListLocal.class, m -> {
          String node = ClusterNodes.node(getContext().getSelf().path().address(), getContext().getSystem());
          listHere(views -> ListLocal.pages(node, views).forEach(m.replyTo()::tell));
          return this;
        })
        .onMessage(NodeSummaryRequest.class, m -> done(() -> m.replyTo().tell(summary())))
        .build();
  }

  /** Runs a handler that answers nothing more than its side effect; keeps the receive list one line per message. */
  private Behavior<ConnectionManager.Command> done(Runnable action) {
    action.run();
    return this;
  }

  // ---------------------------------------------------------------- requests

  private Behavior<ConnectionManager.Command> onOpen(Open m) {
    ConnectionId id = m.spec().id();
    if (id.node().isPresent()) {
      m.replyTo().tell(new OpenRejected(OpenRejection.RESERVED_ID, ConnectionId.problem(id.value()).orElseThrow()));
      return this;
    }
    if (supervisors.containsKey(id)) {
      m.replyTo().tell(new OpenRejected(OpenRejection.ALREADY_EXISTS, "a connection with id '" + id + "' already exists"));
      return this;
    }
    TlsProfile profile = settings.tlsProfiles().get(m.spec().tlsProfile());
    if (profile == null) {
      m.replyTo().tell(new OpenRejected(OpenRejection.UNKNOWN_TLS_PROFILE, "unknown TLS profile '" + m.spec().tlsProfile()
          + "'; configured profiles: " + profileNames()));
      return this;
    }
    Optional<SessionHandlerFactory> handler = m.spec().handler().map(settings.handlers()::get);
    if (m.spec().handler().isPresent() && handler.isEmpty()) {
      m.replyTo().tell(new OpenRejected(OpenRejection.UNKNOWN_HANDLER, "unknown session handler '"
          + m.spec().handler().get() + "'; registered handlers: " + handlerNames()));
      return this;
    }
    if (cluster.isPresent()) { // stored first, then started wherever sharding places it
      cluster.get().open(m);
      return this;
    }
    ConnectionPlan plan = new ConnectionPlan(m.spec(), m.spec().settings().orElse(settings.defaults()), profile,
        settings.streamDispatcher(), Optional.empty(), handler, ConfigFactory.empty(), settings.tlsStage());
    // The first incarnation's permit is decided here, saving the supervisor a round trip.
    boolean admitted = admission.request(id, 1L);
    register(id, ConnectionSupervisor.create(plan, settings, getContext().getSelf(), m.replyTo(), admitted, m.requestedBy()));
    return this;
  }

  /** Spawns and routes to a supervisor. A fresh name each time: a removed connection's supervisor may still be stopping when its id is reused. */
  private void register(ConnectionId id, Behavior<ConnectionManager.Command> behavior) {
    ActorRef<ConnectionManager.Command> supervisor = getContext().spawn(behavior, "connection-" + id + "-" + (++spawned));
    getContext().watchWith(supervisor, new SupervisorStopped(id, supervisor));
    supervisors.put(id, supervisor);
    removedJournals.reopened(id);
  }

  private String profileNames() {
    return settings.tlsProfiles().keySet().stream().sorted().collect(Collectors.joining(", "));
  }

  private String handlerNames() {
    return settings.handlers().keySet().stream().sorted().collect(Collectors.joining(", "));
  }

  private Behavior<ConnectionManager.Command> route(ConnectionId id, ConnectionManager.Command m, Runnable unknown) {
    ActorRef<ConnectionManager.Command> supervisor = supervisors.get(id);
    if (supervisor != null) {
      supervisor.tell(m); // on this node: inbound, or an entity hosted here
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
    return this;
  }

  /**
   * A journal: its supervisor answers if it runs here; else a journal kept after its removal here;
   * in cluster mode every member is asked (the one that runs it, or removed it, answers).
   */
  private Behavior<ConnectionManager.Command> onGetJournal(ConnectionManager.GetJournal m) {
    ActorRef<ConnectionManager.Command> supervisor = supervisors.get(m.id());
    Optional<dev.tether.connection.ConnectionJournal> kept = removedJournals.get(m.id());
    if (supervisor != null) {
      supervisor.tell(m);
    } else if (cluster.isEmpty() || kept.isPresent()) {
      m.replyTo().tell(kept);
    } else {
      getContext().spawnAnonymous(ClusterAsk.create(LIST_TIMEOUT, JournalOnMember.MemberJournal.class,
          replyTo -> new JournalOnMember(m.id(), replyTo), JournalOnMember.MemberJournal::node,
          (answers, missing) -> m.replyTo().tell(answers.stream()
              .filter(a -> a.journal().isPresent())
              .sorted(Comparator.comparing((JournalOnMember.MemberJournal a) -> !a.live())) // a live one first
              .findFirst().flatMap(JournalOnMember.MemberJournal::journal))));
    }
    return this;
  }

  /** Cluster mode: another member looks for a journal. */
  private Behavior<ConnectionManager.Command> onJournalOnMember(JournalOnMember m) {
    String node = ClusterNodes.node(getContext().getSelf().path().address(), getContext().getSystem());
    ActorRef<ConnectionManager.Command> supervisor = supervisors.get(m.id());
    if (supervisor == null) {
      m.replyTo().tell(new JournalOnMember.MemberJournal(node, removedJournals.get(m.id()), false));
      return this;
    }
    // The supervisor's bare Optional cannot cross nodes: a one-off local ref wraps it.
    ActorRef<Optional<dev.tether.connection.ConnectionJournal>> back = getContext().spawnAnonymous(
        Behaviors.<Optional<dev.tether.connection.ConnectionJournal>>receiveMessage(journal -> {
          m.replyTo().tell(new JournalOnMember.MemberJournal(node, journal, true));
          return Behaviors.stopped();
        }));
    supervisor.tell(new ConnectionManager.GetJournal(m.id(), back));
    return this;
  }

  /** Another member asks about a connection accepted here. */
  private Behavior<ConnectionManager.Command> onInboundView(ClusterConnections.InboundView m) {
    ActorRef<ConnectionManager.Command> supervisor = supervisors.get(m.id());
    if (supervisor == null) {
      m.replyTo().tell(new ConnectionEntity.ViewAnswer(Optional.empty()));
    } else {
      supervisor.tell(cluster.get().localRequest(m));
    }
    return this;
  }

  private Behavior<ConnectionManager.Command> onSpecChecked(ClusterConnections.SpecChecked m) {
    return done(() -> cluster.get().checked(m, supervisors.containsKey(m.open().spec().id())));
  }

  private Behavior<ConnectionManager.Command> onHosted(Hosted m) {
    supervisors.put(m.id(), m.entity());
    removedJournals.reopened(m.id());
    getContext().watchWith(m.entity(), new SupervisorStopped(m.id(), m.entity()));
    return this;
  }

  private Behavior<ConnectionManager.Command> onCloseForShutdown(CloseForShutdown m) {
    getContext().spawnAnonymous(SupervisorFanOut.create(Map.copyOf(supervisors), ConnectionManager.CloseResult.class,
        (id, replyTo) -> inbound.contains(id) ? new Close(id, Optional.empty(), replyTo)
            : new ConnectionEntity.StopForShutdown(replyTo),
        result -> Optional.of(result.id()),
        results -> m.replyTo().tell(new ConnectionManager.AllClosed(results.stream()
            .filter(ConnectionManager.Closed.class::isInstance).map(ConnectionManager.Closed.class::cast).toList()))));
    return this;
  }

  private Behavior<ConnectionManager.Command> onList(ListConnections m) {
    if (cluster.isPresent()) { // every member's, each asked of its own manager
      getContext().spawnAnonymous(ClusterAsk.create(LIST_TIMEOUT, ListLocal.LocalList.class, ListLocal::new,
          ListLocal.LocalList::node, ListLocal.LocalList::last,
          (lists, missing) -> m.replyTo().tell(new ConnectionManager.ConnectionList(lists.stream()
              .flatMap(l -> l.connections().stream()).sorted(Comparator.comparing(ConnectionView::id)).toList(), missing))));
    } else {
      listHere(views -> m.replyTo().tell(new ConnectionManager.ConnectionList(views)));
    }
    return this;
  }

  /** The connections this node runs, ordered by id. */
  private void listHere(java.util.function.Consumer<List<ConnectionView>> answer) {
    getContext().spawnAnonymous(SupervisorFanOut.create(Map.copyOf(supervisors), VIEW_REPLY,
        ConnectionManager.Get::new,
        view -> view.map(ConnectionView::id),
        views -> answer.accept(views.stream().flatMap(Optional::stream).sorted(Comparator.comparing(ConnectionView::id)).toList())));
  }

  private Behavior<ConnectionManager.Command> onCloseAll(CloseAll m) {
    getContext().spawnAnonymous(SupervisorFanOut.create(Map.copyOf(supervisors), ConnectionManager.CloseResult.class,
        (id, replyTo) -> new Close(id, Optional.empty(), replyTo),
        result -> Optional.of(result.id()),
        results -> m.replyTo().tell(new ConnectionManager.AllClosed(results.stream()
            .filter(ConnectionManager.Closed.class::isInstance).map(ConnectionManager.Closed.class::cast).toList()))));
    return this;
  }

  private Behavior<ConnectionManager.Command> onSummarizeNodes(ConnectionManager.SummarizeNodes m) {
    if (settings.cluster().enabled()) {
      getContext().spawnAnonymous(ClusterAsk.create(m.timeout(), dev.tether.connection.NodeSummary.class,
          NodeSummaryRequest::new, dev.tether.connection.NodeSummary::node,
          (nodes, missing) -> m.replyTo().tell(new ConnectionManager.NodeSummaries(nodes.stream()
              .sorted(Comparator.comparing(dev.tether.connection.NodeSummary::node)).toList(), missing))));
    } else {
      m.replyTo().tell(new ConnectionManager.NodeSummaries(List.of(summary()), List.of()));
    }
    return this;
  }

  /** This node's connections, counted from the latest state of each. */
  private dev.tether.connection.NodeSummary summary() {
    return NodeSummaryRequest.summarize(ClusterNodes.node(getContext().getSelf().path().address(), getContext().getSystem()),
        events.latest(), inbound);
  }

  private Behavior<ConnectionManager.Command> onShutdown(Shutdown m) {
    // In cluster mode a shutdown is not a close request: outbound connections are handed off by
    // sharding (closed here, opened on another node); only this node's inbound ones are closed.
    getContext().spawnAnonymous(ShutdownSequence.create(listeners.all(), getContext().getSelf(),
        m.replyTo(), cluster.isPresent()));
    return this;
  }

  // ---------------------------------------------------------------- accepted by a listener

  private Behavior<ConnectionManager.Command> onInboundAccepted(InboundAccepted m) {
    ListenerSpec spec = m.spec();
    java.net.InetSocketAddress remote = m.connection().remoteAddress();
    if (supervisors.containsKey(m.id())) { // an outbound connection was opened with this id
      getContext().getLog().error("listener {}: id {} is taken by another connection; refusing {}", spec.name(), m.id(),
          remote);
      m.connection().flow().runWith(Source.empty(), Sink.cancelled(), Materializer.matFromSystem(getContext().getSystem()));
      m.listener().tell(new Listener.ConnectionEnded(m.id(), null));
      return this;
    }
    ConnectionSpec connectionSpec = new ConnectionSpec(m.id(), remote.getAddress().getHostAddress(), remote.getPort(),
        spec.tlsProfile(), Optional.empty(), Optional.of(spec.settings()), Optional.of(spec.handler()));
    ConnectionPlan plan = new ConnectionPlan(connectionSpec, spec.settings(), settings.tlsProfiles().get(spec.tlsProfile()),
        settings.streamDispatcher(),
        Optional.of(new InboundOrigin(spec.name(), m.connection(), spec.clientAuth(), spec.lingerTimeout(), m.listener())),
        Optional.ofNullable(settings.handlers().get(spec.handler())), spec.options(), settings.tlsStage());
    register(m.id(), ConnectionSupervisor.createInbound(plan, settings, getContext().getSelf()));
    inbound.add(m.id());
    return this;
  }

  // ---------------------------------------------------------------- from supervisors

  private Behavior<ConnectionManager.Command> onPublished(Published m) {
    if (m.event() instanceof ConnectionEvent.Removed r) {
      supervisors.remove(r.connectionId());
      inbound.remove(r.connectionId());
    }
    events.publish(m.event());
    return this;
  }

  private Behavior<ConnectionManager.Command> onAdmissionRequested(AdmissionRequested m) {
    if (admission.request(m.id(), m.incarnation())) {
      m.supervisor().tell(new ConnectionSupervisor.Admitted(m.incarnation()));
    }
    return this;
  }

  private Behavior<ConnectionManager.Command> release(ConnectionId id) {
    for (HandshakeAdmission.Grant<Long> g : admission.release(id)) {
      ActorRef<ConnectionManager.Command> supervisor = supervisors.get(g.id());
      if (supervisor != null) {
        supervisor.tell(new ConnectionSupervisor.Admitted(g.grantTo()));
      } else {
        release(g.id()); // removed while waiting: pass the permit on
      }
    }
    return this;
  }

  /**
   * A supervisor stops right after publishing {@code Removed}, which already dropped its route. One
   * still routed here failed (a bug): forget it, give back any permit it held, and tell subscribers.
   */
  private Behavior<ConnectionManager.Command> onSupervisorStopped(SupervisorStopped m) {
    if (supervisors.remove(m.id(), m.supervisor())) {
      getContext().getLog().error("the supervisor of connection {} stopped unexpectedly; it is no longer managed", m.id());
      release(m.id());
      onPublished(new Published(new ConnectionEvent.Removed(m.id(), Instant.now())));
    }
    return this;
  }
}
