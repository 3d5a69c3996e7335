package dev.tether.connection.internal;

import dev.tether.connection.internal.listener.Listener;
import dev.tether.connection.ConnectionManager;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * INTERNAL API: the order of a shutdown, one request at a time: every listener stops accepting
 * first (so that no connection arrives while the others close), then every connection, inbound and
 * outbound, is closed with its close mode. Answers the requester with all the outcomes.
 */
final class ShutdownSequence {
  private ShutdownSequence() {}

  private enum Unbound { INSTANCE }

  private enum UnbindTimeout { INSTANCE }

  /** Unbinding is local and quick; this only guards against a listener that never answers. */
  private static final Duration UNBIND_TIMEOUT = Duration.ofSeconds(5);

  /**
   * @param inboundOnly cluster mode: outbound connections are closed as a hand-off, not as a close
   *     request (see {@link ConnectionRegistry.CloseForShutdown})
   */
  static Behavior<Object> create(List<ActorRef<Listener.Command>> listeners, ActorRef<ConnectionManager.Command> registry,
      ActorRef<ConnectionManager.AllClosed> replyTo, boolean inboundOnly) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ActorRef<Done> unbound = ctx.messageAdapter(Done.class, d -> Unbound.INSTANCE);
      listeners.forEach(l -> l.tell(new Listener.StopAccepting(unbound)));
      timers.startSingleTimer(UnbindTimeout.INSTANCE, UNBIND_TIMEOUT);
      return unbinding(listeners.size(), registry, replyTo, inboundOnly);
    }));
  }

  private static Behavior<Object> unbinding(int waiting, ActorRef<ConnectionManager.Command> registry,
      ActorRef<ConnectionManager.AllClosed> replyTo, boolean inboundOnly) {
    if (waiting == 0) return closing(registry, replyTo, inboundOnly);
    return Behaviors.receive((ctx, m) -> {
      if (m == Unbound.INSTANCE) return unbinding(waiting - 1, registry, replyTo, inboundOnly);
      if (m == UnbindTimeout.INSTANCE) {
        ctx.getLog().warn("shutdown: {} listener(s) did not confirm unbinding within {}; closing connections anyway",
            waiting, UNBIND_TIMEOUT);
        return closing(registry, replyTo, inboundOnly);
      }
      return Behaviors.same();
    });
  }

  private static Behavior<Object> closing(ActorRef<ConnectionManager.Command> registry,
      ActorRef<ConnectionManager.AllClosed> replyTo, boolean inboundOnly) {
    return Behaviors.setup(ctx -> {
      registry.tell(inboundOnly ? new ConnectionRegistry.CloseForShutdown(ctx.getSelf().narrow())
          : new ConnectionManager.CloseAll(ctx.getSelf().narrow()));
      return Behaviors.receive((c, m) -> {
        if (m instanceof ConnectionManager.AllClosed all) {
          replyTo.tell(all);
          return Behaviors.stopped();
        }
        return Behaviors.same();
      });
    });
  }
}
