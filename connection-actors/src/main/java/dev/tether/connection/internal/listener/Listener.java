package dev.tether.connection.internal.listener;

import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ListenerInfo;
import dev.tether.connection.ListenerSpec;
import dev.tether.connection.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.stream.typed.javadsl.ActorSink;

/**
 * INTERNAL API: one TLS listener. It binds with {@code Tcp.bind} (half-close on, so that a
 * graceful close can keep reading after our FIN), takes accepted connections one at a time with
 * backpressure, refuses a client at once when {@code max-connections} are open, and hands each
 * other one to the {@link ConnectionRegistry} as {@code <name>-<n>}. It counts what it accepted and
 * refused, and publishes its {@link ListenerInfo} to the registry on every change.
 *
 * <pre>
 *   binding ─bound─► accepting ─StopAccepting─► not accepting (still counting) ─Stop─► draining ─► (stopped)
 *       └─bind failed─► (stopped, or kept as not bound with its problem if it was configured)
 * </pre>
 */
public final class Listener {

  public interface Command {}

  /** A connection of this listener has ended (told by its supervisor). */
  public record ConnectionEnded(ConnectionId id, Outcome outcome) implements Command {}

  /** Unbind; answered once no new connection can arrive. The existing ones keep running. */
  public record StopAccepting(ActorRef<Done> replyTo) implements Command {}

  /** Unbind, close every connection of this listener with {@code mode}, answer, then stop. */
  public record Stop(Optional<CloseMode> mode, ActorRef<ConnectionManager.ListenerStopResult> replyTo) implements Command {}

  private record BindResult(Tcp.ServerBinding binding, Throwable failure) implements Command {}

  private record AcceptInit(ActorRef<AcceptAck> ackTo) implements Command {}

  private record Accepted(ActorRef<AcceptAck> ackTo, Tcp.IncomingConnection connection) implements Command {}

  private enum AcceptsEnded implements Command { INSTANCE }

  private record Unbound(ActorRef<Done> replyTo) implements Command {}

  private record CloseAnswered(ConnectionManager.CloseResult result) implements Command {}

  enum AcceptAck { INSTANCE }

  private static final int BACKLOG = 1024;

  /**
   * @param startedReplyTo hears {@code ListenerStarted} once bound, or {@code ListenerRejected}
   * @param keepWhenBindFails stay (not bound, with the problem shown) instead of stopping: for a
   *     configured listener, so that an operator sees why it is not accepting
   * @param clusterNode in cluster mode this member ({@code host:port}), named in accepted
   *     connections' ids so that any member can route to them
   */
  public static Behavior<Command> create(ListenerSpec spec, ActorRef<ConnectionManager.Command> registry,
      Optional<String> streamDispatcher, ActorRef<ConnectionManager.ListenerResult> startedReplyTo,
      boolean keepWhenBindFails, Optional<String> clusterNode) {
    return Behaviors.setup(ctx -> new Listener(ctx, spec, registry, streamDispatcher, clusterNode)
        .bind(startedReplyTo, keepWhenBindFails));
  }

  private final ActorContext<Command> ctx;
  private final ListenerSpec spec;
  private final ActorRef<ConnectionManager.Command> registry;
  private final Optional<String> streamDispatcher;
  private final Optional<String> clusterNode;
  // Counters and the open set outlive the states: shown in every ListenerInfo.
  private final Set<ConnectionId> open = new LinkedHashSet<>();
  private long acceptedTotal;
  private long rejectedTotal;
  private long sequence;
  private int boundPort;
  private Optional<Stop> stopWhenBound = Optional.empty();

  private Listener(ActorContext<Command> ctx, ListenerSpec spec,
      ActorRef<ConnectionManager.Command> registry, Optional<String> streamDispatcher, Optional<String> clusterNode) {
    this.ctx = ctx;
    this.clusterNode = clusterNode;
    this.spec = spec;
    this.registry = registry;
    this.streamDispatcher = streamDispatcher;
    this.boundPort = spec.port();
  }

  private Behavior<Command> bind(ActorRef<ConnectionManager.ListenerResult> startedReplyTo, boolean keepWhenBindFails) {
    Sink<Tcp.IncomingConnection, org.apache.pekko.NotUsed> sink = ActorSink.actorRefWithBackpressure(
        ctx.getSelf(), (ackTo, c) -> new Accepted(ackTo, c), AcceptInit::new, AcceptAck.INSTANCE,
        AcceptsEnded.INSTANCE, failure -> AcceptsEnded.INSTANCE);
    var graph = Tcp.get(ctx.getSystem())
        .bind(spec.iface(), spec.port(), BACKLOG, List.of(), true, Optional.empty())
        .to(sink);
    if (streamDispatcher.isPresent()) graph = graph.withAttributes(ActorAttributes.dispatcher(streamDispatcher.get()));
    CompletionStage<Tcp.ServerBinding> binding = graph.run(Materializer.matFromSystem(ctx.getSystem()));
    ctx.pipeToSelf(binding, BindResult::new);
    return Behaviors.receive(Command.class)
        .onMessage(BindResult.class, r -> afterBind(r.failure() == null
            ? bound(r.binding(), startedReplyTo)
            : bindFailed(r.failure(), startedReplyTo, keepWhenBindFails)))
        .onMessage(AcceptInit.class, m -> ackInit(m))
        .onMessage(Stop.class, m -> {
          stopWhenBound = Optional.of(m); // handled once the bind result is known
          return Behaviors.same();
        })
        .onMessage(StopAccepting.class, m -> {
          m.replyTo().tell(Done.getInstance()); // the bind result still decides; answered conservatively
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> bound(Tcp.ServerBinding binding, ActorRef<ConnectionManager.ListenerResult> replyTo) {
    boundPort = binding.localAddress().getPort();
    ctx.getLog().info("listener {} accepting TLS on {}:{} (handler {}, client-auth {})", spec.name(), spec.iface(),
        boundPort, spec.handler(), spec.clientAuth());
    ListenerInfo info = publish(true, Optional.empty());
    replyTo.tell(new ConnectionManager.ListenerStarted(info));
    return accepting(binding);
  }

  private Behavior<Command> bindFailed(Throwable failure, ActorRef<ConnectionManager.ListenerResult> replyTo,
      boolean keep) {
    String problem = "cannot bind " + spec.address() + ": " + failure.getMessage();
    ctx.getLog().error("listener {}: {}", spec.name(), problem);
    replyTo.tell(new ConnectionManager.ListenerRejected(ConnectionManager.ListenerRejection.BIND_FAILED,
        "listener '" + spec.name() + "' " + problem));
    if (!keep) {
      // A stop asked while binding: nothing was accepted, so nothing to close.
      stopWhenBound.ifPresent(stop -> stop.replyTo().tell(new ConnectionManager.ListenerStopped(spec.name(), List.of())));
      stopWhenBound = Optional.empty();
      return Behaviors.stopped();
    }
    publish(false, Optional.of(problem));
    return notAccepting();
  }

  private Behavior<Command> accepting(Tcp.ServerBinding binding) {
    return Behaviors.receive(Command.class)
        .onMessage(AcceptInit.class, this::ackInit)
        .onMessage(Accepted.class, this::onAccepted)
        .onMessage(ConnectionEnded.class, this::onEnded)
        .onMessage(StopAccepting.class, m -> unbind(binding, m.replyTo()))
        .onMessage(Stop.class, m -> {
          unbind(binding, ctx.getSystem().ignoreRef());
          return drain(m);
        })
        .onMessage(AcceptsEnded.class, m -> { // the bind stream ended on its own: an error
          ctx.getLog().error("listener {}: the accept stream ended; no longer accepting", spec.name());
          publish(false, Optional.of("the accept stream ended"));
          return notAccepting();
        })
        .build();
  }

  /** Unbound (or never bound): counting the connections that remain until stopped. */
  private Behavior<Command> notAccepting() {
    return Behaviors.receive(Command.class)
        .onMessage(Accepted.class, m -> refuse(m, "the listener is no longer accepting"))
        .onMessage(ConnectionEnded.class, this::onEnded)
        .onMessage(Unbound.class, m -> {
          m.replyTo().tell(Done.getInstance());
          return Behaviors.same();
        })
        .onMessage(StopAccepting.class, m -> {
          m.replyTo().tell(Done.getInstance());
          return Behaviors.same();
        })
        .onMessage(Stop.class, this::drain)
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  /** Closing this listener's connections; stops when all have answered. */
  private Behavior<Command> draining(Set<ConnectionId> waiting, List<ConnectionManager.Closed> closed,
      ActorRef<ConnectionManager.ListenerStopResult> replyTo) {
    if (waiting.isEmpty()) {
      ctx.getLog().info("listener {} stopped; closed {} connection(s)", spec.name(), closed.size());
      replyTo.tell(new ConnectionManager.ListenerStopped(spec.name(), List.copyOf(closed)));
      return Behaviors.stopped();
    }
    return Behaviors.receive(Command.class)
        .onMessage(CloseAnswered.class, m -> {
          if (m.result() instanceof ConnectionManager.Closed c) closed.add(c);
          waiting.remove(m.result().id());
          open.remove(m.result().id());
          return draining(waiting, closed, replyTo);
        })
        .onMessage(Accepted.class, m -> refuse(m, "the listener is stopping"))
        .onMessage(ConnectionEnded.class, m -> {
          open.remove(m.id());
          return Behaviors.same(); // its Close is answered too
        })
        .onMessage(StopAccepting.class, m -> {
          m.replyTo().tell(Done.getInstance());
          return Behaviors.same();
        })
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  // ---------------------------------------------------------------- transitions

  private Behavior<Command> ackInit(AcceptInit m) {
    m.ackTo().tell(AcceptAck.INSTANCE);
    return Behaviors.same();
  }

  private Behavior<Command> onAccepted(Accepted m) {
    if (open.size() >= spec.maxConnections()) {
      rejectedTotal++;
      ctx.getLog().warn("listener {}: refused {}: max-connections ({}) reached", spec.name(),
          m.connection().remoteAddress(), spec.maxConnections());
      return refuse(m, null);
    }
    String base = spec.name() + "-" + (++sequence);
    ConnectionId id = clusterNode.map(node -> ConnectionId.onNode(base, node)).orElseGet(() -> ConnectionId.of(base));
    open.add(id);
    acceptedTotal++;
    registry.tell(new ListenerReport.InboundAccepted(spec, id, m.connection(), ctx.getSelf()));
    publish(true, Optional.empty());
    m.ackTo().tell(AcceptAck.INSTANCE);
    return Behaviors.same();
  }

  /** Closes an accepted TCP connection at once, before any TLS: nothing is queued for it. */
  private Behavior<Command> refuse(Accepted m, String why) {
    if (why != null) {
      rejectedTotal++;
      ctx.getLog().info("listener {}: refused {}: {}", spec.name(), m.connection().remoteAddress(), why);
    }
    m.connection().flow().runWith(Source.empty(), Sink.cancelled(), Materializer.matFromSystem(ctx.getSystem()));
    publish(null, Optional.empty());
    m.ackTo().tell(AcceptAck.INSTANCE);
    return Behaviors.same();
  }

  private Behavior<Command> onEnded(ConnectionEnded m) {
    if (open.remove(m.id())) publish(null, Optional.empty());
    return Behaviors.same();
  }

  private Behavior<Command> unbind(Tcp.ServerBinding binding, ActorRef<Done> replyTo) {
    ctx.pipeToSelf(binding.unbind(), (ok, err) -> new Unbound(replyTo));
    ctx.getLog().info("listener {} stops accepting on {}:{}", spec.name(), spec.iface(), boundPort);
    publish(false, Optional.of("stopped"));
    return notAccepting();
  }

  private Behavior<Command> afterBind(Behavior<Command> next) {
    stopWhenBound.ifPresent(ctx.getSelf()::tell);
    return next;
  }

  private Behavior<Command> drain(Stop m) {
    publish(false, Optional.of("stopping"));
    ActorRef<ConnectionManager.CloseResult> answers = ctx.messageAdapter(ConnectionManager.CloseResult.class,
        CloseAnswered::new);
    for (ConnectionId id : open) registry.tell(new ConnectionManager.Close(id, m.mode(), answers));
    return draining(new LinkedHashSet<>(open), new ArrayList<>(), m.replyTo());
  }

  // ---------------------------------------------------------------- info

  private Boolean lastBound = Boolean.FALSE;
  private Optional<String> lastProblem = Optional.of("binding");

  /** Publishes the current info; {@code bound} null keeps the last value. */
  private ListenerInfo publish(Boolean bound, Optional<String> problem) {
    if (bound != null) {
      lastBound = bound;
      lastProblem = problem;
    }
    ListenerInfo info = new ListenerInfo(spec.name(), spec.iface(), boundPort, spec.tlsProfile(), spec.clientAuth(),
        spec.handler(), lastBound, open.size(), spec.maxConnections(), acceptedTotal, rejectedTotal, lastProblem);
    registry.tell(new ListenerReport.ListenerUpdated(info));
    return info;
  }
}
