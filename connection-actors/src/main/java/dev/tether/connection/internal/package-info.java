/**
 * INTERNAL API, with no compatibility promise: how the manager works. Do not use these classes
 * from outside the library; they change with every release.
 *
 * <p>Only two classes are public, each because the public package needs it: {@link
 * dev.tether.connection.internal.ConnectionRegistry} (the behavior behind {@code
 * ConnectionManager.create}) and {@link dev.tether.connection.internal.tlsprofile.TlsProfiles} (loads {@code
 * tether.tls-profiles}). Everything else is package-private:
 *
 * <ul>
 *   <li>actors: {@code ConnectionRegistry} (node-local: routing by id, latest states, subscribers,
 *       handshake admission, listeners) → {@code ConnectionSupervisor} (one per connection: phases,
 *       history, reconnect policy) → {@code Connection} (one per incarnation: the TLS lifecycle,
 *       and its session handler); {@code Listener} (one per listener: bind, accept, refuse, drain);
 *       {@code ShutdownSequence} (unbind, then close everything);
 *   <li>the registry's parts, not actors, each one job it owns and calls from its own thread: {@code
 *       ConnectionRouter} (a request about one id), {@code JournalLookup} (journals, with {@code
 *       RemovedJournals}), {@code ConnectionListing} (listings and counts, with {@code
 *       SupervisorFanOut} and {@code ClusterAsk}), {@code ClusterConnections} (the sharded side),
 *       {@code EventHub}, {@code Listeners}, {@code TlsProfileRequests};
 *   <li>the stream: {@code ConnectionTransport} builds it, {@code TransportHandles} is the actor's
 *       grip on it, {@code CipherOutWatch} and {@code TlsRecordSniffer} are its two own stages, {@code TlsErrors}
 *       explains what JSSE and TCP report; its TLS stage is Pekko's or Tether's own ({@code
 *       internal.tls}, chosen by {@code tether.tls-stage}); below an accepted connection's TLS stage, {@code
 *       InboundGuard} (with the decoders {@code ClientHellos}, {@code RecordHeaders}, {@code
 *       PlaintextHttp}) answers plaintext HTTP and explains what a client sent;
 *   <li>data resolved once: {@code ConnectionPlan}, {@code InboundOrigin}; {@code InboundDelivery}
 *       hands inbound bytes on with flow control;
 *   <li>TLS profiles at run time: {@code ReloadableSslContext} (a profile's context, its material
 *       replaced whole by a reload), {@code TlsProfileKeeper} (reloads on request or when watched
 *       files change, with {@code DirectoryWatcher}), {@code RollingReconnect} (paced reconnects
 *       after a reload);
 *   <li>pure decisions, each tested as a table: {@code EndClassifier}, {@code ReconnectPolicy},
 *       {@code KeepaliveMonitor}, {@code WriteQueue}, {@code HandshakeAdmission}, {@code OpenCheck}.
 * </ul>
 */
package dev.tether.connection.internal;
