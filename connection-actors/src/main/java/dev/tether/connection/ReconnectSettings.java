package dev.tether.connection;

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

  public ReconnectSettings {
    Settings.requirePositive(minBackoff, "min-backoff");
    Settings.requirePositive(maxBackoff, "max-backoff");
    if (maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException("max-backoff (" + maxBackoff + ") must be >= min-backoff (" + minBackoff + ")");
    }
    if (!(randomFactor >= 0.0 && randomFactor <= 10.0)) {
      throw new IllegalArgumentException("random-factor must be between 0.0 and 10.0, was " + randomFactor);
    }
    Settings.requirePositive(resetAfter, "reset-after");
    if (maxFailures < 1) throw new IllegalArgumentException("max-failures must be >= 1, was " + maxFailures);
    Settings.requirePositive(maxFailuresWithin, "max-failures-within");
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
