package dev.tether.connection.settings;

import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.function.Supplier;

/** Validation helpers shared by the settings records. */
public final class Settings {
  private Settings() {}

  public static void requirePositive(Duration d, String key) {
    if (d == null) throw new IllegalArgumentException(key + " is missing");
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(key + " must be > 0, was " + d);
  }

  /**
   * Runs a settings constructor and re-throws any problem as an {@link IllegalArgumentException}
   * whose message starts with the full configuration path of the block.
   */
  public static <T> T wrap(String path, Supplier<T> body) {
    try {
      return body.get();
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid configuration at " + path + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("invalid configuration at ")) throw e;
      throw new IllegalArgumentException("invalid configuration at " + path + ": " + e.getMessage(), e);
    }
  }
}
