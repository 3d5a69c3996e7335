package dev.tether.admin.json;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations on the wire: a whole number followed by a unit, such as {@code "1500ms"}, {@code "2s"},
 * {@code "1m"} or {@code "1h"}. Parsing is strict: no fractions, no spaces, no other units.
 */
public final class Durations {
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,12})(ms|s|m|h)");

  private Durations() {}

  /**
   * Parses a wire duration.
   *
   * @throws IllegalArgumentException with a message that shows the expected format
   */
  public static Duration parse(String text) {
    Matcher m = text == null ? null : FORMAT.matcher(text);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("must be a duration such as \"1500ms\", \"2s\", \"1m\" or \"1h\", was " + quote(text));
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /** Formats a duration as whole seconds ({@code "2s"}) when it is one, else as milliseconds ({@code "1500ms"}). */
  public static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }

  private static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
