package dev.tether.connection.internal.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.connection.settings.ReconnectSettings;
import dev.tether.connection.internal.lifecycle.ReconnectPolicy.Decision;
import dev.tether.connection.internal.lifecycle.ReconnectPolicy.GiveUp;
import dev.tether.connection.internal.lifecycle.ReconnectPolicy.RetryIn;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link ReconnectPolicy}: "retry in D" or "give up", with the randomness pinned by the test. */
class ReconnectPolicyTest {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final Duration MIN = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofMillis(800);
  private static final Duration RESET_AFTER = Duration.ofSeconds(30);
  private static final Duration WINDOW = Duration.ofMinutes(1);
  private static final double ALMOST_ONE = Math.nextDown(1.0); // the largest value a [0, 1) source gives

  private static ReconnectSettings settings(double randomFactor, int maxFailures) {
    return new ReconnectSettings(MIN, MAX, randomFactor, RESET_AFTER, maxFailures, WINDOW);
  }

  /** A policy without jitter and with a failure limit that the test does not reach. */
  private static ReconnectPolicy exact() {
    return new ReconnectPolicy(settings(0.0, 1000), () -> 0.5);
  }

  private static Duration retryDelay(Decision d) {
    return assertInstanceOf(RetryIn.class, d, "expected a retry").delay();
  }

  /** An incarnation that never became open ended at {@code at}. */
  private static Duration failedAt(ReconnectPolicy p, Instant at) {
    return retryDelay(p.onEnded(Optional.empty(), at));
  }

  @Test
  void backoffDoublesFromMinBackoffAndIsCappedAtMaxBackoff() {
    ReconnectPolicy p = exact();
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 7; i++) delays.add(failedAt(p, T0.plusSeconds(i)).toMillis());
    assertEquals(List.of(100L, 200L, 400L, 800L, 800L, 800L, 800L), delays);
  }

  @Test
  void backoffStaysCappedAfterManyAttempts() {
    ReconnectPolicy p = exact();
    Duration last = Duration.ZERO;
    for (int i = 0; i < 100; i++) last = failedAt(p, T0.plusSeconds(i));
    assertEquals(MAX, last, "2^attempt must not overflow into a shorter or negative delay");
  }

  static Stream<Arguments> jitterRows() {
    return Stream.of(
        // random draw, random-factor, base delay (attempt 0 = min-backoff) → delay
        Arguments.of(0.0, 0.2, Duration.ofMillis(100)),
        Arguments.of(0.5, 0.2, Duration.ofMillis(110)),
        Arguments.of(0.0, 1.0, Duration.ofMillis(100)),
        Arguments.of(0.5, 1.0, Duration.ofMillis(150)),
        Arguments.of(0.7, 0.0, Duration.ofMillis(100)));
  }

  @ParameterizedTest(name = "random draw {0} with random-factor {1}: the first delay is {2}")
  @MethodSource("jitterRows")
  void jitterMultipliesTheDelayByOnePlusDrawTimesRandomFactor(double draw, double factor, Duration expected) {
    ReconnectPolicy p = new ReconnectPolicy(settings(factor, 1000), () -> draw);
    assertEquals(expected, failedAt(p, T0));
  }

  @Test
  void jitterStaysWithinOneToOnePlusRandomFactorAtTheEdgesOfTheRandomRange() {
    double factor = 0.2;
    ReconnectPolicy low = new ReconnectPolicy(settings(factor, 1000), () -> 0.0);
    ReconnectPolicy high = new ReconnectPolicy(settings(factor, 1000), () -> ALMOST_ONE);
    for (int attempt = 0; attempt < 6; attempt++) {
      Instant at = T0.plusSeconds(attempt);
      Duration base = settings(factor, 1000).baseDelay(attempt);
      Duration lowest = failedAt(low, at);
      Duration highest = failedAt(high, at);
      assertEquals(base, lowest, "attempt " + attempt + ": a draw of 0.0 adds no jitter");
      Duration bound = Duration.ofNanos((long) (base.toNanos() * (1 + factor)));
      assertTrue(highest.compareTo(base) > 0 && highest.compareTo(bound) <= 0,
          "attempt " + attempt + ": a draw just below 1 gives a delay in (" + base + ", " + bound + "], was " + highest);
      assertTrue(bound.minus(highest).compareTo(Duration.ofNanos(1000)) < 0,
          "attempt " + attempt + ": a draw just below 1 is within a microsecond of the bound, was " + highest);
    }
  }

  @Test
  void anIncarnationThatStayedOpenForResetAfterStartsOverFromMinBackoff() {
    ReconnectPolicy p = exact();
    failedAt(p, T0);
    failedAt(p, T0.plusSeconds(1));
    failedAt(p, T0.plusSeconds(2)); // the next one would be 800ms
    Instant openedAt = T0.plusSeconds(3);
    Duration afterStable = retryDelay(p.onEnded(Optional.of(openedAt), openedAt.plus(RESET_AFTER)));
    assertEquals(MIN, afterStable, "open for exactly reset-after: stable, back to min-backoff");
    assertEquals(Duration.ofMillis(200), failedAt(p, openedAt.plus(RESET_AFTER).plusSeconds(1)), "then grows again");
  }

  @Test
  void anIncarnationOpenForLessThanResetAfterKeepsGrowing() {
    ReconnectPolicy p = exact();
    failedAt(p, T0);
    failedAt(p, T0.plusSeconds(1));
    Instant openedAt = T0.plusSeconds(2);
    Duration d = retryDelay(p.onEnded(Optional.of(openedAt), openedAt.plus(RESET_AFTER).minusMillis(1)));
    assertEquals(Duration.ofMillis(400), d, "open for just under reset-after is not stable");
  }

  @Test
  void givesUpWhenMoreThanMaxFailuresEndWithinTheWindow() {
    ReconnectPolicy p = new ReconnectPolicy(settings(0.0, 3), () -> 0.0);
    failedAt(p, T0);
    failedAt(p, T0.plusSeconds(10));
    failedAt(p, T0.plusSeconds(20)); // three failures: still allowed
    Decision fourth = p.onEnded(Optional.empty(), T0.plusSeconds(30));
    GiveUp g = assertInstanceOf(GiveUp.class, fourth, "the fourth failure within a minute gives up");
    assertEquals(4, g.failures());
    assertEquals(WINDOW, g.within());
  }

  @Test
  void aFailureExactlyAWindowAgoStillCounts() {
    ReconnectPolicy p = new ReconnectPolicy(settings(0.0, 1), () -> 0.0);
    failedAt(p, T0);
    assertInstanceOf(GiveUp.class, p.onEnded(Optional.empty(), T0.plus(WINDOW)));
  }

  @Test
  void theWindowSlidesOldFailuresAreForgotten() {
    ReconnectPolicy p = new ReconnectPolicy(settings(0.0, 3), () -> 0.0);
    failedAt(p, T0);
    failedAt(p, T0.plusSeconds(10));
    failedAt(p, T0.plusSeconds(20));
    // 61 s after the first: it has left the window, so this is only the third within a minute
    assertInstanceOf(RetryIn.class, p.onEnded(Optional.empty(), T0.plusSeconds(61)));
    // 5 s later the failures at 10 s and 20 s are still in the window: four within a minute
    assertInstanceOf(GiveUp.class, p.onEnded(Optional.empty(), T0.plusSeconds(66)));
  }

  @Test
  void failuresSpreadOutMoreThanAWindowApartNeverGiveUp() {
    ReconnectPolicy p = new ReconnectPolicy(settings(0.0, 1), () -> 0.0);
    for (int i = 0; i < 10; i++) {
      assertInstanceOf(RetryIn.class, p.onEnded(Optional.empty(), T0.plus(WINDOW.multipliedBy(i).plusSeconds(i))),
          "failure " + i);
    }
  }

  @Test
  void resetAfterAManualReconnectStartsOverFromMinBackoffAndForgetsFailures() {
    ReconnectPolicy p = new ReconnectPolicy(settings(0.0, 3), () -> 0.0);
    failedAt(p, T0);
    failedAt(p, T0.plusSeconds(1));
    failedAt(p, T0.plusSeconds(2));
    assertInstanceOf(GiveUp.class, p.onEnded(Optional.empty(), T0.plusSeconds(3)));

    p.reset(); // Reconnect requested (it also leaves failed)

    assertEquals(MIN, failedAt(p, T0.plusSeconds(4)), "back to min-backoff");
    assertEquals(Duration.ofMillis(200), failedAt(p, T0.plusSeconds(5)));
    assertEquals(Duration.ofMillis(400), failedAt(p, T0.plusSeconds(6)), "three failures since the reset: still allowed");
    assertInstanceOf(GiveUp.class, p.onEnded(Optional.empty(), T0.plusSeconds(7)), "the fourth since the reset gives up");
  }
}
