package dev.tether.connection.internal.tls;

import static javax.net.ssl.SSLEngineResult.HandshakeStatus.FINISHED;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_TASK;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_UNWRAP;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_WRAP;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: one batch of {@link SSLEngine} calls: wrap plaintext into up to a few records, or
 * unwrap a few complete records into plaintext. It borrows its buffers from {@link BufferPool} and
 * gives them back before returning; what the engine produced leaves as an exact-size copy. It stops
 * a batch wherever the caller must decide something: the handshake finished (verify the peer
 * first), the engine needs a task run or the other direction, the session closed, or the buffer is
 * full.
 */
final class EngineDriver {
  private EngineDriver() {}

  /** The most plaintext one record carries (RFC 8446 §5.1). */
  static final int MAX_PLAINTEXT = 16384;

  private static final ByteBuffer[] NO_BUFFERS = new ByteBuffer[0];

  /**
   * What one batch did.
   *
   * @param consumed bytes taken from the input (plaintext for wrap, ciphertext for unwrap)
   * @param produced what the engine wrote (records for wrap, plaintext for unwrap), maybe empty
   * @param handshake the engine's handshake status after the last call
   * @param closed the last call reported {@code CLOSED}: this direction of the session is over
   * @param underflow the engine wants more ciphertext than it was given
   */
  record Step(int consumed, ByteString produced, HandshakeStatus handshake, boolean closed, boolean underflow) {
    boolean finished() {
      return handshake == FINISHED;
    }
  }

  /**
   * Wraps what the engine has to send (handshake messages, alerts) and as much of {@code plain} as
   * fits into {@code maxRecords} records. Pass empty {@code plain} to send only the engine's own.
   */
  static Step wrap(SSLEngine engine, ByteString plain, int maxRecords) throws SSLException {
    int packet = engine.getSession().getPacketBufferSize();
    BufferPool pool = BufferPool.local();
    ByteBuffer dst = pool.borrow(packet * maxRecords);
    try {
      ByteBuffer[] srcs = buffers(plain.take(maxRecords * MAX_PLAINTEXT));
      int consumed = 0;
      SSLEngineResult r;
      while (true) {
        r = engine.wrap(srcs, dst);
        consumed += r.bytesConsumed();
        HandshakeStatus hs = r.getHandshakeStatus();
        if (r.getStatus() == Status.BUFFER_OVERFLOW) {
          if (dst.position() > 0) break; // full: send this, wrap the rest on the next pull
          ByteBuffer bigger = larger(pool, dst, engine.getSession().getPacketBufferSize());
          pool.giveBack(dst);
          dst = bigger;
          continue;
        }
        if (r.getStatus() != Status.OK || hs == FINISHED || hs == NEED_TASK || hs == NEED_UNWRAP) break;
        if (r.bytesProduced() == 0) {
          // The JDK has been seen to ask for wraps that never produce anything (akka #29922):
          // fail instead of spinning.
          if (hs == NEED_WRAP) throw new IllegalStateException("SSLEngine asks to wrap but produces nothing");
          break;
        }
        boolean more = hs == NEED_WRAP || (hs == NOT_HANDSHAKING && hasRemaining(srcs));
        if (!more || dst.remaining() < packet) break;
      }
      return new Step(consumed, copy(dst), r.getHandshakeStatus(), r.getStatus() == Status.CLOSED, false);
    } finally {
      pool.giveBack(dst);
    }
  }

  /**
   * Unwraps the first {@code length} bytes of {@code cipher} (complete records, see {@link
   * CipherRecords}) into at most {@code maxRecords} records' worth of plaintext.
   */
  static Step unwrap(SSLEngine engine, ByteString cipher, int length, int maxRecords) throws SSLException {
    SSLSession session = engine.getSession();
    int app = session.getApplicationBufferSize();
    BufferPool pool = BufferPool.local();
    // A copy, not a view of the ByteString: the JDK decrypts in place, in the source buffer. Never
    // smaller than a full batch, so that the pool's buffers fit every later batch too.
    ByteBuffer src = pool.borrow(Math.max(length, session.getPacketBufferSize() * maxRecords));
    ByteBuffer dst = pool.borrow(app * maxRecords);
    try {
      cipher.take(length).copyToBuffer(src);
      src.flip();
      int consumed = 0;
      boolean underflow = false;
      SSLEngineResult r;
      while (true) {
        r = engine.unwrap(src, dst);
        consumed += r.bytesConsumed();
        HandshakeStatus hs = r.getHandshakeStatus();
        if (r.getStatus() == Status.BUFFER_OVERFLOW) {
          if (dst.position() > 0) break; // full: deliver this first
          ByteBuffer bigger = larger(pool, dst, engine.getSession().getApplicationBufferSize());
          pool.giveBack(dst);
          dst = bigger;
          continue;
        }
        if (r.getStatus() == Status.BUFFER_UNDERFLOW) {
          underflow = true;
          break;
        }
        if (r.getStatus() != Status.OK || hs == FINISHED || hs == NEED_TASK || hs == NEED_WRAP) break;
        if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) break;
        if (!src.hasRemaining() || dst.remaining() < app) break;
      }
      return new Step(consumed, copy(dst), r.getHandshakeStatus(), r.getStatus() == Status.CLOSED, underflow);
    } finally {
      pool.giveBack(src);
      pool.giveBack(dst);
    }
  }

  /** A buffer larger than {@code current}, for an engine whose session grew its sizes. */
  private static ByteBuffer larger(BufferPool pool, ByteBuffer current, int needed) {
    if (needed <= current.capacity()) {
      throw new IllegalStateException("SSLEngine reports a buffer overflow into an empty buffer of "
          + current.capacity() + " bytes, while its session asks for " + needed);
    }
    return pool.borrow(needed);
  }

  private static ByteString copy(ByteBuffer b) {
    return b.position() == 0 ? ByteString.emptyByteString() : ByteString.fromArray(b.array(), b.arrayOffset(), b.position());
  }

  /** Views of the bytes, without copying; the engine only reads them. */
  private static ByteBuffer[] buffers(ByteString bytes) {
    if (bytes.isEmpty()) return NO_BUFFERS;
    List<ByteBuffer> list = new ArrayList<>(2);
    for (ByteBuffer b : bytes.getByteBuffers()) list.add(b);
    return list.toArray(NO_BUFFERS);
  }

  private static boolean hasRemaining(ByteBuffer[] srcs) {
    for (ByteBuffer b : srcs) if (b.hasRemaining()) return true;
    return false;
  }
}
