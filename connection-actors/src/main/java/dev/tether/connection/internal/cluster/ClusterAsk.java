package dev.tether.connection.internal.cluster;

import dev.tether.connection.internal.lifecycle.ClusterNodes;
import dev.tether.connection.ConnectionManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * INTERNAL API: asks every member's manager one question and answers once, when all have answered or
 * the timeout has passed, naming the members that did not (the aggregator pattern of Pekko's
 * interaction patterns). Managers are found through the receptionist; every member that is up is
 * waited for, so a member whose manager is not listed here yet counts as missing, not as absent.
 *
 * @param <R> the answer each manager gives
 */
public final class ClusterAsk<R> {

  /** Every node's manager registers under this key in cluster mode. */
  public static final ServiceKey<ConnectionManager.Command> MANAGERS = ServiceKey.create(ConnectionManager.Command.class, "tether-manager");

  private record Found(Set<ActorRef<ConnectionManager.Command>> managers) {}

  private enum Timeout { INSTANCE }

  private final Class<R> answerType;
  private final Function<R, String> nodeOf;
  private final java.util.function.Predicate<R> isLast;
  private final BiConsumer<List<R>, List<String>> done;

  private ClusterAsk(Class<R> answerType, Function<R, String> nodeOf, java.util.function.Predicate<R> isLast,
      BiConsumer<List<R>, List<String>> done) {
    this.answerType = answerType;
    this.nodeOf = nodeOf;
    this.isLast = isLast;
    this.done = done;
  }

  /**
   * @param request the question, given where to answer
   * @param nodeOf which member an answer comes from ({@code host:port})
   * @param done gets the answers and the members that did not answer
   */
 public static <R> Behavior<Object> create(Duration timeout, Class<R> answerType,
      Function<ActorRef<R>, ConnectionManager.Command> request, Function<R, String> nodeOf,
      BiConsumer<List<R>, List<String>> done) {
    return create(timeout, answerType, request, nodeOf, r -> true, done);
  }

  /**
   * As above, for answers in several parts: a member has answered with the part {@code isLast}
   * accepts (its earlier parts arrive before it: same sender, same receiver). A member whose last
   * part is missing at the timeout is named missing, and its earlier parts are dropped, so that
   * the answer never holds part of a member.
   */
 public static <R> Behavior<Object> create(Duration timeout, Class<R> answerType,
      Function<ActorRef<R>, ConnectionManager.Command> request, Function<R, String> nodeOf,
      java.util.function.Predicate<R> isLast, BiConsumer<List<R>, List<String>> done) {
    ClusterAsk<R> ask = new ClusterAsk<>(answerType, nodeOf, isLast, done);
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      // Every member that is up is waited for, also one whose manager the receptionist here does not
      // list yet (its registration spreads by gossip, a second or two after the member joined): it
      // is asked as soon as it is listed, or named missing at the timeout; never silently left out.
      Set<String> waiting = new TreeSet<>();
      for (Member member : Cluster.get(ctx.getSystem()).state().getMembers()) {
        if (member.status() == MemberStatus.up()) waiting.add(ClusterNodes.node(member.address(), ctx.getSystem()));
      }
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(MANAGERS,
          ctx.messageAdapter(Receptionist.Listing.class, l -> new Found(l.getServiceInstances(MANAGERS)))));
      timers.startSingleTimer(Timeout.INSTANCE, timeout);
      return ask.collecting(ctx.getSelf().narrow(), request, waiting, new TreeSet<>(), new ArrayList<>(), false);
    }));
  }

  /**
   * @param waiting members whose (last) answer is due: asked, or up and not listed yet
   * @param asked members asked already
   * @param listed whether the receptionist has answered at all
   */
  private Behavior<Object> collecting(ActorRef<R> self, Function<ActorRef<R>, ConnectionManager.Command> request,
      Set<String> waiting, Set<String> asked, List<R> got, boolean listed) {
    if (listed && waiting.isEmpty()) return finish(got, waiting);
    return Behaviors.receive((c, m) -> {
      if (m instanceof Found found) {
        for (ActorRef<ConnectionManager.Command> manager : found.managers()) {
          String node = ClusterNodes.node(manager.path().address(), c.getSystem());
          if (asked.add(node)) {
            waiting.add(node);
            manager.tell(request.apply(self));
          }
        }
        return collecting(self, request, waiting, asked, got, true);
      }
      if (answerType.isInstance(m)) {
        R answer = answerType.cast(m);
        got.add(answer);
        if (isLast.test(answer)) waiting.remove(nodeOf.apply(answer));
        return collecting(self, request, waiting, asked, got, listed);
      }
      if (m == Timeout.INSTANCE) {
        return finish(got, listed ? waiting : Set.of("(the receptionist did not answer)"));
      }
      return Behaviors.same();
    });
  }

  private Behavior<Object> finish(List<R> got, Set<String> missing) {
    List<R> complete = got.stream().filter(r -> !missing.contains(nodeOf.apply(r))).toList();
    done.accept(complete, List.copyOf(missing));
    return Behaviors.stopped();
  }
}
