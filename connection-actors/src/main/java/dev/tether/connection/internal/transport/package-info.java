/**
 * INTERNAL API: the stream one incarnation runs, layered like a Netty pipeline: the plaintext side,
 * the TLS stage (Pekko's or Tether's own, {@code internal.tls}), {@code CipherOutWatch}, a kill
 * switch, TCP. {@code ConnectionTransport} builds it from a {@code TransportPlan}; {@code
 * TransportHandles} is the actor's grip on it. What differs between the client and the server side
 * is one {@code PipelineSide} each (engine role, first-bytes watch, TCP). Outbound, {@code TlsRecordSniffer} names a peer that
 * is not speaking TLS; inbound, {@code InboundGuard} sits below the TLS stage, answers plaintext
 * HTTP and reports {@code InboundFinding}s.
 *
 * <p>The stream only tells its actor, with {@code ConnectionTransport.Signal}s, an {@code
 * IncarnationInput} that the incarnation's own protocol extends: this package does not know the
 * lifecycle. May use {@code tls} and {@code wire}.
 */
package dev.tether.connection.internal.transport;
