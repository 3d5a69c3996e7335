package dev.tether.connection.internal.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.connection.settings.KeepaliveSettings;
import dev.tether.connection.internal.lifecycle.KeepaliveMonitor.GiveUp;
import dev.tether.connection.internal.lifecycle.KeepaliveMonitor.Ignore;
import dev.tether.connection.internal.lifecycle.KeepaliveMonitor.OnInbound;
import dev.tether.connection.internal.lifecycle.KeepaliveMonitor.PingAgain;
import dev.tether.connection.internal.lifecycle.KeepaliveMonitor.PongReceived;
import dev.tether.connection.internal.lifecycle.KeepaliveMonitor.RestartIdle;
import dev.tether.connection.internal.lifecycle.KeepaliveMonitor.StillWaiting;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link KeepaliveMonitor}: its decisions only; time comes in as nanos chosen by the test. */
class KeepaliveMonitorTest {
  private static final ByteString PING = bytes("PING\n");
  private static final ByteString PONG = bytes("PONG\n");
  private static final long T0 = 1_000_000_000L;
  private static final long MS = 1_000_000L;

  private static ByteString bytes(String s) {
    return ByteString.fromString(s);
  }

  private static KeepaliveSettings settings(Optional<ByteString> pong, int allowedMisses) {
    return new KeepaliveSettings(true, Duration.ofSeconds(15), Duration.ofSeconds(5), PING, pong, allowedMisses,
        KeepaliveSettings.TcpKeepalive.OFF);
  }

  /** A started monitor that expects {@code PONG\n}, with no misses allowed. */
  private static KeepaliveMonitor started(Optional<ByteString> pong, int allowedMisses) {
    KeepaliveMonitor m = new KeepaliveMonitor(settings(pong, allowedMisses));
    assertTrue(m.start(), "enabled: the quiet-period timer starts");
    return m;
  }

  @Test
  void disabledKeepaliveStartsNoTimerAndIgnoresInbound() {
    KeepaliveMonitor m = new KeepaliveMonitor(settings(Optional.of(PONG), 0).withEnabled(false));
    assertFalse(m.start());
    assertSame(Ignore.INSTANCE, m.onInbound(bytes("hello"), T0));
    assertSame(Ignore.INSTANCE, m.onInbound(PONG, T0));
  }

  @Test
  void notStartedIgnoresInbound() {
    KeepaliveMonitor m = new KeepaliveMonitor(settings(Optional.of(PONG), 0));
    assertSame(Ignore.INSTANCE, m.onInbound(bytes("hello"), T0), "before the incarnation is open");
  }

  @Test
  void exposesItsTimersDurations() {
    KeepaliveMonitor m = new KeepaliveMonitor(settings(Optional.of(PONG), 0));
    assertEquals(Duration.ofSeconds(15), m.interval());
    assertEquals(Duration.ofSeconds(5), m.timeout());
  }

  @Test
  void theQuietPeriodEndsWithThePingBytes() {
    KeepaliveMonitor m = started(Optional.of(PONG), 0);
    assertEquals(PING, m.onIdle(T0));
  }

  @Test
  void inboundBytesWhileNotAwaitingAPongRestartTheQuietPeriod() {
    KeepaliveMonitor m = started(Optional.of(PONG), 0);
    assertSame(RestartIdle.INSTANCE, m.onInbound(bytes("data"), T0));
    assertSame(RestartIdle.INSTANCE, m.onInbound(PONG, T0), "a pong nobody asked for is just data");
  }

  /** Chunks arriving after a ping at T0, the last at T0 + 250 ms → what the last chunk decides. */
  static Stream<Arguments> pongRows() {
    return Stream.of(
        Arguments.of("the pong in one chunk", Optional.of(PONG), new String[] {"PONG\n"}, true),
        Arguments.of("the pong inside other bytes", Optional.of(PONG), new String[] {"xxPONG\nyy"}, true),
        Arguments.of("the pong split across two chunks", Optional.of(PONG), new String[] {"PO", "NG\n"}, true),
        Arguments.of("the pong split after a long first chunk", Optional.of(PONG), new String[] {"data data PON", "G\n"}, true),
        Arguments.of("the pong split across three chunks", Optional.of(PONG), new String[] {"P", "ON", "G\n"}, true),
        Arguments.of("bytes that are not the pong", Optional.of(PONG), new String[] {"data\n"}, false),
        Arguments.of("a prefix of the pong only", Optional.of(PONG), new String[] {"xx", "PON"}, false),
        Arguments.of("the pong with a byte between its halves", Optional.of(PONG), new String[] {"PO", "xNG\n"}, false),
        Arguments.of("any bytes, when no pong is configured", Optional.empty(), new String[] {"data\n"}, true),
        Arguments.of("any bytes, when the pong is configured as empty bytes", Optional.of(ByteString.emptyByteString()),
            new String[] {"data\n"}, true));
  }

  @ParameterizedTest(name = "after a ping, {0} → pong received: {3}")
  @MethodSource("pongRows")
  void recognisesThePong(String description, Optional<ByteString> pong, String[] chunks, boolean isPong) {
    KeepaliveMonitor m = started(pong, 0);
    m.onIdle(T0);
    for (int i = 0; i < chunks.length - 1; i++) {
      assertSame(StillWaiting.INSTANCE, m.onInbound(bytes(chunks[i]), T0 + 10 * MS), "chunk " + i + " alone is not the pong");
    }
    OnInbound last = m.onInbound(bytes(chunks[chunks.length - 1]), T0 + 250 * MS);
    if (isPong) {
      assertEquals(new PongReceived(250), last, "round trip from the ping's nanos to the pong's");
    } else {
      assertSame(StillWaiting.INSTANCE, last, "keeps the pong timer");
    }
  }

  @Test
  void afterThePongInboundRestartsTheQuietPeriodAgain() {
    KeepaliveMonitor m = started(Optional.of(PONG), 0);
    m.onIdle(T0);
    assertInstanceOf(PongReceived.class, m.onInbound(PONG, T0 + MS));
    assertSame(RestartIdle.INSTANCE, m.onInbound(PONG, T0 + 2 * MS));
  }

  @Test
  void bytesBeforeThePingDoNotCountTowardsThePong() {
    KeepaliveMonitor m = started(Optional.of(PONG), 0);
    assertSame(RestartIdle.INSTANCE, m.onInbound(bytes("PO"), T0));
    m.onIdle(T0 + MS);
    assertSame(StillWaiting.INSTANCE, m.onInbound(bytes("NG\n"), T0 + 2 * MS), "the halves straddle the ping");
  }

  @Test
  void roundTripIsMeasuredFromTheLatestPing() {
    KeepaliveMonitor m = started(Optional.of(PONG), 1);
    m.onIdle(T0);
    assertInstanceOf(PingAgain.class, m.onPongTimeout(T0 + 5_000 * MS)); // the second ping at T0 + 5 s
    assertEquals(new PongReceived(120), m.onInbound(PONG, T0 + 5_120 * MS));
  }

  @Test
  void roundTripIsTruncatedToWholeMilliseconds() {
    KeepaliveMonitor m = started(Optional.empty(), 0);
    m.onIdle(T0);
    assertEquals(new PongReceived(0), m.onInbound(bytes("x"), T0 + MS - 1));
    m.onIdle(T0 + 10 * MS);
    assertEquals(new PongReceived(7), m.onInbound(bytes("x"), T0 + 17 * MS + 999_999));
  }

  @Test
  void withNoMissesAllowedTheFirstPongTimeoutGivesUp() {
    KeepaliveMonitor m = started(Optional.of(PONG), 0);
    m.onIdle(T0);
    GiveUp g = assertInstanceOf(GiveUp.class, m.onPongTimeout(T0 + 5_000 * MS));
    assertEquals("no answer to 1 keepalive ping(s) within 5s each (after 15s without inbound bytes)", g.detail());
  }

  @Test
  void allowedMissesPingAgainThenGiveUp() {
    KeepaliveMonitor m = started(Optional.of(PONG), 2);
    m.onIdle(T0);
    assertEquals(new PingAgain(PING), m.onPongTimeout(T0 + 5_000 * MS), "first miss: allowed");
    assertEquals(new PingAgain(PING), m.onPongTimeout(T0 + 10_000 * MS), "second miss: allowed");
    GiveUp g = assertInstanceOf(GiveUp.class, m.onPongTimeout(T0 + 15_000 * MS), "third miss: too many");
    assertTrue(g.detail().contains("no answer to 3 keepalive ping(s) within 5s each"), g.detail());
  }

  @Test
  void aPongForgivesEarlierMisses() {
    KeepaliveMonitor m = started(Optional.of(PONG), 1);
    m.onIdle(T0);
    assertInstanceOf(PingAgain.class, m.onPongTimeout(T0 + 5_000 * MS));
    assertInstanceOf(PongReceived.class, m.onInbound(PONG, T0 + 5_100 * MS));
    m.onIdle(T0 + 20_000 * MS);
    assertInstanceOf(PingAgain.class, m.onPongTimeout(T0 + 25_000 * MS), "the count of misses started over");
    assertInstanceOf(GiveUp.class, m.onPongTimeout(T0 + 30_000 * MS));
  }

  @Test
  void stopIgnoresInboundAfterwardsEvenThePongItWaitedFor() {
    KeepaliveMonitor m = started(Optional.of(PONG), 0);
    m.onIdle(T0);
    m.stop();
    assertSame(Ignore.INSTANCE, m.onInbound(PONG, T0 + MS));
    assertSame(Ignore.INSTANCE, m.onInbound(bytes("data"), T0 + 2 * MS));
  }

  @Test
  void stopWhileNotAwaitingIgnoresInbound() {
    KeepaliveMonitor m = started(Optional.of(PONG), 0);
    m.stop();
    assertSame(Ignore.INSTANCE, m.onInbound(bytes("data"), T0));
  }
}
