package dev.tether.connection.internal;

import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.internal.lifecycle.ConnectionSupervisor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * INTERNAL API: one request sent to many supervisors, answered once each has answered or stopped
 * (its connection was closed meanwhile). Used for {@code ListConnections} and {@code CloseAll} (with a
 * window: {@code tether.max-concurrent-closes}).
 * Every supervisor answers every request in every phase, and each close is bounded by its
 * close-timeout, so no timeout of its own is needed.
 *
 * @param <R> the supervisors' reply
 */
final class SupervisorFanOut<R> {

  private sealed interface Message {}

  private record Replied(Object reply) implements Message {}

  private record Stopped(ConnectionId id) implements Message {}

  /** Sent to itself after {@link Stopped}, so that a reply already in the mailbox is read first. */
  private record Settle(ConnectionId id) implements Message {}

  /**
   * @param request the request for one supervisor, answering to the given ref
   * @param idOf which connection a reply is from; empty to count it against none
   * @param done gets the replies once every supervisor has answered or stopped
   */
  static <R> Behavior<?> create(
      Map<ConnectionId, ActorRef<ConnectionSupervisor.Command>> supervisors,
      Class<R> replyClass,
      BiFunction<ConnectionId, ActorRef<R>, ConnectionSupervisor.Command> request,
      Function<R, Optional<ConnectionId>> idOf,
      Consumer<List<R>> done) {
    return create(supervisors, replyClass, request, idOf, done, UNBOUNDED);
  }

  /** No window: every supervisor is asked at once. */
  static final int UNBOUNDED = Integer.MAX_VALUE;

  /**
   * As above, with at most {@code window} requests unanswered at a time: the next supervisor is asked
   * as each answers or stops, in id order.
   */
  static <R> Behavior<?> create(
      Map<ConnectionId, ActorRef<ConnectionSupervisor.Command>> supervisors,
      Class<R> replyClass,
      BiFunction<ConnectionId, ActorRef<R>, ConnectionSupervisor.Command> request,
      Function<R, Optional<ConnectionId>> idOf,
      Consumer<List<R>> done,
      int window) {
    if (window < 1) throw new IllegalArgumentException("window must be >= 1, was " + window);
    return Behaviors.<Message>setup(ctx -> {
      ActorRef<R> replies = ctx.messageAdapter(replyClass, Replied::new);
      ArrayDeque<Map.Entry<ConnectionId, ActorRef<ConnectionSupervisor.Command>>> toAsk =
          new ArrayDeque<>(new TreeMap<>(supervisors).entrySet());
      SupervisorFanOut<R> fanOut = new SupervisorFanOut<>(replyClass, idOf, done, toAsk, window,
          (id, supervisor) -> {
            ctx.watchWith(supervisor, new Stopped(id)); // a supervisor already gone is reported at once
            supervisor.tell(request.apply(id, replies));
          });
      return fanOut.collecting(ctx);
    });
  }

  private final Class<R> replyClass;
  private final Function<R, Optional<ConnectionId>> idOf;
  private final Consumer<List<R>> done;
  private final ArrayDeque<Map.Entry<ConnectionId, ActorRef<ConnectionSupervisor.Command>>> toAsk;
  private final int window;
  private final BiConsumer<ConnectionId, ActorRef<ConnectionSupervisor.Command>> ask;
  /** Asked and not answered yet. */
  private final Set<ConnectionId> waiting = new HashSet<>();
  private final List<R> replies = new ArrayList<>();

  private SupervisorFanOut(Class<R> replyClass, Function<R, Optional<ConnectionId>> idOf, Consumer<List<R>> done,
      ArrayDeque<Map.Entry<ConnectionId, ActorRef<ConnectionSupervisor.Command>>> toAsk, int window,
      BiConsumer<ConnectionId, ActorRef<ConnectionSupervisor.Command>> ask) {
    this.replyClass = replyClass;
    this.idOf = idOf;
    this.done = done;
    this.toAsk = toAsk;
    this.window = window;
    this.ask = ask;
  }

  private Behavior<Message> collecting(ActorContext<Message> ctx) {
    while (waiting.size() < window && !toAsk.isEmpty()) {
      Map.Entry<ConnectionId, ActorRef<ConnectionSupervisor.Command>> next = toAsk.poll();
      waiting.add(next.getKey());
      ask.accept(next.getKey(), next.getValue());
    }
    if (waiting.isEmpty()) {
      done.accept(List.copyOf(replies));
      return Behaviors.stopped();
    }
    return Behaviors.receive(Message.class)
        .onMessage(Replied.class, m -> {
          R reply = replyClass.cast(m.reply());
          replies.add(reply);
          idOf.apply(reply).ifPresent(waiting::remove);
          return collecting(ctx);
        })
        .onMessage(Stopped.class, m -> {
          ctx.getSelf().tell(new Settle(m.id()));
          return Behaviors.same();
        })
        .onMessage(Settle.class, m -> {
          waiting.remove(m.id());
          return collecting(ctx);
        })
        .build();
  }
}
