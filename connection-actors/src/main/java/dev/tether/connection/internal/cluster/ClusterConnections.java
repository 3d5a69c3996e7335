package dev.tether.connection.internal.cluster;

import dev.tether.connection.internal.lifecycle.ClusterNodes;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionView;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * INTERNAL API: the registry's cluster-mode side, one job: outbound connections as sharded {@link
 * ConnectionEntity}s whose specs live in the {@link SpecStore}. It stores a new spec before the
 * entity starts, routes by id to wherever the entity lives, and wakes every stored connection when
 * this node is up and whenever a member has left, so that the connections of a lost node start
 * again on the survivors (the coordinator places them; the store says what they are).
 */
public final class ClusterConnections {

  /** Replies and events the registry receives for this side. */
  public record SpecChecked(ConnectionManager.Open open, boolean exists) implements ConnectionManager.Command {}

  public record SpecStored(ConnectionManager.Open open, boolean ok) implements ConnectionManager.Command {}

  public record StoredIds(java.util.Set<String> ids) implements ConnectionManager.Command {}

  public enum WakeAll implements ConnectionManager.Command { INSTANCE }

  /** This member is up, or a member has left: wake now and twice more soon (see {@link #membershipChanged}). */
  public enum MembershipChanged implements ConnectionManager.Command { INSTANCE }

  /** The members' managers, as the receptionist lists them. */
  public record ManagersChanged(java.util.Set<ActorRef<ConnectionManager.Command>> managers) implements ConnectionManager.Command {}

  /** A view (or a reconnect) of an accepted connection, asked of the manager of the member that holds it. */
  public record InboundView(ConnectionId id, boolean reconnect, Optional<String> requestedBy,
      ActorRef<ConnectionEntity.ViewAnswer> replyTo) implements ConnectionManager.Command, ClusterMessage {}

  /** The safety net: wake every {@code tether.cluster.wake-interval}. */
  public enum PeriodicWake implements ConnectionManager.Command { INSTANCE }

  /**
   * After a member was removed, this member's shard region may still route some shards to the lost
   * member's region for a moment (until it has seen that region terminate): a wake-up sent then is
   * lost. These retries catch up without waiting for the periodic wake.
   */
  private static final java.util.List<Duration> WAKE_RETRIES = java.util.List.of(Duration.ofSeconds(3), Duration.ofSeconds(10));

  private static final Duration ASK = Duration.ofSeconds(5);

  private final ActorContext<ConnectionManager.Command> ctx;
  /** For callbacks of asks, which run outside the actor (where the context must not be touched). */
  private final org.slf4j.Logger log;
  private final ConnectionManagerSettings settings;
  private final ClusterSharding sharding;
  private final StoreAsk<ConnectionManager.Command> store;
  private final SelfUniqueAddress self;
  /** Each member's manager by member ({@code host:port}), for accepted connections' ids. */
  private java.util.Map<String, ActorRef<ConnectionManager.Command>> managers = java.util.Map.of();

  public ClusterConnections(ActorContext<ConnectionManager.Command> ctx, ConnectionManagerSettings settings) {
    this.ctx = ctx;
    this.log = ctx.getLog();
    this.settings = settings;
    ActorRef<Replicator.Command> replicator = SpecStore.start(ctx.getSystem(), settings.cluster());
    this.store = new StoreAsk<>(ctx, replicator);
    this.self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
    this.sharding = ClusterSharding.get(ctx.getSystem());
    ActorRef<ConnectionManager.Command> registry = ctx.getSelf();
    sharding.init(Entity.of(ConnectionEntity.TYPE_KEY,
            entity -> ConnectionEntity.create(entity.getEntityId(), entity.getShard(), registry, replicator, settings))
        .withStopMessage(ConnectionEntity.HandOff.INSTANCE)
        .withAllocationStrategy(new NoRebalancing())
        // A connection is never idle in sharding's sense: it lives until closed or handed off.
        .withSettings(ClusterShardingSettings.create(ctx.getSystem()).withNoPassivationStrategy()));
    Cluster cluster = Cluster.get(ctx.getSystem());
    cluster.subscriptions().tell(Subscribe.create(ctx.messageAdapter(SelfUp.class, up -> MembershipChanged.INSTANCE),
        SelfUp.class));
    cluster.subscriptions().tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.MemberRemoved.class, removed -> MembershipChanged.INSTANCE),
        ClusterEvent.MemberRemoved.class));
    ctx.scheduleOnce(settings.cluster().wakeInterval(), ctx.getSelf(), PeriodicWake.INSTANCE);
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(ClusterAsk.MANAGERS,
        ctx.messageAdapter(Receptionist.Listing.class, l -> new ManagersChanged(l.getServiceInstances(ClusterAsk.MANAGERS)))));
  }

  public void managersChanged(ManagersChanged m) {
    java.util.Map<String, ActorRef<ConnectionManager.Command>> byNode = new java.util.HashMap<>();
    for (ActorRef<ConnectionManager.Command> ref : m.managers()) {
      byNode.put(ClusterNodes.node(ref.path().address(), ctx.getSystem()), ref);
    }
    managers = java.util.Map.copyOf(byNode);
  }

  /**
   * An accepted connection's request, sent to the manager of the member its id names; false if that
   * is this member or no member of that name is known (then the id is unknown).
   */
  public boolean toMember(ConnectionId id, ConnectionManager.Command m) {
    String node = id.node().orElseThrow();
    ActorRef<ConnectionManager.Command> manager = managers.get(node);
    if (manager == null || node.equals(ClusterNodes.node(ctx.getSystem().address(), ctx.getSystem()))) return false;
    if (m instanceof ConnectionManager.Get g) {
      askInbound(manager, id, false, Optional.empty(), g.replyTo());
    } else if (m instanceof ConnectionManager.Reconnect r) {
      askInbound(manager, id, true, r.requestedBy(), r.replyTo());
    } else {
      manager.tell(m); // a Send or a Close: they and their answers cross nodes as they are
    }
    return true;
  }

  private void askInbound(ActorRef<ConnectionManager.Command> manager, ConnectionId id, boolean reconnect,
      Optional<String> requestedBy, ActorRef<Optional<ConnectionView>> replyTo) {
    org.apache.pekko.actor.typed.javadsl.AskPattern.<ConnectionManager.Command, ConnectionEntity.ViewAnswer>ask(manager,
            r -> new InboundView(id, reconnect, requestedBy, r), ASK, ctx.getSystem().scheduler())
        .whenComplete((answer, failure) -> answerUnlessTimedOut(id, answer, replyTo));
  }

  /** The other side of {@link #askInbound}: a local request whose answer goes back as a {@code ViewAnswer}. */
  public ConnectionManager.ConnectionRequest localRequest(InboundView m) {
    ActorRef<Optional<ConnectionView>> back = ctx.spawnAnonymous(
        org.apache.pekko.actor.typed.javadsl.Behaviors.<Optional<ConnectionView>>receiveMessage(v -> {
          m.replyTo().tell(new ConnectionEntity.ViewAnswer(v));
          return org.apache.pekko.actor.typed.javadsl.Behaviors.stopped();
        }));
    return m.reconnect() ? new ConnectionManager.Reconnect(m.id(), m.requestedBy(), back)
        : new ConnectionManager.Get(m.id(), back);
  }

  /**
   * Wakes the stored connections now, again after each of {@link #WAKE_RETRIES}, and twice after
   * the downing provider's removal margin: for that long after a crashed member is removed, the
   * shard coordinator still counts that member's region as the home of its shards and hands them
   * to nobody (it cannot know the region is not running on the far side of a partition), so the
   * wake-ups before are lost. With the Split Brain Resolver the margin is its stable-after unless
   * {@code pekko.cluster.down-removal-margin} is set.
   */
  public void membershipChanged() {
    readIds();
    for (Duration d : WAKE_RETRIES) ctx.scheduleOnce(d, ctx.getSelf(), WakeAll.INSTANCE);
    Duration margin = removalMargin();
    if (!margin.isZero()) {
      for (Duration d : WAKE_RETRIES) ctx.scheduleOnce(margin.plus(d), ctx.getSelf(), WakeAll.INSTANCE);
    }
  }

  private Duration removalMargin() {
    scala.concurrent.duration.FiniteDuration margin =
        org.apache.pekko.cluster.Cluster.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(ctx.getSystem()))
            .downingProvider().downRemovalMargin();
    return Duration.ofMillis(margin.toMillis());
  }

  public void periodicWake() {
    readIds();
    ctx.scheduleOnce(settings.cluster().wakeInterval(), ctx.getSelf(), PeriodicWake.INSTANCE);
  }

  public EntityRef<ConnectionManager.Command> entity(ConnectionId id) {
    return sharding.entityRefFor(ConnectionEntity.TYPE_KEY, id.value());
  }

  /** First: is the id stored already (managed somewhere in the cluster)? Answered with {@link SpecChecked}. */
  public void open(ConnectionManager.Open open) {
    String id = open.spec().id().value();
    store.get(SpecStore.specs(id), SpecStore.READ_LOCAL, response -> new SpecChecked(open,
        response instanceof Replicator.GetSuccess<LWWMap<String, String>> s && s.get(SpecStore.specs(id)).contains(id)));
  }

  /** The answer to {@link #open}: refuse a duplicate, else store it. */
  public void checked(SpecChecked m, boolean runsHere) {
    if (m.exists() || runsHere) {
      m.open().replyTo().tell(new ConnectionManager.OpenRejected(ConnectionManager.OpenRejection.ALREADY_EXISTS,
          "a connection with id '" + m.open().spec().id() + "' already exists"));
    } else {
      store(m.open());
    }
  }

  /** The answer to {@link #store}: start it, or say that it could not be stored. */
  public void stored(SpecStored m) {
    if (m.ok()) {
      start(m.open());
    } else {
      // Not started from here; if the store applied the update after all, a wake-up starts it.
      m.open().replyTo().tell(new ConnectionManager.OpenRejected(ConnectionManager.OpenRejection.STORE_UNCONFIRMED,
          "the cluster's store did not confirm the spec of '" + m.open().spec().id() + "' in time: it may be stored"
              + " after all (it then starts within tether.cluster.wake-interval); look it up before opening it again"));
    }
  }

  /** Then: store it (a majority of members, so that it survives a node), answered with {@link SpecStored}. */
  void store(ConnectionManager.Open open) {
    ConnectionSpec spec = open.spec();
    String text = ConnectionSpecCodec.encode(spec, spec.settings().orElse(settings.defaults()));
    store.update(SpecStore.specs(spec.id().value()), SpecStore.empty(), SpecStore.WRITE,
        map -> map.put(self, spec.id().value(), text),
        response -> new SpecStored(open, response instanceof Replicator.UpdateSuccess
            || response instanceof Replicator.UpdateTimeout)); // a timeout: stored here, spreading by gossip
  }

  /** Last: the entity starts, wherever the coordinator places it, and answers the open itself. */
  void start(ConnectionManager.Open open) {
    entity(open.spec().id()).tell(new ConnectionEntity.Start(open.spec(), open.requestedBy(), open.replyTo()));
  }

  /** Reads every bucket of stored ids; each answers with its own {@link StoredIds}, woken as it comes. */
  public void readIds() {
    for (org.apache.pekko.cluster.ddata.Key<LWWMap<String, String>> key : SpecStore.allSpecs()) {
      store.get(key, SpecStore.READ_LOCAL, response -> new StoredIds(
          response instanceof Replicator.GetSuccess<LWWMap<String, String>> s
              ? java.util.Set.copyOf(s.get(key).getEntries().keySet())
              : java.util.Set.of()));
    }
  }

  public void wake(java.util.Set<String> ids) {
    if (!ids.isEmpty()) ctx.getLog().debug("waking {} stored connection(s)", ids.size());
    for (String id : ids) sharding.entityRefFor(ConnectionEntity.TYPE_KEY, id).tell(ConnectionEntity.Wake.INSTANCE);
  }

  /** A view (or a reconnect) of a connection that lives elsewhere, answered to a local requester. */
  public void askView(ConnectionId id, boolean reconnect, Optional<String> requestedBy, ActorRef<Optional<ConnectionView>> replyTo) {
    entity(id).<ConnectionEntity.ViewAnswer>ask(r -> reconnect ? new ConnectionEntity.ReconnectRemote(requestedBy, r)
            : new ConnectionEntity.GetRemote(r), ASK)
        .whenComplete((answer, failure) -> answerUnlessTimedOut(id, answer, replyTo));
  }

  /**
   * A member that did not answer in time says nothing about the connection: the requester gets no
   * answer (its own ask times out; REST says 503 manager-timeout) rather than an empty one, which
   * would say "no such connection" (404) about a connection that exists on a slow member.
   */
  private void answerUnlessTimedOut(ConnectionId id, ConnectionEntity.ViewAnswer answer,
      ActorRef<Optional<ConnectionView>> replyTo) {
    if (answer != null) {
      replyTo.tell(answer.view());
    } else {
      log.debug("connection {}: its member did not answer within {}; the request is left unanswered", id, ASK);
    }
  }

}
