package dev.tether.admin.service;

import dev.tether.admin.json.Durations;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ListenerInfo;
import dev.tether.connection.ListenerSpec;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The service's start-up check of its configured listeners. The manager starts them itself and
 * binds them asynchronously, reporting a failed bind in {@link ListenerInfo#problem()}; so this
 * asks it for its listeners ({@code ListListeners}) every poll interval until each configured one
 * is bound or has a problem, within a deadline, and answers once: {@link Ready} or {@link Failed}.
 */
final class ListenerStartup {

  /** The answer. */
  sealed interface Result {}

  /** Every configured listener is bound; their snapshots, ordered by name. */
  record Ready(List<ListenerInfo> listeners) implements Result {}

  /** At least one configured listener cannot accept: each named with its address and why. */
  record Failed(String message) implements Result {}

  interface Command {}

  private enum Poll implements Command { INSTANCE }

  private enum DeadlinePassed implements Command { INSTANCE }

  /** A listing, or empty if the manager did not answer in time (the next poll asks again). */
  private record Polled(Optional<List<ListenerInfo>> listeners) implements Command {}

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ConnectionManager.Command> manager;
  /** Configured listener name → its configured address, ordered by name. */
  private final Map<String, String> expected;
  private final Duration pollInterval;
  private final Duration timeout;
  private final ActorRef<Result> replyTo;

  private ListenerStartup(ActorContext<Command> ctx, TimerScheduler<Command> timers,
      ActorRef<ConnectionManager.Command> manager, Map<String, String> expected, Duration pollInterval,
      Duration timeout, ActorRef<Result> replyTo) {
    this.ctx = ctx;
    this.timers = timers;
    this.manager = manager;
    this.expected = expected;
    this.pollInterval = pollInterval;
    this.timeout = timeout;
    this.replyTo = replyTo;
  }

  /**
   * @param configured the listeners the manager was started with
   * @param pollInterval the pause between a listing and the next request (each request is bounded by it too)
   * @param timeout the deadline for all of them to be bound or failed
   */
  static Behavior<Command> create(ActorRef<ConnectionManager.Command> manager, Collection<ListenerSpec> configured,
      Duration pollInterval, Duration timeout, ActorRef<Result> replyTo) {
    Map<String, String> expected = configured.stream()
        .collect(Collectors.toMap(ListenerSpec::name, ListenerSpec::address, (a, b) -> a, TreeMap::new));
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      if (expected.isEmpty()) {
        replyTo.tell(new Ready(List.of()));
        return Behaviors.stopped();
      }
      timers.startSingleTimer(DeadlinePassed.INSTANCE, timeout);
      ListenerStartup startup = new ListenerStartup(ctx, timers, manager, expected, pollInterval, timeout, replyTo);
      startup.poll();
      return startup.waiting(List.of());
    }));
  }

  /** Waiting for a listing (or for the next poll) until the deadline; {@code last} is the latest listing. */
  private Behavior<Command> waiting(List<ListenerInfo> last) {
    return Behaviors.receive(Command.class)
        .onMessage(Polled.class, p -> onPolled(p, last))
        .onMessageEquals(Poll.INSTANCE, this::onPoll)
        .onMessageEquals(DeadlinePassed.INSTANCE, () -> answer(timedOut(expected, last, timeout)))
        .build();
  }

  private Behavior<Command> onPolled(Polled p, List<ListenerInfo> last) {
    Optional<Result> result = p.listeners().flatMap(l -> check(expected, l));
    if (result.isPresent()) return answer(result.get());
    timers.startSingleTimer(Poll.INSTANCE, pollInterval);
    return waiting(p.listeners().orElse(last));
  }

  private Behavior<Command> onPoll() {
    poll();
    return Behaviors.same();
  }

  private Behavior<Command> answer(Result result) {
    replyTo.tell(result);
    return Behaviors.stopped();
  }

  private void poll() {
    ctx.ask(ConnectionManager.ListenerList.class, manager, pollInterval, ConnectionManager.ListListeners::new,
        (list, failure) -> new Polled(Optional.ofNullable(list).map(ConnectionManager.ListenerList::listeners)));
  }

  /**
   * The decision after one listing: {@link Failed} as soon as any configured listener has a problem
   * (naming every such listener), {@link Ready} once all are bound, else empty (still binding).
   *
   * @param expected configured listener name → its configured address
   */
  static Optional<Result> check(Map<String, String> expected, List<ListenerInfo> listed) {
    Map<String, ListenerInfo> byName = listed.stream()
        .collect(Collectors.toMap(ListenerInfo::name, Function.identity(), (a, b) -> a));
    String problems = new TreeMap<>(expected).entrySet().stream()
        .filter(e -> byName.containsKey(e.getKey()))
        .filter(e -> !byName.get(e.getKey()).bound() && byName.get(e.getKey()).problem().isPresent())
        .map(e -> "listener '" + e.getKey() + "' cannot accept on " + e.getValue() + ": "
            + byName.get(e.getKey()).problem().get())
        .collect(Collectors.joining("; "));
    if (!problems.isEmpty()) return Optional.of(new Failed(problems));
    boolean allBound = expected.keySet().stream().allMatch(n -> byName.containsKey(n) && byName.get(n).bound());
    if (!allBound) return Optional.empty();
    return Optional.of(new Ready(new TreeMap<>(expected).keySet().stream().map(byName::get).toList()));
  }

  /** The failure at the deadline, naming each configured listener not bound in the latest listing. */
  static Failed timedOut(Map<String, String> expected, List<ListenerInfo> last, Duration timeout) {
    return new Failed("listeners not bound within " + Durations.format(timeout) + ": "
        + new TreeMap<>(expected).entrySet().stream()
            .filter(e -> last.stream().noneMatch(i -> i.name().equals(e.getKey()) && i.bound()))
            .map(e -> "'" + e.getKey() + "' on " + e.getValue())
            .collect(Collectors.joining(", ")));
  }
}
