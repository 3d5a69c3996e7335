package dev.tether.connection.internal.lifecycle;

import java.time.Duration;

/** INTERNAL API: durations as operators write them in configuration: {@code 5s}, {@code 250ms}. */
final class Durations {
  private Durations() {}

  static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
