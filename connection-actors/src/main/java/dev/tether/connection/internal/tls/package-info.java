/**
 * INTERNAL API, with no compatibility promise: Tether's own TLS stage, a drop-in for Pekko's {@code
 * TLS.create} (same shape, same {@code SslTlsOutbound}/{@code SslTlsInbound} elements, {@code
 * SessionTruncated} where Pekko emits it) that holds no buffers while a connection is idle and has
 * Tether's close semantics built in.
 *
 * <ul>
 *   <li>{@link dev.tether.connection.internal.tls.TetherTls}: the stage and its factories (public:
 *       {@code internal.transport.ConnectionTransport} selects it);
 *   <li>{@code TlsStageLogic}: the state machine: when to wrap, unwrap, pull, push, close;
 *   <li>{@code TlsPhases}: the stage's phases (handshake, the user's two ends, our close_notify) and
 *       the close rules that move them, without I/O;
 *   <li>{@code EngineDriver}: one batch of {@code SSLEngine} wrap or unwrap calls over pooled buffers;
 *   <li>{@code BufferPool}: the per-thread heap buffers those calls borrow and give back;
 *   <li>{@code CipherRecords}: how many bytes of complete TLS records have arrived;
 *   <li>{@code DelegatedTasks}: runs the engine's tasks off the stream's thread;
 *   <li>{@code SessionParameters}: applies {@code NegotiateNewSession} to an engine;
 *   <li>{@link dev.tether.connection.internal.tls.TlsStageProbe}: what a running stage holds, for tests.
 * </ul>
 */
package dev.tether.connection.internal.tls;
