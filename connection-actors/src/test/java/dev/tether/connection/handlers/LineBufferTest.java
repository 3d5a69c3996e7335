package dev.tether.connection.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class LineBufferTest {

  /** Feeds the chunks in order; returns every line completed, and whether a line was too long. */
  private static LineBuffer.Split feed(LineBuffer buffer, String... chunks) {
    List<String> lines = new ArrayList<>();
    LineBuffer b = buffer;
    for (String chunk : chunks) {
      LineBuffer.Split s = b.split(ByteString.fromString(chunk, StandardCharsets.UTF_8));
      lines.addAll(s.lines());
      if (s.tooLong()) return new LineBuffer.Split(lines, true, s.rest());
      b = s.rest();
    }
    return new LineBuffer.Split(lines, false, b);
  }

  @Test
  void severalLinesInOneChunkComeOutInOrderWithoutTheirTerminators() {
    LineBuffer.Split s = feed(LineBuffer.create(100), "PING\r\nSTATUS\n\nRUN 5\n");
    assertEquals(List.of("PING", "STATUS", "", "RUN 5"), s.lines());
    assertFalse(s.tooLong());
    assertEquals(0, s.rest().pendingBytes());
  }

  @Test
  void anUnfinishedLineWaitsForTheNextChunk() {
    LineBuffer.Split s = LineBuffer.create(100).split(ByteString.fromString("PING\nSTA"));
    assertEquals(List.of("PING"), s.lines());
    assertEquals(3, s.rest().pendingBytes());
    LineBuffer.Split t = s.rest().split(ByteString.fromString("TUS\n"));
    assertEquals(List.of("STATUS"), t.lines());
    assertEquals(0, t.rest().pendingBytes());
  }

  @Test
  void aCrLfSplitAcrossChunksIsOneTerminator() {
    assertEquals(List.of("PING"), feed(LineBuffer.create(100), "PI", "NG\r", "\n").lines());
  }

  @Test
  void aCarriageReturnInsideALineIsKept() {
    assertEquals(List.of("a\rb"), feed(LineBuffer.create(100), "a\rb\n").lines());
  }

  @Test
  void aMultiByteCharacterSplitAcrossChunksIsDecodedWhole() {
    byte[] e = "é\n".getBytes(StandardCharsets.UTF_8); // 0xC3 0xA9 0x0A
    LineBuffer.Split first = LineBuffer.create(100).split(ByteString.fromArray(e, 0, 1));
    LineBuffer.Split second = first.rest().split(ByteString.fromArray(e, 1, 2));
    assertEquals(List.of("é"), second.lines());
  }

  @Test
  void aLineOfExactlyTheLimitIsAccepted() {
    assertEquals(List.of("abcd"), feed(LineBuffer.create(4), "abcd\n").lines());
    assertFalse(feed(LineBuffer.create(4), "abcd\n").tooLong());
  }

  @Test
  void theCrOfCrLfDoesNotCountTowardsTheLimit() {
    LineBuffer.Split s = feed(LineBuffer.create(4), "abcd\r\n");
    assertEquals(List.of("abcd"), s.lines());
    assertFalse(s.tooLong());
  }

  @Test
  void aLongerCompleteLineIsTooLongAndTheLinesBeforeItAreKept() {
    LineBuffer.Split s = feed(LineBuffer.create(4), "ab\nabcde\ncd\n");
    assertEquals(List.of("ab"), s.lines());
    assertTrue(s.tooLong());
  }

  @Test
  void anUnfinishedLineIsTooLongAsSoonAsItExceedsTheLimit() {
    assertFalse(feed(LineBuffer.create(4), "abcd").tooLong());
    assertTrue(feed(LineBuffer.create(4), "abcde").tooLong());
    assertTrue(feed(LineBuffer.create(4), "ab", "cd", "e").tooLong());
  }

  @Test
  void anUnfinishedLineOneByteOverTheLimitIsNotTooLongWhileThatByteMayStartACrLf() {
    LineBuffer.Split waiting = feed(LineBuffer.create(4), "abcd\r");
    assertFalse(waiting.tooLong());
    assertEquals(5, waiting.rest().pendingBytes());
    assertEquals(List.of("abcd"), feed(LineBuffer.create(4), "abcd\r", "\n").lines());
    assertTrue(feed(LineBuffer.create(4), "abcd\r", "x").tooLong());
    assertTrue(feed(LineBuffer.create(4), "abcde\r").tooLong());
  }

  @Test
  void whatIsBufferedNeverExceedsTheLimitByMoreThanTheCr() {
    LineBuffer b = LineBuffer.create(8);
    for (int i = 0; i < 1000; i++) {
      LineBuffer.Split s = b.split(ByteString.fromString(i % 3 == 0 ? "PING\nSTA" : "TUS\n"));
      assertFalse(s.tooLong());
      b = s.rest();
      assertTrue(b.pendingBytes() <= 9, "pending " + b.pendingBytes());
    }
  }

  @Test
  void theLimitMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> LineBuffer.create(0));
  }
}
