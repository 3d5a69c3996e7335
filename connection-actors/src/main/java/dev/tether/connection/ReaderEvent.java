package dev.tether.connection;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.util.ByteString;

/**
 * What a connection's reader receives: per incarnation, {@link Opened}, then the received bytes in
 * order as {@link Received} (acknowledged by the reader, see {@code inbound-window}), then exactly
 * one {@link Ended}. Bytes that were read from the socket
 * are always delivered before {@link Ended}, even when the transport then failed.
 */
public sealed interface ReaderEvent {
  ConnectionId connectionId();

  long incarnation();

  /** The handshake finished and the peer was verified. */
  record Opened(ConnectionId connectionId, long incarnation, TlsInfo tls) implements ReaderEvent {}

  /**
   * Decrypted application bytes, in the order the peer sent them. Call {@link #ack()} once they are
   * taken: the connection reads on while the bytes given and not acknowledged stay below {@code
   * inbound-window} (unless that is {@code unbounded}, where acknowledging is harmless and unneeded).
   *
   * @param ackTo where {@link #ack()} tells the connection; a no-op ref when the window is unbounded
   */
  record Received(ConnectionId connectionId, long incarnation, ByteString bytes, ActorRef<ReaderAck> ackTo)
      implements ReaderEvent {

    /** These bytes are taken: the window opens by their size. Acknowledge each Received once. */
    public void ack() {
      ackTo.tell(new ReaderAck(connectionId, incarnation, bytes.size()));
    }
  }

  /** The incarnation ended; no more bytes follow from it. */
  record Ended(ConnectionId connectionId, long incarnation, Outcome outcome) implements ReaderEvent {}
}
