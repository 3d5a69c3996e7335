package dev.tether.connection.internal.cluster;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.ReplicatedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * Asks the Distributed Data replicator on behalf of an actor (the registry, or an entity), like
 * Pekko's {@code ReplicatorMessageAdapter} but without its one trap: when the replicator does not
 * answer within the ask timeout, that adapter throws, which stops the asking actor. The
 * replicator answers late only when it is swamped (a node storing thousands of specs, a slow
 * disk); the registry must not die of that. Here a missing answer becomes the replicator's own
 * failure answer ({@link Replicator.GetFailure}, {@link Replicator.ModifyFailure}) that every
 * caller already handles, and it is logged.
 *
 * <p>The timeout is for the replicator to answer at all, so it is longer than any consistency
 * timeout the callers use (they get {@code GetFailure} or {@code UpdateTimeout} from the
 * replicator itself at that point).
 *
 * @param <M> the asking actor's message type
 */
final class StoreAsk<M> {
  static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final ActorContext<M> ctx;
  private final ActorRef<Replicator.Command> replicator;

  StoreAsk(ActorContext<M> ctx, ActorRef<Replicator.Command> replicator) {
    this.ctx = ctx;
    this.replicator = replicator;
  }

  /** Reads {@code key}; the answer, or a {@code GetFailure} if none comes, is adapted to a message. */
  @SuppressWarnings("unchecked")
  <A extends ReplicatedData> void get(Key<A> key, Replicator.ReadConsistency consistency,
      Function<Replicator.GetResponse<A>, M> adapt) {
    Class<Replicator.GetResponse<A>> type = (Class<Replicator.GetResponse<A>>) (Class<?>) Replicator.GetResponse.class;
    ctx.ask(type, replicator, TIMEOUT, replyTo -> new Replicator.Get<>(key, consistency, replyTo), (answer, failure) -> {
      if (answer != null) return adapt.apply(answer);
      ctx.getLog().warn("the replicator did not answer a read of {} within {}: taken as not read", key.id(), TIMEOUT);
      return adapt.apply(new Replicator.GetFailure<>(key));
    });
  }

  /**
   * Updates {@code key}; the answer, or a {@code ModifyFailure} if none comes (it is then unknown
   * whether the update was applied), is adapted to a message.
   */
  @SuppressWarnings("unchecked")
  <A extends ReplicatedData> void update(Key<A> key, A initial, Replicator.WriteConsistency consistency,
      UnaryOperator<A> modify, Function<Replicator.UpdateResponse<A>, M> adapt) {
    Class<Replicator.UpdateResponse<A>> type =
        (Class<Replicator.UpdateResponse<A>>) (Class<?>) Replicator.UpdateResponse.class;
    ctx.ask(type, replicator, TIMEOUT, replyTo -> new Replicator.Update<>(key, initial, consistency, replyTo, modify::apply),
        (answer, failure) -> {
          if (answer != null) return adapt.apply(answer);
          ctx.getLog().warn("the replicator did not answer an update of {} within {}", key.id(), TIMEOUT);
          return adapt.apply(new Replicator.ModifyFailure<>(key, "no answer from the replicator within " + TIMEOUT, failure));
        });
  }
}
