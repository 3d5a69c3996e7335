package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.settings.ReconnectSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * INTERNAL API: after an incarnation ended on its own, "retry in D" or "give up". Exponential
 * backoff {@code min(max-backoff, min-backoff · 2^attempt)} times a jitter in {@code [1, 1 +
 * random-factor]}; an incarnation that stayed open for {@code reset-after} starts over from
 * min-backoff; more than {@code max-failures} ends within {@code max-failures-within} give up.
 *
 * <p>Randomness is injected, so tests can pin the jitter. Owned by one supervisor, never shared.
 */
final class ReconnectPolicy {

  /** The answer to an ended incarnation. */
  sealed interface Decision {}

  /**
   * Start the next incarnation after {@code delay}.
   *
   * @param attempt which attempt since the last reset (a stable incarnation or a reconnect on request), from 1
   */
  record RetryIn(Duration delay, int attempt) implements Decision {}

  /** Stop retrying until someone asks for a reconnect. */
  record GiveUp(int failures, Duration within) implements Decision {}

  private final ReconnectSettings settings;
  private final DoubleSupplier random;
  private final ArrayDeque<Instant> failures = new ArrayDeque<>();
  private int attempt;

  /** @param random values in {@code [0, 1)}, e.g. {@code ThreadLocalRandom.current()::nextDouble} */
  ReconnectPolicy(ReconnectSettings settings, DoubleSupplier random) {
    this.settings = settings;
    this.random = random;
  }

  /**
   * An incarnation ended at {@code endedAt}.
   *
   * @param openedAt when it became open, if it did
   */
  Decision onEnded(Optional<Instant> openedAt, Instant endedAt) {
    if (openedAt.isPresent() && !Duration.between(openedAt.get(), endedAt).minus(settings.resetAfter()).isNegative()) {
      attempt = 0; // it was stable: start over from min-backoff
    }
    failures.addLast(endedAt);
    Instant windowStart = endedAt.minus(settings.maxFailuresWithin());
    while (!failures.isEmpty() && failures.peekFirst().isBefore(windowStart)) failures.removeFirst();
    if (failures.size() > settings.maxFailures()) return new GiveUp(failures.size(), settings.maxFailuresWithin());
    Duration base = settings.baseDelay(attempt);
    double jitter = 1.0 + random.getAsDouble() * settings.randomFactor();
    attempt++;
    return new RetryIn(Duration.ofNanos((long) (base.toNanos() * jitter)), attempt);
  }

  /** Failures that count against max-failures at {@code now}: those within the window before it. */
  int failuresInWindow(Instant now) {
    Instant windowStart = now.minus(settings.maxFailuresWithin());
    int n = 0;
    for (Instant f : failures) {
      if (!f.isBefore(windowStart)) n++;
    }
    return n;
  }

  /** A reconnect was requested: forget past failures and start over from min-backoff. */
  void reset() {
    attempt = 0;
    failures.clear();
  }
}
