package dev.tether.connection.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.connection.ConnectionId;
import dev.tether.connection.internal.HandshakeAdmission.Grant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link HandshakeAdmission}: {@code tether.max-concurrent-handshakes}, first come first served. */
class HandshakeAdmissionTest {
  private static final ConnectionId A = ConnectionId.of("a");
  private static final ConnectionId B = ConnectionId.of("b");
  private static final ConnectionId C = ConnectionId.of("c");
  private static final ConnectionId D = ConnectionId.of("d");
  private static final ConnectionId E = ConnectionId.of("e");

  /** Whom to tell is the incarnation number here, as in the registry. */
  private static HandshakeAdmission<Long> admission(int limit) {
    return new HandshakeAdmission<>(limit);
  }

  @Test
  void upToTheLimitStartAtOnceTheRestWait() {
    HandshakeAdmission<Long> h = admission(2);
    assertTrue(h.request(A, 1L));
    assertTrue(h.request(B, 1L));
    assertFalse(h.request(C, 1L), "the limit is reached");
    assertFalse(h.request(D, 7L));
    assertEquals(2, h.inUse());
    assertEquals(2, h.waiting());
  }

  @Test
  void releasesGrantTheWaitingInArrivalOrder() {
    HandshakeAdmission<Long> h = admission(2);
    h.request(A, 1L);
    h.request(B, 1L);
    h.request(C, 3L);
    h.request(D, 4L);
    h.request(E, 5L);

    assertEquals(List.of(new Grant<>(C, 3L)), h.release(B), "the first to wait is the first let in");
    assertEquals(List.of(new Grant<>(D, 4L)), h.release(A));
    assertEquals(List.of(new Grant<>(E, 5L)), h.release(C));
    assertEquals(2, h.inUse(), "D and E hold the permits");
    assertEquals(0, h.waiting());
    assertEquals(List.of(), h.release(D), "nobody waits any more");
    assertEquals(1, h.inUse());
  }

  @Test
  void theLimitIsNeverExceeded() {
    HandshakeAdmission<Long> h = admission(3);
    int admittedAtOnce = 0;
    for (int i = 0; i < 10; i++) {
      if (h.request(ConnectionId.of("c" + i), (long) i)) admittedAtOnce++;
    }
    assertEquals(3, admittedAtOnce);
    for (int i = 0; i < 10; i++) {
      h.release(ConnectionId.of("c" + i));
      assertTrue(h.inUse() <= 3, "in use: " + h.inUse());
    }
    assertEquals(0, h.inUse());
    assertEquals(0, h.waiting());
  }

  @Test
  void releasingAWaitingIdRemovesItFromTheQueueWithoutFreeingAPermit() {
    HandshakeAdmission<Long> h = admission(1);
    h.request(A, 1L);
    h.request(B, 1L);
    h.request(C, 1L);

    assertEquals(List.of(), h.release(B), "B gave up waiting: it held no permit, so nobody is let in");
    assertEquals(1, h.inUse());
    assertEquals(1, h.waiting());
    assertEquals(List.of(new Grant<>(C, 1L)), h.release(A), "B is not let in later: C is next");
  }

  @Test
  void aNewcomerQueuesBehindThoseAlreadyWaiting() {
    HandshakeAdmission<Long> h = admission(1);
    h.request(A, 1L);
    h.request(B, 1L);
    assertEquals(List.of(new Grant<>(B, 1L)), h.release(A));
    assertFalse(h.request(C, 1L), "B holds the only permit");
    assertEquals(List.of(new Grant<>(C, 1L)), h.release(B));
  }

  @Test
  void aRequestByAHolderIsIdempotent() {
    HandshakeAdmission<Long> h = admission(1);
    assertTrue(h.request(A, 1L));
    assertTrue(h.request(A, 1L), "already holds a permit");
    assertEquals(1, h.inUse());
    assertEquals(0, h.waiting());
    assertEquals(List.of(), h.release(A));
    assertEquals(0, h.inUse(), "one release gives its single permit back");
  }

  @Test
  void aRepeatedRequestWhileWaitingKeepsItsPlace() {
    HandshakeAdmission<Long> h = admission(1);
    h.request(A, 1L);
    h.request(B, 1L);
    h.request(C, 1L);
    assertFalse(h.request(B, 1L), "still waiting");
    assertEquals(2, h.waiting(), "not queued twice");
    assertEquals(List.of(new Grant<>(B, 1L)), h.release(A), "B keeps its place ahead of C");
    assertEquals(List.of(new Grant<>(C, 1L)), h.release(B));
    assertEquals(List.of(), h.release(C), "and is let in only once");
  }

  @Test
  void releasingAnUnknownIdChangesNothing() {
    HandshakeAdmission<Long> h = admission(1);
    h.request(A, 1L);
    h.request(B, 1L);
    assertEquals(List.of(), h.release(E));
    assertEquals(1, h.inUse());
    assertEquals(1, h.waiting());
  }

  @Test
  void aReleasedPermitCanBeTakenAgain() {
    HandshakeAdmission<Long> h = admission(1);
    assertTrue(h.request(A, 1L));
    h.release(A);
    assertTrue(h.request(B, 1L));
    assertFalse(h.request(A, 2L), "A's next incarnation waits behind B");
  }
}
