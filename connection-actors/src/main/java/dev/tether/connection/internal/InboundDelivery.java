package dev.tether.connection.internal;

import dev.tether.connection.ConnectionId;
import dev.tether.connection.InboundEvent;
import dev.tether.connection.Outcome;
import dev.tether.connection.SessionEvent;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: hands one incarnation's inbound bytes to whoever reads them: the spec's listener
 * (unacknowledged, as before) and the session handler, if any, with flow control. The stream's
 * acknowledgement of a chunk is held until the handler has taken it, so a slow handler slows the
 * peer through TCP. Once our close has begun, bytes are acknowledged at once and not delivered:
 * the answer is written, and what the peer still sends is read only so that it is not reset.
 */
final class InboundDelivery {
  private final ConnectionId id;
  private final long incarnation;
  private final Optional<ActorRef<InboundEvent>> listener;
  private ActorRef<SessionEvent> handler; // set once the handshake has finished
  private ActorRef<ConnectionTransport.Ack> held;
  private boolean discarding;

  InboundDelivery(ConnectionId id, long incarnation, Optional<ActorRef<InboundEvent>> listener) {
    this.id = id;
    this.incarnation = incarnation;
    this.listener = listener;
  }

  void handlerStarted(ActorRef<SessionEvent> h) {
    handler = h;
  }

  boolean hasHandler() {
    return handler != null;
  }

  /** Delivers a chunk; acknowledges it to the stream now unless the handler must take it first. */
  void deliver(ByteString bytes, ActorRef<ConnectionTransport.Ack> ackTo) {
    listener.ifPresent(l -> l.tell(new InboundEvent.Received(id, incarnation, bytes)));
    if (handler == null || discarding) {
      ackTo.tell(ConnectionTransport.Ack.INSTANCE);
    } else {
      held = ackTo;
      handler.tell(new SessionEvent.Received(bytes));
    }
  }

  /** The handler took the last chunk: the stream may deliver the next. */
  void handlerTook() {
    if (held != null) {
      held.tell(ConnectionTransport.Ack.INSTANCE);
      held = null;
    }
  }

  /** Our close has begun: from now on bytes are read and dropped, not delivered. */
  void discardFromNowOn() {
    discarding = true;
    handlerTook();
  }

  /** The incarnation ended: tells the listener and the handler. True if a handler must be waited for. */
  boolean ended(Outcome outcome) {
    listener.ifPresent(l -> l.tell(new InboundEvent.Ended(id, incarnation, outcome)));
    if (handler == null) return false;
    handler.tell(new SessionEvent.Ended(outcome));
    return true;
  }
}
