/**
 * Tether's public API: the {@link dev.tether.connection.ConnectionManager} protocol and the {@link
 * dev.tether.connection.Tether} extension that starts it, the value types it speaks in ({@link
 * dev.tether.connection.ConnectionId}, {@link dev.tether.connection.ConnectionSpec}, {@link
 * dev.tether.connection.ConnectionView}, {@link dev.tether.connection.Outcome}, events), and the
 * settings read from {@code tether { }}. Everything here keeps source compatibility within a minor
 * version; {@code dev.tether.connection.internal} makes no such promise.
 */
package dev.tether.connection;
