package dev.tether.connection.internal.tls;

import java.nio.ByteBuffer;

/**
 * INTERNAL API: the heap buffers the engine reads from and writes into, kept per thread rather than
 * per connection. A stage borrows them for one batch of wrap or unwrap calls and gives them back
 * before its callback returns, so an idle connection holds none (Pekko's TLS actor keeps four, about
 * 89 KiB, for a connection's whole life).
 *
 * <p>Per thread, because a stage's callbacks run on one thread at a time and never overlap on a
 * thread: no locking, and a few threads (the stream dispatcher's) hold a few buffers each. A
 * borrowed buffer never leaves the method that borrowed it: what the engine produced is copied
 * into an exact-size {@code ByteString} before the buffer goes back.
 */
final class BufferPool {
  /** Buffers kept per thread: one batch needs at most two (unwrap: source and destination). */
  private static final int KEEP = 3;
  private static final ThreadLocal<BufferPool> LOCAL = ThreadLocal.withInitial(BufferPool::new);

  private final ByteBuffer[] free = new ByteBuffer[KEEP];
  private int freeCount;
  private int borrowed;

  private BufferPool() {}

  /** This thread's pool. */
  static BufferPool local() {
    return LOCAL.get();
  }

  /** A cleared buffer of at least {@code capacity} bytes; give it back with {@link #giveBack}. */
  ByteBuffer borrow(int capacity) {
    borrowed++;
    for (int i = 0; i < freeCount; i++) {
      ByteBuffer b = free[i];
      if (b.capacity() >= capacity) {
        free[i] = free[--freeCount];
        free[freeCount] = null;
        b.clear();
        return b;
      }
    }
    return ByteBuffer.allocate(capacity);
  }

  /** Takes a buffer back; keeps it for the next borrower on this thread, or drops the smallest. */
  void giveBack(ByteBuffer b) {
    borrowed--;
    if (freeCount < KEEP) {
      free[freeCount++] = b;
      return;
    }
    int smallest = 0;
    for (int i = 1; i < KEEP; i++) if (free[i].capacity() < free[smallest].capacity()) smallest = i;
    if (free[smallest].capacity() < b.capacity()) free[smallest] = b;
  }

  /** Buffers borrowed on this thread and not yet given back: 0 whenever no engine call is running. */
  int borrowed() {
    return borrowed;
  }
}
