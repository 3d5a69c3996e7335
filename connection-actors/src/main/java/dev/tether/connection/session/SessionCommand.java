package dev.tether.connection.session;

import dev.tether.connection.CloseMode;
import dev.tether.connection.SendResult;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.util.ByteString;

/**
 * What a session handler tells its connection; the {@link Session} methods send these. Each goes
 * only to the incarnation that spawned the handler, so it can never reach a later one.
 */
public sealed interface SessionCommand {

  /** Write bytes; answered with {@link SendResult} once the TLS stage has taken them. */
  record Write(ByteString bytes, ActorRef<SendResult> replyTo) implements SessionCommand {}

  /** The handler has taken the last {@link SessionEvent.Received}: the next may be delivered. */
  enum Ack implements SessionCommand { INSTANCE }

  /** Close the connection with this mode (after the writes already accepted). */
  record Close(CloseMode mode) implements SessionCommand {}
}
