/**
 * INTERNAL API, with no compatibility promise (as every {@code internal} package below it): the
 * registry behind {@code ConnectionManager} and the parts that answer for it. Do not use these
 * classes from outside the library; they change with every release.
 *
 * <p>{@link dev.tether.connection.internal.ConnectionRegistry} (public only so that {@code
 * ConnectionManager.create} can spawn it) is node-local: it routes each request to its
 * connection's supervisor, keeps the latest states for new subscribers, publishes events, grants
 * handshake permits and holds the listeners. Its parts are not actors; each has one job and is
 * called from the registry's thread: {@code ConnectionRouter} (a request about one id),
 * {@code JournalLookup} with {@code RemovedJournals}, {@code ConnectionListing} with {@code
 * SupervisorFanOut} (listings, counts, close-all), {@code EventHub}, {@code Listeners}, {@code
 * TlsProfileRequests}, {@code ShutdownSequence}, and the pure decisions {@code OpenCheck} and
 * {@code HandshakeAdmission}.
 *
 * <p>The package graph points one way (PackageMapTest checks it): this package → {@code
 * tlsprofile} → {@code cluster} → {@code lifecycle} → {@code listener}, {@code transport} → {@code
 * tls}, {@code wire}. What a lower package reports upward it sends as one sealed interface of its
 * own, which this registry handles: {@code lifecycle.SupervisorReport}, {@code
 * cluster.EntityReport}, {@code listener.ListenerReport}.
 */
package dev.tether.connection.internal;
