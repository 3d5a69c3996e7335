package dev.tether.testing;

import org.apache.pekko.util.ByteIterator;
import org.apache.pekko.util.ByteString;

/**
 * The checkable byte stream the test peers write ({@code peers/*.py}, {@code clients/*.py}): byte k
 * of the stream is {@code k % 251}, so a reader sees at once whether a byte is missing, repeated or
 * out of order. One instance follows one stream as it arrives in chunks.
 */
public final class PatternStream {
  /** A prime, so that no power-of-two chunk or record size lines up with the pattern. */
  public static final int MODULUS = 251;

  private long received;

  /** Bytes taken so far. */
  public long received() {
    return received;
  }

  /** Takes the next chunk; fails naming the first byte that is not where the pattern puts it. */
  public void take(ByteString chunk) {
    long wrong = firstMisplaced(chunk, received);
    if (wrong >= 0) throw new AssertionError("byte " + wrong + " of the stream is wrong");
    received += chunk.size();
  }

  /** Takes the next chunk and counts its misplaced bytes instead of failing (for a reader on another thread). */
  public long takeCountingMisplaced(ByteString chunk) {
    long misplaced = 0;
    ByteIterator it = chunk.iterator();
    for (long k = received; it.hasNext(); k++) if ((it.next() & 0xff) != k % MODULUS) misplaced++;
    received += chunk.size();
    return misplaced;
  }

  /** The stream offset of the first misplaced byte of {@code chunk}, which starts at {@code offset}; -1 if none. */
  private static long firstMisplaced(ByteString chunk, long offset) {
    ByteIterator it = chunk.iterator();
    for (long k = offset; it.hasNext(); k++) if ((it.next() & 0xff) != k % MODULUS) return k;
    return -1;
  }
}
