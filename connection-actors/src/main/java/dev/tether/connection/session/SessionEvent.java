package dev.tether.connection.session;

import dev.tether.connection.Outcome;
import org.apache.pekko.util.ByteString;

/**
 * What a session handler receives: the received bytes in order, then exactly one {@link Ended}.
 *
 * <p>Flow control: after each {@link Received} the connection delivers nothing more, and reads
 * nothing more from the socket, until the handler calls {@link Session#ack()}. A slow handler
 * therefore slows its peer through TCP, and nothing is buffered without bound.
 */
public sealed interface SessionEvent {

  /** Decrypted application bytes, in the order the peer sent them. Acknowledge with {@link Session#ack()}. */
  record Received(ByteString bytes) implements SessionEvent {}

  /**
   * The connection ended: nothing more can be written or received. The handler should stop; the
   * connection's actor waits for it (bounded by close-timeout) so that no handler outlives its
   * connection, and, for an outbound connection, the next incarnation starts only after that.
   */
  record Ended(Outcome outcome) implements SessionEvent {}
}
