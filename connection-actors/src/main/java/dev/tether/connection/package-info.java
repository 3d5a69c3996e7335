/**
 * Tether's public API, its entry points and the values they speak in: the {@link
 * dev.tether.connection.ConnectionManager} protocol and the {@link dev.tether.connection.Tether}
 * extension that starts it; {@link dev.tether.connection.ConnectionId}, {@link
 * dev.tether.connection.ConnectionSpec}, {@link dev.tether.connection.ListenerSpec}, {@link
 * dev.tether.connection.ConnectionView}, {@link dev.tether.connection.Outcome} and the events (to
 * subscribers: {@link dev.tether.connection.ConnectionEvent}; to a connection's reader: {@link
 * dev.tether.connection.ReaderEvent}). Beside it: {@code settings} (what {@code tether { }}
 * configures), {@code tls} (TLS profiles and stages), {@code session} (session handlers), {@code
 * journal} (a connection's recent events), {@code handlers} (the built-in handlers).
 *
 * <p>Everything here keeps source compatibility within a minor version; {@code
 * dev.tether.connection.internal} and its sub-packages make no such promise. The public packages
 * call into {@code internal} only at their entry points ({@code ConnectionManager.create}, the
 * settings' profile loading, the Jackson serializers named on protocol fields).
 */
package dev.tether.connection;
