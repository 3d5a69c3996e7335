package dev.tether.connection.handlers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;

/**
 * Splits a byte stream into lines ended by {@code \n} or {@code \r\n}, at most {@code maxLineLength}
 * bytes each (the terminator not counted). Immutable: {@link #split} returns the complete lines and
 * the buffer that holds the rest, which is never longer than {@code maxLineLength + 1} bytes.
 *
 * <p>Lines are decoded as UTF-8 (malformed bytes become U+FFFD); the protocol itself is ASCII.
 */
final class LineBuffer {
  private final ByteString pending;
  private final int maxLineLength;

  private LineBuffer(ByteString pending, int maxLineLength) {
    this.pending = pending;
    this.maxLineLength = maxLineLength;
  }

  /** An empty buffer for lines of at most {@code maxLineLength} bytes. */
  static LineBuffer create(int maxLineLength) {
    if (maxLineLength < 1) throw new IllegalArgumentException("max-line-length must be >= 1, was " + maxLineLength);
    return new LineBuffer(ByteString.emptyByteString(), maxLineLength);
  }

  /**
   * What one chunk completed.
   *
   * @param lines the complete lines, in order, without their terminators
   * @param tooLong whether a line longer than the limit came after them (complete or still open);
   *     the bytes from there on are not looked at
   * @param rest the buffer holding the unfinished line, for the next chunk
   */
  record Split(List<String> lines, boolean tooLong, LineBuffer rest) {}

  /** Adds {@code chunk} to the unfinished line and splits off every complete line. */
  Split split(ByteString chunk) {
    byte[] data = pending.concat(chunk).toArray();
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < data.length; i++) {
      if (data[i] != '\n') continue;
      int end = i > start && data[i - 1] == '\r' ? i - 1 : i;
      if (end - start > maxLineLength) return new Split(List.copyOf(lines), true, create(maxLineLength));
      lines.add(new String(data, start, end - start, StandardCharsets.UTF_8));
      start = i + 1;
    }
    int open = data.length - start;
    if (open > maxLineLength && !(open == maxLineLength + 1 && data[data.length - 1] == '\r')) {
      // already too long, unless the one byte beyond the limit is the '\r' of a "\r\n" yet to come
      return new Split(List.copyOf(lines), true, create(maxLineLength));
    }
    return new Split(List.copyOf(lines), false,
        new LineBuffer(ByteString.fromArray(data, start, open), maxLineLength));
  }

  /** How many bytes of an unfinished line are buffered. */
  int pendingBytes() {
    return pending.length();
  }
}
