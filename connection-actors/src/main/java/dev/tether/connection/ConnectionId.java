package dev.tether.connection;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The id of a managed connection: 1 to 64 characters of {@code [A-Za-z0-9._-]}, so that it is safe
 * in a URL path segment, an actor name, a log line and a metric label without escaping.
 *
 * @param value the id as text
 */
public record ConnectionId(String value) implements Comparable<ConnectionId> {

  /** The one definition of a valid id; the REST API checks request bodies against it too. */
  public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public ConnectionId {
    Objects.requireNonNull(value, "id");
    problem(value).ifPresent(p -> {
      throw new IllegalArgumentException("id " + p);
    });
  }

  /** The id {@code value}; throws {@link IllegalArgumentException} naming the rule if it is invalid. */
  public static ConnectionId of(String value) {
    return new ConnectionId(value);
  }

  /** Why {@code value} is not a valid id ("must match ..."), or empty if it is one. */
  public static Optional<String> problem(String value) {
    if (value != null && PATTERN.matcher(value).matches()) return Optional.empty();
    return Optional.of("must match " + PATTERN.pattern() + ", was '" + value + "'");
  }

  @Override
  public int compareTo(ConnectionId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
