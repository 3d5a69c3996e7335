package dev.tether.connection;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The id of a managed connection: 1 to 64 characters of {@code [A-Za-z0-9._-]}, so that it is safe
 * in a URL path segment, an actor name, a log line and a metric label without escaping. In cluster
 * mode an accepted (inbound) connection's id also names the member whose socket holds it, {@code
 * <listener>-<n>@<host>:<port>} (the same listener runs on every member), so that any member can
 * route to it; only Tether makes such ids.
 *
 * @param value the id as text
 */
public record ConnectionId(String value) implements Comparable<ConnectionId> {

  /** The one definition of a valid id; the REST API checks request bodies against it too. */
  public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** An inbound connection's id in cluster mode: {@code <id>@<host>:<port>} of the member that holds it. */
  public static final Pattern ON_NODE = Pattern.compile("([A-Za-z0-9._-]{1,64})@([A-Za-z0-9.-]{1,253}:[0-9]{1,5})");

  public ConnectionId {
    Objects.requireNonNull(value, "id");
    if (!ON_NODE.matcher(value).matches()) {
      problem(value).ifPresent(p -> {
        throw new IllegalArgumentException("id " + p);
      });
    }
  }

  /** {@code base@node}: an inbound connection's id in cluster mode, {@code node} as {@code host:port}. */
  public static ConnectionId onNode(String base, String node) {
    return new ConnectionId(base + "@" + node);
  }

  /** The id {@code value}; throws {@link IllegalArgumentException} naming the rule if it is invalid. */
  public static ConnectionId of(String value) {
    return new ConnectionId(value);
  }

  /** Why {@code value} is not a valid id for a new connection ("must match ..."), or empty if it is one. */
  public static Optional<String> problem(String value) {
    if (value != null && PATTERN.matcher(value).matches()) return Optional.empty();
    if (value != null && ON_NODE.matcher(value).matches()) {
      return Optional.of("must match " + PATTERN.pattern() + ", was '" + value + "' (ids with @<host>:<port> name accepted "
          + "connections on a cluster member; only Tether makes them)");
    }
    return Optional.of("must match " + PATTERN.pattern() + ", was '" + value + "'");
  }

  /** Whether {@code value} names a connection: an id for a new connection, or an accepted one's on a member. */
  public static boolean isValid(String value) {
    return value != null && (PATTERN.matcher(value).matches() || ON_NODE.matcher(value).matches());
  }

  /** The member ({@code host:port}) an accepted connection's cluster-mode id names; empty for other ids. */
  public Optional<String> node() {
    java.util.regex.Matcher m = ON_NODE.matcher(value);
    return m.matches() ? Optional.of(m.group(2)) : Optional.empty();
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
