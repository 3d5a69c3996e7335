package dev.tether.connection;

/**
 * A reader took {@code bytes} bytes of {@link ReaderEvent.Received} (sent by {@link
 * ReaderEvent.Received#ack()}): the connection's receive window opens by that much.
 */
public record ReaderAck(ConnectionId connectionId, long incarnation, int bytes) {}
