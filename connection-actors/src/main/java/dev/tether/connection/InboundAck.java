package dev.tether.connection;

/**
 * A listener took {@code bytes} bytes of {@link InboundEvent.Received} (sent by {@link
 * InboundEvent.Received#ack()}): the connection's inbound window opens by that much.
 */
public record InboundAck(ConnectionId connectionId, long incarnation, int bytes) {}
