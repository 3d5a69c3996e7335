package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.SendResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: the writes of one incarnation on their way to the TLS stage. At most one element is
 * in flight (the stream's source acknowledges each); the rest wait here, up to {@code
 * max-pending-writes} for the user's sends. Keepalive pings are never refused. Once closing and
 * empty, the queue says to finish the plaintext side, which makes the TLS stage send close_notify.
 *
 * <p>Writes that wait together leave together: one element carries as many as fit in {@link
 * #COALESCE_LIMIT} bytes, in order, and all of them are taken when it is. Each element costs two
 * messages between the actor and the stream (the element, its acknowledgement), each a thread
 * hand-over; a busy connection with many small or medium writes pending would otherwise pay them
 * per write. A lone write still leaves at once, alone.
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

  /**
   * The most bytes one element carries when several writes wait: one batch of Tether's TLS stage
   * (four 16 KiB records); a larger element would only wait inside the stage. A single write larger
   * than this still goes as it is.
   */
  static final int COALESCE_LIMIT = 64 * 1024;

  private final int maxPending;
  private final ArrayDeque<PendingWrite> pending = new ArrayDeque<>();
  /** The writes of the element in flight, in order; empty when none is. */
  private final List<PendingWrite> inFlight = new ArrayList<>();
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

  /**
   * The next step; a {@link Write} (the waiting writes that fit {@link #COALESCE_LIMIT}, at least
   * one) is in flight until {@link #acknowledged()}.
   */
  Next next() {
    if (!inFlight.isEmpty() || finished) return Idle.INSTANCE;
    PendingWrite first = pending.poll();
    if (first != null) {
      inFlight.add(first);
      ByteString bytes = first.bytes();
      while (!pending.isEmpty() && bytes.size() + pending.peek().bytes().size() <= COALESCE_LIMIT) {
        PendingWrite w = pending.poll();
        inFlight.add(w);
        bytes = bytes.concat(w.bytes()); // a rope: no copy
      }
      return new Write(bytes);
    }
    if (closing) {
      finished = true;
      return Finish.INSTANCE;
    }
    return Idle.INSTANCE;
  }

  /** The stream took the element in flight; returns its writes, in order (none if nothing was in flight). */
  List<PendingWrite> acknowledged() {
    if (inFlight.isEmpty()) return List.of();
    List<PendingWrite> done = List.copyOf(inFlight);
    inFlight.clear();
    return done;
  }

  /** Every write not taken by the stream (in flight first, then in order), removed from the queue. */
  List<PendingWrite> takeUnwritten() {
    List<PendingWrite> all = new ArrayList<>(inFlight.size() + pending.size());
    all.addAll(inFlight);
    all.addAll(pending);
    inFlight.clear();
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
