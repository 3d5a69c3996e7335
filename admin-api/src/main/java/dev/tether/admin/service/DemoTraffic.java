package dev.tether.admin.service;

import dev.tether.connection.ConnectionManager;
import dev.tether.connection.SendResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.util.ByteString;

/**
 * Keeps the demo connections busy: every interval, one {@code STATUS} line of the jobs protocol on
 * each of them, through the manager. The listener answers each with a line.
 */
final class DemoTraffic extends AbstractBehavior<DemoTraffic.Command> {

  public interface Command {}

  private enum Tick implements Command { INSTANCE }

  private record WrappedSendResult(SendResult result) implements Command {}

  private static final ByteString STATUS = ByteString.fromString("STATUS\n", StandardCharsets.US_ASCII);

  private final ActorRef<ConnectionManager.Command> manager;
  private final List<String> ids;
  private final ActorRef<SendResult> sendResultAdapter;

  public static Behavior<Command> create(ActorRef<ConnectionManager.Command> manager, List<String> ids, Duration interval) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
      return new DemoTraffic(ctx, manager, ids);
    }));
  }

  private DemoTraffic(ActorContext<Command> ctx, ActorRef<ConnectionManager.Command> manager, List<String> ids) {
    super(ctx);
    this.manager = manager;
    this.ids = List.copyOf(ids);
    this.sendResultAdapter = ctx.messageAdapter(SendResult.class, WrappedSendResult::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Tick.class, t -> onTick())
        .onMessage(WrappedSendResult.class, this::onSendResult)
        .build();
  }

  private Behavior<Command> onTick() {
    for (String id : ids) manager.tell(new ConnectionManager.Send(id, STATUS, sendResultAdapter));
    return this;
  }

  private Behavior<Command> onSendResult(WrappedSendResult m) {
    // A connection that is reconnecting or closed rejects sends; the next tick tries again.
    if (m.result() instanceof SendResult.Rejected r) getContext().getLog().debug("demo send to {}: {}", r.connectionId(), r.message());
    return this;
  }
}
