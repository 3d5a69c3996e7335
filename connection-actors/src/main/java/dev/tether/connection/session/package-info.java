/**
 * Session handlers: the actor a connection spawns per incarnation (from a {@code
 * SessionHandlerFactory} registered by name), what it receives ({@code SessionEvent}), what it may
 * ask ({@code SessionCommand}) and its grip on the connection ({@code Session}: write, acknowledge,
 * close).
 */
package dev.tether.connection.session;
