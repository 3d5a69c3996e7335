package dev.tether.connection.internal;

import dev.tether.connection.internal.lifecycle.SupervisorReport.Published;
import dev.tether.connection.internal.lifecycle.SupervisorReport.AdmissionRequested;
import dev.tether.connection.internal.lifecycle.SupervisorReport.AdmissionReleased;
import dev.tether.connection.internal.lifecycle.SupervisorReport.JournalOfRemoved;
import dev.tether.connection.internal.cluster.EntityReport.Hosted;
import dev.tether.connection.internal.cluster.EntityReport.WakeAfterHandOff;
import dev.tether.connection.internal.listener.ListenerReport.InboundAccepted;
import dev.tether.connection.internal.listener.ListenerReport.ListenerUpdated;
import dev.tether.connection.internal.cluster.ClusterAsk;
import dev.tether.connection.internal.cluster.ClusterConnections;
import dev.tether.connection.internal.cluster.ConnectionEntity;
import dev.tether.connection.internal.cluster.JournalOnMember;
import dev.tether.connection.internal.cluster.ListLocal;
import dev.tether.connection.internal.cluster.NodeSummaryRequest;
import dev.tether.connection.internal.lifecycle.ConnectionPlan;
import dev.tether.connection.internal.lifecycle.ConnectionSupervisor;
import dev.tether.connection.internal.listener.InboundOrigin;
import dev.tether.connection.internal.listener.Listener;
import com.typesafe.config.ConfigFactory;
import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.Direction;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionManager.Close;
import dev.tether.connection.ConnectionManager.CloseAll;
import dev.tether.connection.ConnectionManager.Get;
import dev.tether.connection.ConnectionManager.ListConnections;
import dev.tether.connection.ConnectionManager.ListListeners;
import dev.tether.connection.ConnectionManager.Open;
import dev.tether.connection.ConnectionManager.OpenRejected;
import dev.tether.connection.ConnectionManager.Reconnect;
import dev.tether.connection.ConnectionManager.Send;
import dev.tether.connection.ConnectionManager.Shutdown;
import dev.tether.connection.ConnectionManager.StartListener;
import dev.tether.connection.ConnectionManager.StopListener;
import dev.tether.connection.ConnectionManager.Subscribe;
import dev.tether.connection.ConnectionManager.Unsubscribe;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ListenerInfo;
import dev.tether.connection.ListenerSpec;
import dev.tether.connection.session.SessionHandlerFactory;
import dev.tether.connection.tls.TlsProfile;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;

/**
 * INTERNAL API: the node-local registry behind {@link ConnectionManager}: which connections are
 * managed here (routing each request to its {@link ConnectionSupervisor} by id), their latest
 * states, the subscribers and their events, and the handshake admission limit. It decides nothing
 * about a connection's lifecycle; that is the supervisor's job.
 *
 * <p>It reads as a dispatcher: each job beyond that is a package-private class it owns and calls
 * from its own thread: {@link ConnectionRouter} (a request about one id, on this node or in the
 * cluster), {@link JournalLookup} (journals, also of removed connections), {@link
 * ConnectionListing} (listings and counts, here or cluster-wide), {@link ClusterConnections} (the
 * sharded side), {@link EventHub} (subscribers), {@link Listeners} and {@link TlsProfileRequests}.
 *
 * <p>Public only so that {@link ConnectionManager#create} can spawn it.
 */
public final class ConnectionRegistry extends AbstractBehavior<ConnectionManager.Command> {

  private record SupervisorStopped(ConnectionId id, ActorRef<ConnectionSupervisor.Command> supervisor)
      implements ConnectionManager.Command {}

  /**
   * Cluster mode's shutdown: close this member's connections, inbound ones as on request, hosted
   * outbound ones as a hand-off (their specs stay; another member starts them once this one left).
   */
  record CloseForShutdown(ActorRef<ConnectionManager.AllClosed> replyTo) implements ConnectionManager.Command {}

  private record SubscriberTerminated(ActorRef<ConnectionEvent> subscriber) implements ConnectionManager.Command {}

  /** The manager's behavior: {@link ConnectionManager#create} returns it. */
  public static Behavior<ConnectionManager.Command> create(ConnectionManagerSettings settings) {
    return Behaviors.setup(ctx -> new ConnectionRegistry(ctx, settings));
  }

  private final ConnectionManagerSettings settings;
  private final Map<ConnectionId, ActorRef<ConnectionSupervisor.Command>> supervisors = new HashMap<>();
  /** Which managed connections were accepted by a listener (the rest are outbound). */
  private final Set<ConnectionId> inbound = new HashSet<>();
  private final EventHub events;
  private final HandshakeAdmission<Long> admission;
  private final Listeners listeners;
  private final TlsProfileRequests tlsProfiles;
  /** Cluster mode's side: sharded outbound connections and their stored specs. */
  private final Optional<ClusterConnections> cluster;
  private final ConnectionRouter router;
  private final JournalLookup journals;
  private final ConnectionListing listing;
  private long spawned;

  private ConnectionRegistry(ActorContext<ConnectionManager.Command> ctx, ConnectionManagerSettings settings) {
    super(ctx);
    this.events = new EventHub(ctx, SubscriberTerminated::new);
    this.settings = settings;
    this.admission = new HandshakeAdmission<>(settings.maxConcurrentHandshakes());
    boolean clusterMode = settings.cluster().enabled();
    // The helpers read the registry's maps through read-only views; only the registry changes them.
    Map<ConnectionId, ActorRef<ConnectionSupervisor.Command>> supervisorsView = Collections.unmodifiableMap(supervisors);
    this.journals = new JournalLookup(ctx, supervisorsView, clusterMode, settings.journalKeepRemoved(),
        settings.cluster().membersTimeout());
    // Cluster mode: other members' managers find this one (for cluster-wide counts).
    this.cluster = clusterMode ? Optional.of(new ClusterConnections(ctx, settings)) : Optional.empty();
    if (clusterMode) {
      ctx.getSystem().receptionist().tell(
          org.apache.pekko.actor.typed.receptionist.Receptionist.register(ClusterAsk.MANAGERS, ctx.getSelf()));
    }
    this.router = new ConnectionRouter(supervisorsView, cluster);
    this.listing = new ConnectionListing(ctx, supervisorsView, events, clusterMode,
        settings.cluster().membersTimeout());
    this.listeners = new Listeners(ctx, settings);
    this.tlsProfiles = new TlsProfileRequests(ctx, settings);
    listeners.startConfigured(); // with the manager
  }

  @Override
  public Receive<ConnectionManager.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Open.class, this::onOpen)
        .onMessage(Send.class, m -> done(() -> router.send(m)))
        .onMessage(Close.class, m -> done(() -> router.close(m)))
        .onMessage(Reconnect.class, m -> done(() -> router.reconnect(m)))
        .onMessage(Get.class, m -> done(() -> router.get(m)))
        .onMessage(ConnectionManager.GetJournal.class, m -> done(() -> journals.get(m)))
        .onMessage(JournalOnMember.class, m -> done(() -> journals.onMember(m)))
        .onMessage(JournalOfRemoved.class, m -> done(() -> journals.removed(m.journal())))
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
        .onMessage(ClusterConnections.InboundView.class, m -> done(() -> router.inboundView(m)))
        .onMessage(ListConnections.class, m -> done(() -> listing.list(m)))
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
        .onMessage(ConnectionManager.ListTlsProfiles.class, m -> done(() -> tlsProfiles.list(m)))
        .onMessage(ConnectionManager.ReloadTlsProfile.class, m -> done(() -> tlsProfiles.reload(m)))
        .onMessage(ConnectionManager.SummarizeNodes.class, m -> done(() -> listing.summarize(m)))
        .onMessage(ListLocal.class, m -> done(() -> listing.listLocal(m)))
        .onMessage(NodeSummaryRequest.class, m -> done(() -> listing.summaryRequested(m)))
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
    Optional<OpenRejected> rejected = OpenCheck.rejection(m.spec(), supervisors.containsKey(id), settings.tlsProfiles(),
        settings.handlers());
    if (rejected.isPresent()) {
      m.replyTo().tell(rejected.get());
      return this;
    }
    if (cluster.isPresent()) { // stored first, then started wherever sharding places it
      cluster.get().open(m);
      return this;
    }
    TlsProfile profile = settings.tlsProfiles().get(m.spec().tlsProfile());
    Optional<SessionHandlerFactory> handler = m.spec().handler().map(settings.handlers()::get);
    ConnectionPlan plan = new ConnectionPlan(m.spec(), m.spec().settings().orElse(settings.defaults()), profile,
        settings.streamDispatcher(), Optional.empty(), handler, ConfigFactory.empty(), settings.tlsStage());
    // The first incarnation's permit is decided here, saving the supervisor a round trip.
    boolean admitted = admission.request(id, 1L);
    register(id, ConnectionSupervisor.create(plan, settings, getContext().getSelf(), m.replyTo(), admitted, m.requestedBy()));
    return this;
  }

  /** Spawns and routes to a supervisor. A fresh name each time: a removed connection's supervisor may still be stopping when its id is reused. */
  private void register(ConnectionId id, Behavior<ConnectionSupervisor.Command> behavior) {
    ActorRef<ConnectionSupervisor.Command> supervisor = getContext().spawn(behavior, "connection-" + id + "-" + (++spawned));
    getContext().watchWith(supervisor, new SupervisorStopped(id, supervisor));
    supervisors.put(id, supervisor);
    journals.reopened(id);
  }

  private Behavior<ConnectionManager.Command> onSpecChecked(ClusterConnections.SpecChecked m) {
    return done(() -> cluster.get().checked(m, supervisors.containsKey(m.open().spec().id())));
  }

  private Behavior<ConnectionManager.Command> onHosted(Hosted m) {
    supervisors.put(m.id(), m.entity());
    journals.reopened(m.id());
    getContext().watchWith(m.entity(), new SupervisorStopped(m.id(), m.entity()));
    return this;
  }

  private Behavior<ConnectionManager.Command> onCloseAll(CloseAll m) {
    return closeEvery((id, replyTo) -> new ConnectionSupervisor.Request(new Close(id, Optional.empty(), replyTo)), m.replyTo());
  }

  private Behavior<ConnectionManager.Command> onCloseForShutdown(CloseForShutdown m) {
    return closeEvery((id, replyTo) -> inbound.contains(id)
        ? new ConnectionSupervisor.Request(new Close(id, Optional.empty(), replyTo))
        : new ConnectionSupervisor.CloseForShutdown(replyTo), m.replyTo());
  }

  /** Sends every supervisor here its close {@code request}, {@code max-concurrent-closes} at a time; answers with those that closed. */
  private Behavior<ConnectionManager.Command> closeEvery(
      BiFunction<ConnectionId, ActorRef<ConnectionManager.CloseResult>, ConnectionSupervisor.Command> request,
      ActorRef<ConnectionManager.AllClosed> replyTo) {
    getContext().spawnAnonymous(SupervisorFanOut.create(Map.copyOf(supervisors), ConnectionManager.CloseResult.class,
        request,
        result -> Optional.of(result.id()),
        results -> replyTo.tell(new ConnectionManager.AllClosed(results.stream()
            .filter(ConnectionManager.Closed.class::isInstance).map(ConnectionManager.Closed.class::cast).toList())),
        settings.maxConcurrentCloses()));
    return this;
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
      ActorRef<ConnectionSupervisor.Command> supervisor = supervisors.get(g.id());
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
      Direction direction = inbound.contains(m.id()) ? Direction.INBOUND : Direction.OUTBOUND;
      onPublished(new Published(new ConnectionEvent.Removed(m.id(), Instant.now(), direction)));
    }
    return this;
  }
}
