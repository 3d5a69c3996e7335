package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.internal.transport.TransportHandles;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.Outcome;
import dev.tether.connection.SendResult;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: moves one incarnation's writes from its {@link WriteQueue} into the stream, one
 * element at a time (the plaintext source acknowledges each; writes that waited together share
 * one), and answers each sender: accepted once the TLS
 * stage has taken the bytes, rejected when the queue is full or the incarnation ended. Owned by the
 * connection actor; it only tells.
 */
final class WritePump {
  private final ConnectionId id;
  private final WriteQueue queue;
  private final TransportHandles transport;
  private final IncarnationCounters counters;

  WritePump(ConnectionId id, int maxPendingWrites, TransportHandles transport, IncarnationCounters counters) {
    this.id = id;
    this.queue = new WriteQueue(maxPendingWrites);
    this.transport = transport;
    this.counters = counters;
  }

  /** A user's write: queued and pumped, or refused at once when {@code max-pending-writes} wait. */
  void send(ByteString bytes, ActorRef<SendResult> replyTo) {
    if (!queue.offer(bytes, replyTo)) {
      replyTo.tell(new SendResult.Rejected(id, SendResult.Reason.BUFFER_FULL,
          queue.maxPending() + " writes are already pending; the peer is not reading fast enough"));
      return;
    }
    pump();
  }

  /** A keepalive ping: never refused. */
  void ping(ByteString bytes) {
    queue.ping(bytes);
    pump();
  }

  /** Our close: finish the plaintext side (the TLS stage then sends close_notify) once all is written. */
  void closeWhenWritten() {
    queue.closeWhenWritten();
    pump();
  }

  /** The stream took the write in flight: answer its sender and hand over the next. */
  void taken() {
    answerTaken();
    pump();
  }

  /** As {@link #taken()}, but write nothing more: the transport is being reset. */
  void answerTaken() {
    for (WriteQueue.PendingWrite done : queue.acknowledged()) {
      counters.addOut(done.bytes().size());
      done.replyTo().ifPresent(r -> r.tell(new SendResult.Accepted(id, done.bytes().size())));
    }
  }

  /** The incarnation ended: every write the stream did not take is rejected. */
  void rejectUnwritten(Outcome outcome) {
    for (WriteQueue.PendingWrite w : queue.takeUnwritten()) {
      w.replyTo().ifPresent(r -> r.tell(new SendResult.Rejected(id, SendResult.Reason.ENDED, "ended: " + outcome)));
    }
  }

  static void reject(ConnectionId id, ActorRef<SendResult> replyTo, SendResult.Reason reason, String message) {
    replyTo.tell(new SendResult.Rejected(id, reason, message));
  }

  /** A write to a connection that is not open, refused with the text supervisor and incarnation share. */
  static void rejectNotOpen(ConnectionId id, ActorRef<SendResult> replyTo, ConnectionState state) {
    reject(id, replyTo, SendResult.Reason.NOT_OPEN, "connection '" + id + "' is " + state.wireName() + ", not open");
  }

  private void pump() {
    WriteQueue.Next next = queue.next();
    if (next instanceof WriteQueue.Write w) transport.write(w.bytes());
    if (next == WriteQueue.Finish.INSTANCE) transport.finish();
  }
}
