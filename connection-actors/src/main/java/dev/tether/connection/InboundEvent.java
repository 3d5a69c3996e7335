package dev.tether.connection;

import org.apache.pekko.util.ByteString;

/**
 * What a connection's listener receives: per incarnation, {@link Opened}, then the inbound bytes in
 * order as {@link Received}, then exactly one {@link Ended}. Bytes that were read from the socket
 * are always delivered before {@link Ended}, even when the transport then failed.
 */
public sealed interface InboundEvent {
  ConnectionId connectionId();

  long incarnation();

  /** The handshake finished and the peer was verified. */
  record Opened(ConnectionId connectionId, long incarnation, TlsInfo tls) implements InboundEvent {}

  /** Decrypted application bytes, in the order the peer sent them. */
  record Received(ConnectionId connectionId, long incarnation, ByteString bytes) implements InboundEvent {}

  /** The incarnation ended; no more bytes follow from it. */
  record Ended(ConnectionId connectionId, long incarnation, Outcome outcome) implements InboundEvent {}
}
