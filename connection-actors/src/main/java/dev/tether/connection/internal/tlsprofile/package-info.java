/**
 * INTERNAL API: TLS profiles at run time: loaded from {@code tether.tls-profiles} ({@code
 * TlsProfiles}, public for the settings), a profile's context whose material a reload replaces
 * whole ({@code ReloadableSslContext}, {@code TlsProfileSource}, {@code TlsMaterial}), reloads on
 * request or when watched files change ({@code TlsProfileKeeper}, {@code DirectoryWatcher}), and
 * paced reconnects after a reload ({@code RollingReconnect}). May use {@code cluster} (to list this
 * member's connections); never the registry.
 */
package dev.tether.connection.internal.tlsprofile;
