package dev.tether.connection.settings;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Reconnect policy: exponential backoff with jitter and a restart-intensity limit.
 *
 * @param minBackoff delay before the first reconnect attempt
 * @param maxBackoff upper bound of the delay, before jitter
 * @param randomFactor jitter: each delay is multiplied by a random value in {@code [1, 1 + randomFactor]}
 * @param resetAfter an incarnation that stayed open this long resets the backoff to minBackoff
 * @param maxFailures more than this many failures within {@code maxFailuresWithin} make the
 *     connection {@link ConnectionState#FAILED}
 * @param maxFailuresWithin the sliding window for {@code maxFailures}
 */
public record ReconnectSettings(
    Duration minBackoff,
    Duration maxBackoff,
    double randomFactor,
    Duration resetAfter,
    int maxFailures,
    Duration maxFailuresWithin) {

  /** The smallest valid {@code random-factor}: no jitter. */
  public static final double MIN_RANDOM_FACTOR = 0.0;

  /** The largest valid {@code random-factor}: jitter multiplies a delay by at most {@code 1 + 10}. */
  public static final double MAX_RANDOM_FACTOR = 10.0;

  public ReconnectSettings {
    Settings.requirePositive(minBackoff, "min-backoff");
    Settings.requirePositive(maxBackoff, "max-backoff");
    if (!isValidBackoffRange(minBackoff, maxBackoff)) {
      throw new IllegalArgumentException("max-backoff (" + maxBackoff + ") must be >= min-backoff (" + minBackoff + ")");
    }
    if (!isValidRandomFactor(randomFactor)) {
      throw new IllegalArgumentException(
          "random-factor must be between " + MIN_RANDOM_FACTOR + " and " + MAX_RANDOM_FACTOR + ", was " + randomFactor);
    }
    Settings.requirePositive(resetAfter, "reset-after");
    if (maxFailures < 1) throw new IllegalArgumentException("max-failures must be >= 1, was " + maxFailures);
    Settings.requirePositive(maxFailuresWithin, "max-failures-within");
  }

  /**
   * Whether {@code randomFactor} is a valid {@code random-factor}: between {@link #MIN_RANDOM_FACTOR}
   * and {@link #MAX_RANDOM_FACTOR}, inclusive (NaN is not). The constructor applies this check.
   */
  public static boolean isValidRandomFactor(double randomFactor) {
    return randomFactor >= MIN_RANDOM_FACTOR && randomFactor <= MAX_RANDOM_FACTOR;
  }

  /**
   * Whether {@code minBackoff} and {@code maxBackoff} are in order: {@code minBackoff <= maxBackoff}.
   * The constructor applies this check.
   */
  public static boolean isValidBackoffRange(Duration minBackoff, Duration maxBackoff) {
    return maxBackoff.compareTo(minBackoff) >= 0;
  }

  /** Reads a {@code reconnect { ... }} block. */
  public static ReconnectSettings fromConfig(Config c, String path) {
    return Settings.wrap(path, () -> new ReconnectSettings(
        c.getDuration("min-backoff"),
        c.getDuration("max-backoff"),
        c.getDouble("random-factor"),
        c.getDuration("reset-after"),
        c.getInt("max-failures"),
        c.getDuration("max-failures-within")));
  }

  /**
   * The delay before reconnect attempt number {@code attempt} (0-based), without jitter: {@code
   * min(maxBackoff, minBackoff * 2^attempt)}.
   */
  public Duration baseDelay(int attempt) {
    double factor = Math.pow(2, Math.min(attempt, 30));
    double nanos = Math.min((double) maxBackoff.toNanos(), minBackoff.toNanos() * factor);
    return Duration.ofNanos((long) nanos);
  }

  public ReconnectSettings withMinBackoff(Duration d) {
    return new ReconnectSettings(d, maxBackoff.compareTo(d) < 0 ? d : maxBackoff, randomFactor, resetAfter, maxFailures, maxFailuresWithin);
  }

  public ReconnectSettings withMaxBackoff(Duration d) {
    return new ReconnectSettings(minBackoff, d, randomFactor, resetAfter, maxFailures, maxFailuresWithin);
  }

  public ReconnectSettings withRandomFactor(double f) {
    return new ReconnectSettings(minBackoff, maxBackoff, f, resetAfter, maxFailures, maxFailuresWithin);
  }

  public ReconnectSettings withResetAfter(Duration d) {
    return new ReconnectSettings(minBackoff, maxBackoff, randomFactor, d, maxFailures, maxFailuresWithin);
  }

  public ReconnectSettings withMaxFailures(int n, Duration within) {
    return new ReconnectSettings(minBackoff, maxBackoff, randomFactor, resetAfter, n, within);
  }
}
