package dev.tether.connection.internal;

import dev.tether.connection.SendResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: the writes of one incarnation on their way to the TLS stage. At most one write is in
 * flight (the stream's source acknowledges each element); the rest wait here, up to {@code
 * max-pending-writes} for the user's sends. Keepalive pings are never refused. Once closing and
 * empty, the queue says to finish the plaintext side, which makes the TLS stage send close_notify.
 *
 * <p>It only decides; the connection actor does the telling. Owned by one actor, never shared.
 */
final class WriteQueue {

  /** A write: the user's bytes and whom to answer, or a keepalive ping (no one to answer). */
  record PendingWrite(ByteString bytes, Optional<ActorRef<SendResult>> replyTo) {
    static PendingWrite ping(ByteString bytes) {
      return new PendingWrite(bytes, Optional.empty());
    }
  }

  /** What the actor should hand the stream next. */
  sealed interface Next {}

  /** Hand these bytes to the stream. */
  record Write(ByteString bytes) implements Next {}

  enum Idle implements Next {
    /** Nothing to do: a write is in flight, or nothing waits. */
    INSTANCE
  }

  enum Finish implements Next {
    /** Everything is written and we are closing: complete the plaintext side. */
    INSTANCE
  }

  private final int maxPending;
  private final ArrayDeque<PendingWrite> pending = new ArrayDeque<>();
  private Optional<PendingWrite> inFlight = Optional.empty();
  private boolean closing;
  private boolean finished;

  WriteQueue(int maxPending) {
    this.maxPending = maxPending;
  }

  /** Queues a user's write; false if {@code max-pending-writes} are already waiting. */
  boolean offer(ByteString bytes, ActorRef<SendResult> replyTo) {
    if (pending.size() >= maxPending) return false;
    pending.add(new PendingWrite(bytes, Optional.of(replyTo)));
    return true;
  }

  /** Queues a keepalive ping; never refused, so that a full queue cannot hide a dead peer. */
  void ping(ByteString bytes) {
    pending.add(PendingWrite.ping(bytes));
  }

  /** From now on, finish once everything pending is written. */
  void closeWhenWritten() {
    closing = true;
  }

  /** The next step; a {@link Write} is in flight until {@link #acknowledged()}. */
  Next next() {
    if (inFlight.isPresent() || finished) return Idle.INSTANCE;
    PendingWrite write = pending.poll();
    if (write != null) {
      inFlight = Optional.of(write);
      return new Write(write.bytes());
    }
    if (closing) {
      finished = true;
      return Finish.INSTANCE;
    }
    return Idle.INSTANCE;
  }

  /** The stream took the write in flight; returns it. */
  Optional<PendingWrite> acknowledged() {
    Optional<PendingWrite> done = inFlight;
    inFlight = Optional.empty();
    return done;
  }

  /** Every write not taken by the stream (in flight first, then in order), removed from the queue. */
  List<PendingWrite> takeUnwritten() {
    List<PendingWrite> all = new ArrayList<>(pending.size() + 1);
    inFlight.ifPresent(all::add);
    all.addAll(pending);
    inFlight = Optional.empty();
    pending.clear();
    return all;
  }

  int pendingCount() {
    return pending.size();
  }

  int maxPending() {
    return maxPending;
  }
}
