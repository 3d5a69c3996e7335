package dev.tether.connection.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** {@link BufferPool}: buffers are reused on a thread, counted while borrowed, and never too small. */
class BufferPoolTest {
  @Test
  void aBufferGivenBackIsLentAgainClearedAndCountedWhileOut() {
    BufferPool pool = BufferPool.local();
    int before = pool.borrowed();
    ByteBuffer b = pool.borrow(1000);
    assertEquals(before + 1, pool.borrowed());
    b.put((byte) 1);
    pool.giveBack(b);
    assertEquals(before, pool.borrowed());
    ByteBuffer again = pool.borrow(500);
    assertSame(b, again);
    assertEquals(0, again.position());
    assertEquals(again.capacity(), again.limit());
    pool.giveBack(again);
  }

  @Test
  void aRequestLargerThanWhatIsKeptGetsANewBuffer() {
    BufferPool pool = BufferPool.local();
    ByteBuffer small = pool.borrow(10);
    pool.giveBack(small);
    ByteBuffer big = pool.borrow(small.capacity() + 1);
    assertNotSame(small, big);
    assertTrue(big.capacity() > small.capacity());
    pool.giveBack(big);
  }

  @Test
  void eachThreadHasItsOwnPool() throws Exception {
    BufferPool mine = BufferPool.local();
    BufferPool[] other = new BufferPool[1];
    Thread t = new Thread(() -> other[0] = BufferPool.local());
    t.start();
    t.join();
    assertNotSame(mine, other[0]);
  }
}
