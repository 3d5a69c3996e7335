package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.internal.transport.ConnectionTransport;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ReaderAck;
import dev.tether.connection.ReaderEvent;
import dev.tether.connection.Outcome;
import dev.tether.connection.session.SessionEvent;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: hands one incarnation's received bytes to whoever reads them, with flow control: the
 * spec's reader under a window of unacknowledged bytes ({@code inbound-window}), the session
 * handler, if any, one chunk at a time. The stream's acknowledgement of a chunk is held while
 * either is behind, so the stream stops pulling, the TLS stage and the kernel's buffer fill, and a
 * slow reader slows the peer through TCP. Once our close has begun the stream is not held any more
 * (the peer's close_notify must be read, however slow whoever reads): the reader still gets what
 * arrives, outside the window; the handler does not (its answer is written, and what the peer
 * still sends is read only so that it is not reset).
 */
final class ReaderDelivery {
  private final ConnectionId id;
  private final long incarnation;
  private final Optional<ActorRef<ReaderEvent>> reader;
  private final long window;
  private final ActorRef<ReaderAck> readerAckTo;
  private ActorRef<SessionEvent> handler; // set once the handshake has finished
  private boolean handlerBehind;
  /** Bytes given to the reader and not acknowledged yet. */
  private long unacknowledged;
  private ActorRef<ConnectionTransport.Ack> held;
  private boolean discarding;

  /**
   * @param window the reader's window in bytes; {@link ConnectionSettings#UNBOUNDED_WINDOW} if it does not acknowledge
   * @param readerAckTo where the reader's acknowledgements reach the connection (unused when unbounded)
   */
  ReaderDelivery(ConnectionId id, long incarnation, Optional<ActorRef<ReaderEvent>> reader, long window,
      ActorRef<ReaderAck> readerAckTo) {
    this.id = id;
    this.incarnation = incarnation;
    this.reader = reader;
    this.window = window;
    this.readerAckTo = readerAckTo;
  }

  void handlerStarted(ActorRef<SessionEvent> h) {
    handler = h;
  }

  boolean hasHandler() {
    return handler != null;
  }

  /** Delivers a chunk; acknowledges it to the stream now unless a reader must catch up first. */
  void deliver(ByteString bytes, ActorRef<ConnectionTransport.Ack> ackTo) {
    reader.ifPresent(l -> {
      if (window != ConnectionSettings.UNBOUNDED_WINDOW && !discarding) unacknowledged += bytes.size();
      l.tell(new ReaderEvent.Received(id, incarnation, bytes, readerAckTo));
    });
    if (handler != null && !discarding) {
      handlerBehind = true;
      handler.tell(new SessionEvent.Received(bytes));
    }
    held = ackTo;
    releaseIfCaughtUp();
  }

  /** The handler took the last chunk. */
  void handlerTook() {
    handlerBehind = false;
    releaseIfCaughtUp();
  }

  /** The reader acknowledged bytes of this incarnation. */
  void readerAcknowledged(ReaderAck ack) {
    if (ack.incarnation() != incarnation) return; // a late one of an earlier incarnation
    unacknowledged = Math.max(0, unacknowledged - ack.bytes());
    releaseIfCaughtUp();
  }

  /** The stream may deliver the next chunk once the handler has the last and the reader is inside its window. */
  private void releaseIfCaughtUp() {
    if (held != null && (discarding || (!handlerBehind && unacknowledged < window))) {
      held.tell(ConnectionTransport.Ack.INSTANCE);
      held = null;
    }
  }

  /** Our close has begun: from now on the stream is never held, and the handler gets no more bytes. */
  void discardFromNowOn() {
    discarding = true;
    releaseIfCaughtUp();
  }

  /** The incarnation ended: tells the reader and the handler. True if a handler must be waited for. */
  boolean ended(Outcome outcome) {
    reader.ifPresent(l -> l.tell(new ReaderEvent.Ended(id, incarnation, outcome)));
    if (handler == null) return false;
    handler.tell(new SessionEvent.Ended(outcome));
    return true;
  }
}
