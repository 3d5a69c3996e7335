/**
 * TLS as the public API names it: a {@link dev.tether.connection.tls.TlsProfile} (trust, identity,
 * protocols, the engines it creates), what a listing or reload shows of one ({@code
 * TlsProfileInfo}), whether a listener asks for client certificates ({@code ClientAuth}) and which
 * TLS stage runs ({@code TlsStage}). Loading and reloading profiles is {@code
 * internal.tlsprofile}'s job.
 */
package dev.tether.connection.tls;
