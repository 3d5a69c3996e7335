package dev.tether.connection.internal.cluster;

import dev.tether.connection.internal.lifecycle.Continuation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.connection.OutcomeKind;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LastHomeTest {
  private static final Instant SINCE = Instant.parse("2026-11-29T10:00:00Z");
  private static final LastHome LIVE = new LastHome("10.0.0.1:7355", 42L, 3, SINCE, false);

  @Test
  void roundTrips() {
    assertEquals(LIVE, LastHome.decode(LIVE.encode()));
    assertEquals(LIVE.markedHandedOff(), LastHome.decode(LIVE.markedHandedOff().encode()));
  }

  @Test
  void aConnectionWhoseMemberWasLostGoesOnWithTheNextIncarnationAndRecordsNodeLost() {
    Continuation c = LIVE.continuation(7L, "10.0.0.2:7355", SINCE.plusSeconds(40));
    assertEquals(4, c.firstIncarnation());
    var lost = c.previousEnd().orElseThrow();
    assertEquals(OutcomeKind.NODE_LOST, lost.kind());
    assertEquals(3, lost.incarnation());
    assertEquals(Duration.ofSeconds(40), lost.duration());
    assertTrue(lost.detail().contains("10.0.0.1:7355") && lost.detail().contains("10.0.0.2:7355"), lost.detail());
  }

  @Test
  void aHandOffOrAStopOnTheSameMemberIsNotALoss() {
    assertTrue(LIVE.markedHandedOff().continuation(7L, "10.0.0.2:7355", SINCE).previousEnd().isEmpty());
    assertTrue(LIVE.continuation(42L, "10.0.0.1:7355", SINCE).previousEnd().isEmpty());
    assertEquals(4, LIVE.markedHandedOff().continuation(7L, "x:1", SINCE).firstIncarnation());
  }

  @Test
  void aMemberRestartedOnTheSameAddressIsAnotherMember() {
    assertEquals(OutcomeKind.NODE_LOST,
        LIVE.continuation(43L, "10.0.0.1:7355", SINCE).previousEnd().orElseThrow().kind());
  }

  @Test
  void aClockThatWentBackDoesNotGiveANegativeDuration() {
    assertEquals(Duration.ZERO, LIVE.continuation(7L, "x:1", SINCE.minusSeconds(5)).previousEnd().orElseThrow().duration());
  }

  @Test
  void textItDidNotWriteIsRefusedSayingWhy() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LastHome.decode("2;a;1;1;1;live")).getMessage()
        .contains("format-1"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LastHome.decode("1;a;1;1;1;gone")).getMessage()
        .contains("gone"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LastHome.decode("1;a;x;1;1;live")).getMessage()
        .contains("not one"));
  }
}
