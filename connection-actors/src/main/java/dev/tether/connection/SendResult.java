package dev.tether.connection;

/** The answer to a send: accepted by the TLS stage (backpressure respected), or rejected. */
public sealed interface SendResult {
  ConnectionId connectionId();

  /** The bytes were taken by the TLS stage of the current incarnation. */
  record Accepted(ConnectionId connectionId, int bytes) implements SendResult {}

  /** The bytes were not sent. */
  record Rejected(ConnectionId connectionId, Reason reason, String message) implements SendResult {}

  /** Why a send was rejected. */
  enum Reason {
    /** No connection with that id is managed. */
    UNKNOWN_CONNECTION,
    /** The connection is not open (connecting, closing, in backoff, failed). */
    NOT_OPEN,
    /** Too many writes are pending; the peer is not reading fast enough. Retry later. */
    BUFFER_FULL,
    /** The incarnation ended before the bytes were taken. */
    ENDED
  }
}
