package dev.tether.connection.internal.cluster;

import dev.tether.connection.internal.lifecycle.ClusterNodes;
import dev.tether.connection.internal.lifecycle.ConnectionPlan;
import dev.tether.connection.internal.lifecycle.SupervisorReport;
import dev.tether.connection.internal.lifecycle.ConnectionSupervisor;
import dev.tether.connection.internal.lifecycle.Continuation;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.journal.JournalEvent;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.SendResult;
import dev.tether.connection.session.SessionHandlerFactory;
import dev.tether.connection.tls.TlsProfile;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * INTERNAL API: cluster mode's sharded entity for one outbound connection. It gets its spec from a
 * {@link Start} (a new connection, stored first by the registry) or from the {@link SpecStore} (the
 * connection was managed before: started again after a restart or on another node), then runs a
 * {@link ConnectionSupervisor}, as on a single node. An interceptor adapts what only cluster mode
 * sends: view requests from other nodes (a bare {@code Optional} cannot cross nodes), a duplicate
 * start, wake-ups, and the hand-off when its shard moves (close with the close mode, keep the spec).
 * A close on request removes the spec, so the connection is gone for good.
 */
public final class ConnectionEntity {
  private ConnectionEntity() {}

  /**
   * What only cluster mode sends to a connection's entity. The entity's sharded type is the
   * manager's {@link ConnectionManager.Command}, because it also receives, from any member, the
   * requests of {@link ConnectionManager.ConnectionRequest}, and hosts a supervisor, whose own
   * {@link ConnectionSupervisor.Command}s (timers, permits, reports) reach it too.
   */
  sealed interface Command extends ConnectionManager.Command
      permits Start, Wake, HandOff, GetRemote, ReconnectRemote, Loaded, HomeLoaded {}

  static final EntityTypeKey<ConnectionManager.Command> TYPE_KEY =
      EntityTypeKey.create(ConnectionManager.Command.class, "tether-connection");

  /** Start a new connection (its spec is stored already); answered with the open result. */
  record Start(ConnectionSpec spec, Optional<String> requestedBy, ActorRef<ConnectionManager.OpenResult> replyTo)
      implements Command, ClusterMessage {}

  /** Make sure the entity runs (after a member left, or at start): starts it from the store. */
  enum Wake implements Command, ClusterMessage { INSTANCE }

  /** Sharding's stop message: the shard moves; close with the close mode and keep the spec. */
  enum HandOff implements Command, ClusterMessage { INSTANCE }

  /** A view, asked from another node. */
  record GetRemote(ActorRef<ViewAnswer> replyTo) implements Command, ClusterMessage {}

  /** A reconnect, asked from another node; answered with the view. */
  record ReconnectRemote(Optional<String> requestedBy, ActorRef<ViewAnswer> replyTo) implements Command, ClusterMessage {}

  public record ViewAnswer(Optional<ConnectionView> view) implements ClusterMessage {}

  /** @param fromMajority read from a majority of members (after the local replica had nothing) */
  private record Loaded(Optional<String> specText, boolean fromMajority) implements Command {}

  private record HomeLoaded(String specText, Optional<String> homeText) implements Command {}

  /**
   * When the local replica has no spec: the entity may have been woken by a member whose replica
   * has it already (gossip is not there yet), so ask a majority before concluding there is none.
   */
  private static final Replicator.ReadConsistency READ_MAJORITY = new Replicator.ReadMajority(Duration.ofSeconds(3));

  static Behavior<ConnectionManager.Command> create(String entityId, ActorRef<ClusterSharding.ShardCommand> shard, ActorRef<ConnectionManager.Command> registry,
      ActorRef<Replicator.Command> replicator, ConnectionManagerSettings settings) {
    ConnectionId id = ConnectionId.of(entityId);
    return Behaviors.setup(ctx -> Behaviors.withStash(1000, stash -> {
      StoreAsk<ConnectionManager.Command> store = new StoreAsk<>(ctx, replicator);
      store.get(SpecStore.specs(entityId), SpecStore.READ_LOCAL,
          response -> new Loaded(entry(response, SpecStore.specs(entityId), entityId), false));
      return Behaviors.receive(ConnectionManager.Command.class)
          .onMessage(Start.class, s -> stash.unstashAll(begin(ctx, id, s.spec(), Optional.of(s), registry, replicator,
              settings, Continuation.FRESH)))
          .onMessage(Loaded.class, l -> {
            if (l.specText().isEmpty() && !l.fromMajority()) {
              store.get(SpecStore.specs(entityId), READ_MAJORITY,
                  response -> new Loaded(entry(response, SpecStore.specs(entityId), entityId), true));
              return Behaviors.same();
            }
            if (l.specText().isEmpty()) return unknown(ctx, id, shard, stash);
            // Then where it ran last, to go on from there.
            store.get(SpecStore.homes(entityId), SpecStore.READ_LOCAL,
                response -> new HomeLoaded(l.specText().get(), entry(response, SpecStore.homes(entityId), entityId)));
            return Behaviors.same();
          })
          .onMessage(HomeLoaded.class, h -> stash.unstashAll(fromStore(ctx, id, h, registry, replicator, settings)))
          .onAnyMessage(m -> {
            if (!stash.isFull()) stash.stash(m);
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static Optional<String> entry(Replicator.GetResponse<LWWMap<String, String>> response,
      org.apache.pekko.cluster.ddata.Key<LWWMap<String, String>> key, String entityId) {
    return response instanceof Replicator.GetSuccess<LWWMap<String, String>> s
        ? Optional.ofNullable(s.get(key).getEntries().get(entityId))
        : Optional.empty();
  }

  private static Behavior<ConnectionManager.Command> fromStore(ActorContext<ConnectionManager.Command> ctx, ConnectionId id, HomeLoaded loaded,
      ActorRef<ConnectionManager.Command> registry, ActorRef<Replicator.Command> replicator, ConnectionManagerSettings settings) {
    ConnectionSpec spec;
    try {
      spec = ConnectionSpecCodec.decode(loaded.specText()).spec();
    } catch (IllegalArgumentException e) {
      ctx.getLog().error("connection {}: its stored spec is unusable ({}); not started", id, e.getMessage());
      return Behaviors.stopped();
    }
    Continuation from = Continuation.FRESH;
    if (loaded.homeText().isPresent()) {
      try {
        LastHome home = LastHome.decode(loaded.homeText().get());
        SelfUniqueAddress self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
        from = home.continuation(self.uniqueAddress().longUid(), ClusterNodes.node(self.uniqueAddress().address(), ctx.getSystem()),
            java.time.Instant.now());
        ctx.getLog().info("connection {}: started from its stored spec on this node, incarnation {} after {} on {}", id,
            from.firstIncarnation(), home.handedOff() ? "a hand-off" : from.previousEnd().isPresent() ? "the loss of its member" : "a stop",
            home.node());
      } catch (IllegalArgumentException e) { // counting starts afresh; the connection itself is fine
        ctx.getLog().warn("connection {}: its stored home record is unusable ({}); counting incarnations afresh", id, e.getMessage());
      }
    } else {
      ctx.getLog().info("connection {}: started from its stored spec on this node", id);
    }
    return begin(ctx, id, spec, Optional.empty(), registry, replicator, settings, from);
  }

  /**
   * @param opened the open request (a {@link Start}); empty when started from the store, in which case
   *     the registry's own {@link Start} may still arrive (it raced with a wake-up) and is answered as
   *     the open it is
   */
  private static Behavior<ConnectionManager.Command> begin(ActorContext<ConnectionManager.Command> ctx, ConnectionId id, ConnectionSpec spec,
      Optional<Start> opened, ActorRef<ConnectionManager.Command> registry,
      ActorRef<Replicator.Command> replicator, ConnectionManagerSettings settings, Continuation from) {
    Optional<ActorRef<ConnectionManager.OpenResult>> openedReplyTo = opened.map(Start::replyTo);
    TlsProfile profile = settings.tlsProfiles().get(spec.tlsProfile());
    Optional<SessionHandlerFactory> handler = spec.handler().map(settings.handlers()::get);
    if (profile == null || (spec.handler().isPresent() && handler.isEmpty())) {
      ctx.getLog().error("connection {}: TLS profile '{}' or handler {} is not configured on this node; not started",
          id, spec.tlsProfile(), spec.handler());
      openedReplyTo.ifPresent(r -> r.tell(new ConnectionManager.OpenRejected(ConnectionManager.OpenRejection.UNKNOWN_TLS_PROFILE,
          "TLS profile '" + spec.tlsProfile() + "' or handler " + spec.handler() + " is not configured on this node")));
      return Behaviors.stopped();
    }
    ConnectionPlan plan = new ConnectionPlan(spec, spec.settings().orElse(settings.defaults()), profile,
        settings.streamDispatcher(), Optional.empty(), handler, ConfigFactory.empty(), settings.tlsStage());
    registry.tell(new EntityReport.Hosted(id, ctx.getSelf().narrow()));
    registry.tell(new SupervisorReport.AdmissionRequested(id, from.firstIncarnation(), ctx.getSelf().narrow()));
    SelfUniqueAddress self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
    String node = ClusterNodes.node(self.uniqueAddress().address(), ctx.getSystem());
    return Behaviors.intercept(() -> new ClusterOnly(id, replicator, self, node, openedReplyTo.isPresent(), registry,
            from.firstIncarnation() - 1),
        ConnectionSupervisor.create(plan, settings, registry, openedReplyTo.orElse(ctx.getSystem().ignoreRef()), false, from,
            opened.map(s -> JournalEvent.AdminAction.open(s.requestedBy()))));
  }

  /**
   * No spec: nothing to manage under this id. Answers what was asked and passivates, so that the
   * shard holds back what arrives meanwhile and starts a fresh entity for it: an open whose {@link
   * Start} raced with a wake-up is not lost. A {@code Start} that reaches this entity anyway goes
   * back through the shard for the same reason.
   */
  private static Behavior<ConnectionManager.Command> unknown(ActorContext<ConnectionManager.Command> ctx, ConnectionId id,
      ActorRef<ClusterSharding.ShardCommand> shard, StashBuffer<ConnectionManager.Command> stash) {
    shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
    return stash.unstashAll(Behaviors.receive((c, m) -> {
      if (m == HandOff.INSTANCE) return Behaviors.stopped(); // the passivation's stop message
      if (m instanceof Start start) {
        ClusterSharding.get(c.getSystem()).entityRefFor(TYPE_KEY, id.value()).tell(start);
      } else {
        answerUnknown(id, m);
      }
      return Behaviors.same();
    }));
  }

  private static void answerUnknown(ConnectionId id, ConnectionManager.Command message) {
    ConnectionManager.Command m = message instanceof ConnectionSupervisor.Request r ? r.request() : message;
    if (m instanceof ConnectionManager.Send s) {
      s.replyTo().tell(new SendResult.Rejected(id, SendResult.Reason.UNKNOWN_CONNECTION, "no connection with id '" + id + "'"));
    } else if (m instanceof ConnectionManager.Close c) {
      c.replyTo().tell(new ConnectionManager.UnknownConnection(id));
    } else if (m instanceof GetRemote g) {
      g.replyTo().tell(new ViewAnswer(Optional.empty()));
    } else if (m instanceof ReconnectRemote r) {
      r.replyTo().tell(new ViewAnswer(Optional.empty()));
    } else if (m instanceof ConnectionManager.Get g) {
      g.replyTo().tell(Optional.empty());
    } else if (m instanceof ConnectionManager.Reconnect r) {
      r.replyTo().tell(Optional.empty());
    }
  }

  /** What only cluster mode sends to a running supervisor, translated; and the spec removed after a close on request. */
  private static final class ClusterOnly extends BehaviorInterceptor<ConnectionManager.Command, ConnectionSupervisor.Command> {
    private final ConnectionId id;
    private final ActorRef<Replicator.Command> replicator;
    private final SelfUniqueAddress self;
    private final ActorRef<ConnectionManager.Command> registry;
    private final String node;
    private boolean handingOff;
    private boolean openAnswered;
    /** Where it runs now, as stored: updated whenever an incarnation is let in to connect. */
    private LastHome home;

    ClusterOnly(ConnectionId id, ActorRef<Replicator.Command> replicator, SelfUniqueAddress self, String node,
        boolean openAnswered, ActorRef<ConnectionManager.Command> registry, long lastIncarnation) {
      super(ConnectionManager.Command.class);
      this.registry = registry;
      this.id = id;
      this.replicator = replicator;
      this.self = self;
      this.node = node;
      this.openAnswered = openAnswered;
      this.home = new LastHome(node, self.uniqueAddress().longUid(), lastIncarnation, java.time.Instant.now(), false);
    }

    @Override
    public Behavior<ConnectionSupervisor.Command> aroundReceive(TypedActorContext<ConnectionManager.Command> ctx,
        ConnectionManager.Command msg, ReceiveTarget<ConnectionSupervisor.Command> target) {
      ActorContext<ConnectionManager.Command> c = ctx.asJava();
      Optional<ConnectionSupervisor.Command> m = translate(c, msg);
      if (m.isEmpty()) return Behaviors.same();
      Behavior<ConnectionSupervisor.Command> next = target.apply(ctx, m.get());
      if (!Behavior.isAlive(next) && !handingOff) {
        // Closed on request: gone for good, on every node.
        replicator.tell(new Replicator.Update<>(SpecStore.specs(id.value()), SpecStore.empty(), SpecStore.WRITE,
            c.getSystem().ignoreRef(), map -> map.remove(self, id.value())));
        replicator.tell(new Replicator.Update<>(SpecStore.homes(id.value()), SpecStore.empty(), SpecStore.WRITE,
            c.getSystem().ignoreRef(), map -> map.remove(self, id.value())));
      }
      return next;
    }

    /** What the supervisor is given for {@code msg}; empty when the entity alone handles it. */
    private Optional<ConnectionSupervisor.Command> translate(ActorContext<ConnectionManager.Command> c,
        ConnectionManager.Command msg) {
      if (msg instanceof Start s && !openAnswered) { // started from the store first: this is its open
        openAnswered = true;
        return request(new ConnectionManager.Get(id, forward(c, v -> s.replyTo().tell(
            v.<ConnectionManager.OpenResult>map(ConnectionManager.Opened::new).orElseGet(() ->
                new ConnectionManager.OpenRejected(ConnectionManager.OpenRejection.ALREADY_EXISTS, "being closed"))))));
      }
      if (msg instanceof Start s) {
        s.replyTo().tell(new ConnectionManager.OpenRejected(ConnectionManager.OpenRejection.ALREADY_EXISTS,
            "a connection with id '" + id + "' already exists"));
        return Optional.empty();
      }
      if (msg == Wake.INSTANCE) return Optional.empty();
      if (msg instanceof GetRemote g) return request(new ConnectionManager.Get(id, forward(c, v -> g.replyTo().tell(new ViewAnswer(v)))));
      if (msg instanceof ReconnectRemote r) {
        return request(new ConnectionManager.Reconnect(id, r.requestedBy(), forward(c, v -> r.replyTo().tell(new ViewAnswer(v)))));
      }
      if (msg == HandOff.INSTANCE && handingOff) return Optional.empty(); // closing for shutdown already
      if (msg == HandOff.INSTANCE) {
        handingOff = true;
        c.getLog().info("connection {}: handed off (its shard moves): closing here, to be opened on another node", id);
        home = home.markedHandedOff(); // closed here on purpose: not a lost member's connection
        storeHome(c, SpecStore.WRITE_ALL);
        // Without remember-entities nothing would start it at its new home: a wake-up, buffered by
        // sharding until the shard has moved, does (if this node is leaving, the others' wake-up
        // after MemberRemoved does as well).
        registry.tell(new EntityReport.WakeAfterHandOff(id));
        return request(new ConnectionManager.Close(id, Optional.empty(), c.getSystem().ignoreRef()));
      }
      if (msg instanceof ConnectionSupervisor.CloseForShutdown) {
        // This member shuts down: close now, keep the spec, mark it handed over, and wake nobody
        // (another member starts it once this one has left). Done before sharding's own hand-off,
        // so that the close_notify goes out even when no member is left to hand off to.
        handingOff = true;
        c.getLog().info("connection {}: this member shuts down: closing here, to be opened on another member", id);
        home = home.markedHandedOff();
        storeHome(c, SpecStore.WRITE_ALL);
      }
      if (msg instanceof ConnectionSupervisor.Admitted a && a.incarnation() > home.incarnation()) {
        // Stored before it connects: if this member is lost from now on, the next home records its end.
        home = new LastHome(node, self.uniqueAddress().longUid(), a.incarnation(), java.time.Instant.now(), false);
        storeHome(c, SpecStore.WRITE);
      }
      if (msg instanceof ConnectionManager.ConnectionRequest r) return request(r); // from any member, through sharding
      if (msg instanceof ConnectionSupervisor.Command own) return Optional.of(own);
      c.getLog().warn("connection {}: ignored a message its entity does not handle: {}", id, msg.getClass().getName());
      return Optional.empty();
    }

    private static Optional<ConnectionSupervisor.Command> request(ConnectionManager.ConnectionRequest r) {
      return Optional.of(new ConnectionSupervisor.Request(r));
    }

    private void storeHome(ActorContext<ConnectionManager.Command> c, Replicator.WriteConsistency consistency) {
      String text = home.encode();
      replicator.tell(new Replicator.Update<>(SpecStore.homes(id.value()), SpecStore.empty(), consistency, c.getSystem().ignoreRef(),
          map -> map.put(self, id.value(), text)));
    }

    /** A one-off local ref for the supervisor's view answer, handed on as {@code answer} says. */
    private static ActorRef<Optional<ConnectionView>> forward(ActorContext<ConnectionManager.Command> c,
        java.util.function.Consumer<Optional<ConnectionView>> answer) {
      return c.spawnAnonymous(Behaviors.<Optional<ConnectionView>>receiveMessage(v -> {
        answer.accept(v);
        return Behaviors.stopped();
      }));
    }
  }
}
