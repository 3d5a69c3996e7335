/**
 * INTERNAL API: one TLS listener ({@code Listener}: bind with half-close, refuse beyond
 * max-connections, name connections {@code <listener>-<n>}, count, unbind, drain) and where an
 * accepted connection came from ({@code InboundOrigin}). It reports upward to the registry as
 * {@code ListenerReport}; the accepted connection is then managed by {@code internal.lifecycle}.
 */
package dev.tether.connection.internal.listener;
