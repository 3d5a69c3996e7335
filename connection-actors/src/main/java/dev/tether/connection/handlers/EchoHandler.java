package dev.tether.connection.handlers;

import dev.tether.connection.SendResult;
import dev.tether.connection.session.Session;
import dev.tether.connection.session.SessionEvent;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The {@code echo} handler: writes back every byte it reads, in order. It acknowledges a chunk only
 * once its echo has been taken by the TLS stage, so a client that sends faster than it reads is
 * slowed down through TCP instead of filling our memory.
 */
public final class EchoHandler {
  private EchoHandler() {}

  private record Written(SendResult result) {}

  public static Behavior<SessionEvent> create(Session session) {
    return Behaviors.<Object>setup(ctx -> {
      ActorRef<SendResult> written = ctx.getSelf().narrow();
      return Behaviors.receiveMessage(m -> {
        if (m instanceof SessionEvent.Received r) {
          session.write(r.bytes(), written);
          return Behaviors.same();
        }
        if (m instanceof SendResult.Accepted) {
          session.ack();
          return Behaviors.same();
        }
        // Rejected: the connection is ending; Ended follows.
        if (m instanceof SessionEvent.Ended) return Behaviors.stopped();
        return Behaviors.same();
      });
    }).narrow();
  }
}
