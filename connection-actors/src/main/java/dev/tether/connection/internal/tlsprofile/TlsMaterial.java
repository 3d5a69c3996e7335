package dev.tether.connection.internal.tlsprofile;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * INTERNAL API: what one load of a TLS profile's files produced. Immutable: a reload builds a new
 * one and swaps it in whole.
 *
 * @param context a fresh context (with its own session caches) holding exactly this material
 * @param certificate our leaf certificate (key-pem + cert-pem), if the profile has an identity
 * @param trustAnchors how many certificates the trust accepts as issuers
 * @param fingerprint SHA-256 over the bytes of every file read, to tell whether files really changed
 * @param loadedAt when the files were read
 */
record TlsMaterial(
    SSLContext context,
    Optional<X509Certificate> certificate,
    int trustAnchors,
    String fingerprint,
    Instant loadedAt) {}
