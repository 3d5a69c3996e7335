package dev.tether.admin;

import dev.tether.connection.ConnectionId;
import dev.tether.connection.Direction;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The direction of a connection judged from its id alone: a listener names the connections it
 * accepts {@code <listener>-<n>}. Only a fallback, for a connection the manager no longer knows
 * (already closed and removed): nothing stops an outbound connection from being given such an id,
 * so whenever the connection still exists its view's {@code direction()} is the answer.
 */
final class InboundIds {
  private static final Pattern LISTENER_AND_NUMBER = Pattern.compile("(.+)-[0-9]+");

  private InboundIds() {}

  /** {@code inbound} if {@code id} is {@code <name>-<n>} for one of {@code listenerNames}, else {@code outbound}. */
  static Direction guess(ConnectionId id, Collection<String> listenerNames) {
    Matcher m = LISTENER_AND_NUMBER.matcher(id.value());
    return m.matches() && listenerNames.contains(m.group(1)) ? Direction.INBOUND : Direction.OUTBOUND;
  }
}
