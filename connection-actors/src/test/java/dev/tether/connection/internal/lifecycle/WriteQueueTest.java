package dev.tether.connection.internal.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.connection.SendResult;
import dev.tether.connection.internal.lifecycle.WriteQueue.Finish;
import dev.tether.connection.internal.lifecycle.WriteQueue.Idle;
import dev.tether.connection.internal.lifecycle.WriteQueue.PendingWrite;
import dev.tether.connection.internal.lifecycle.WriteQueue.Write;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.TestInbox;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/** {@link WriteQueue}: it only decides; no stream, no actor system (reply targets are inboxes). */
class WriteQueueTest {
  private final ActorRef<SendResult> alice = TestInbox.<SendResult>create().getRef();
  private final ActorRef<SendResult> bob = TestInbox.<SendResult>create().getRef();

  private static ByteString bytes(String s) {
    return ByteString.fromString(s);
  }

  @Test
  void anEmptyQueueIsIdleWhileOpen() {
    WriteQueue q = new WriteQueue(4);
    assertSame(Idle.INSTANCE, q.next());
    assertEquals(List.of(), q.acknowledged(), "nothing was in flight");
  }

  @Test
  void oneElementInFlightAtATimeInOrder() {
    WriteQueue q = new WriteQueue(4);
    assertTrue(q.offer(bytes("a"), alice));
    assertEquals(new Write(bytes("a")), q.next(), "a lone write leaves at once");
    assertTrue(q.offer(bytes("b"), bob));
    assertSame(Idle.INSTANCE, q.next(), "a is in flight: nothing else is handed out");
    assertEquals(List.of(new PendingWrite(bytes("a"), Optional.of(alice))), q.acknowledged());
    assertEquals(new Write(bytes("b")), q.next());
    assertEquals(List.of(new PendingWrite(bytes("b"), Optional.of(bob))), q.acknowledged());
    assertSame(Idle.INSTANCE, q.next());
    assertEquals(List.of(), q.acknowledged(), "a second acknowledgement finds nothing in flight");
  }

  @Test
  void writesThatWaitTogetherLeaveAsOneElementAndAreTakenTogether() {
    WriteQueue q = new WriteQueue(8);
    q.offer(bytes("a"), alice);
    assertEquals(new Write(bytes("a")), q.next());
    q.offer(bytes("b"), bob);
    q.offer(bytes("c"), alice);
    assertEquals(2, q.pendingCount());
    q.acknowledged();
    assertEquals(new Write(bytes("bc")), q.next(), "b and c waited together: one element, in order");
    assertEquals(0, q.pendingCount(), "both left the queue");
    assertEquals(List.of(new PendingWrite(bytes("b"), Optional.of(bob)), new PendingWrite(bytes("c"), Optional.of(alice))),
        q.acknowledged(), "each is answered on its own");
  }

  @Test
  void anElementCarriesAtMostTheCoalesceLimitUnlessOneWriteIsLarger() {
    int half = WriteQueue.COALESCE_LIMIT / 2;
    WriteQueue q = new WriteQueue(8);
    q.offer(ByteString.fromArray(new byte[half]), alice);
    q.offer(ByteString.fromArray(new byte[half]), alice);
    q.offer(ByteString.fromArray(new byte[1]), alice);
    q.offer(ByteString.fromArray(new byte[WriteQueue.COALESCE_LIMIT + 1]), alice);
    assertEquals(WriteQueue.COALESCE_LIMIT, ((Write) q.next()).bytes().size(), "two halves fill the limit exactly");
    assertEquals(2, q.acknowledged().size());
    assertEquals(1, ((Write) q.next()).bytes().size(), "the large write does not fit behind the small one");
    q.acknowledged();
    assertEquals(WriteQueue.COALESCE_LIMIT + 1, ((Write) q.next()).bytes().size(), "a write beyond the limit goes alone");
  }

  @Test
  void pingsAndUserWritesShareOneOrder() {
    WriteQueue q = new WriteQueue(4);
    q.offer(bytes("a"), alice);
    assertEquals(new Write(bytes("a")), q.next());
    q.ping(bytes("PING\n"));
    q.offer(bytes("b"), bob);
    q.acknowledged();
    assertEquals(new Write(bytes("PING\nb")), q.next());
    assertEquals(List.of(PendingWrite.ping(bytes("PING\n")), new PendingWrite(bytes("b"), Optional.of(bob))),
        q.acknowledged(), "a ping has no one to answer");
  }

  @Test
  void userWritesBeyondMaxPendingAreRefused() {
    WriteQueue q = new WriteQueue(2);
    assertEquals(2, q.maxPending());
    assertTrue(q.offer(bytes("a"), alice));
    assertTrue(q.offer(bytes("b"), alice));
    assertFalse(q.offer(bytes("c"), bob), "two already wait");
    assertEquals(2, q.pendingCount());

    assertEquals(new Write(bytes("ab")), q.next()); // both leave the queue together: in flight
    assertEquals(0, q.pendingCount());
    assertTrue(q.offer(bytes("c"), bob), "room again once they were handed to the stream");
    assertTrue(q.offer(bytes("d"), bob));
    assertFalse(q.offer(bytes("e"), bob));
  }

  @Test
  void pingsAreNeverRefusedEvenWhenTheQueueIsFull() {
    WriteQueue q = new WriteQueue(1);
    assertTrue(q.offer(bytes("a"), alice));
    assertFalse(q.offer(bytes("b"), alice));
    q.ping(bytes("PING\n"));
    q.ping(bytes("PING\n"));
    assertEquals(3, q.pendingCount(), "both pings wait behind the full queue");
    assertFalse(q.offer(bytes("c"), alice), "and user writes are still refused");
  }

  @Test
  void finishesOnlyWhenClosingAndEmptyAndOnlyOnce() {
    WriteQueue q = new WriteQueue(4);
    q.offer(bytes("a"), alice);
    assertEquals(new Write(bytes("a")), q.next());
    q.offer(bytes("b"), alice);
    q.closeWhenWritten();
    q.acknowledged();
    assertEquals(new Write(bytes("b")), q.next(), "closing still writes what waits, first");
    assertSame(Idle.INSTANCE, q.next(), "b still in flight");
    q.acknowledged();
    assertSame(Finish.INSTANCE, q.next(), "closing and empty: complete the plaintext side");
    assertSame(Idle.INSTANCE, q.next(), "only once");
  }

  @Test
  void anEmptyQueueFinishesAtOnceWhenClosing() {
    WriteQueue q = new WriteQueue(4);
    assertSame(Idle.INSTANCE, q.next(), "open and empty: not finished");
    q.closeWhenWritten();
    assertSame(Finish.INSTANCE, q.next());
    assertSame(Idle.INSTANCE, q.next());
  }

  @Test
  void nothingIsHandedOutAfterFinish() {
    WriteQueue q = new WriteQueue(4);
    q.closeWhenWritten();
    assertSame(Finish.INSTANCE, q.next());
    q.ping(bytes("PING\n")); // e.g. a late keepalive
    assertSame(Idle.INSTANCE, q.next(), "the plaintext side is complete: no more writes");
    assertEquals(List.of(PendingWrite.ping(bytes("PING\n"))), q.takeUnwritten(), "it stays unwritten");
  }

  @Test
  void takeUnwrittenReturnsTheWriteInFlightFirstThenThePendingInOrderAndEmptiesTheQueue() {
    WriteQueue q = new WriteQueue(4);
    q.offer(bytes("a"), alice);
    assertEquals(new Write(bytes("a")), q.next());
    q.offer(bytes("b"), bob);
    q.ping(bytes("PING\n"));
    q.offer(bytes("c"), alice);

    List<PendingWrite> unwritten = q.takeUnwritten();

    assertEquals(List.of(
        new PendingWrite(bytes("a"), Optional.of(alice)),
        new PendingWrite(bytes("b"), Optional.of(bob)),
        PendingWrite.ping(bytes("PING\n")),
        new PendingWrite(bytes("c"), Optional.of(alice))), unwritten);
    assertEquals(0, q.pendingCount());
    assertEquals(List.of(), q.acknowledged(), "nothing in flight any more");
    assertSame(Idle.INSTANCE, q.next());
    assertEquals(List.of(), q.takeUnwritten(), "a second call finds nothing");
  }

  @Test
  void takeUnwrittenWithNothingInFlightReturnsThePending() {
    WriteQueue q = new WriteQueue(4);
    q.offer(bytes("a"), alice);
    q.offer(bytes("b"), bob);
    assertEquals(List.of(new PendingWrite(bytes("a"), Optional.of(alice)), new PendingWrite(bytes("b"), Optional.of(bob))),
        q.takeUnwritten());
  }
}
