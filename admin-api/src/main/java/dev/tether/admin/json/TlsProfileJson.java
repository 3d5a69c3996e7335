package dev.tether.admin.json;

import dev.tether.connection.tls.TlsProfileInfo;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One TLS profile as {@code GET /tls-profiles} shows it. Fields documented as "or null" are null,
 * never absent; times are ISO-8601 UTC.
 *
 * @param name the profile's name ({@code tether.tls-profiles.<name>})
 * @param node cluster mode: the member whose files these are ({@code host:port}); null on one node
 * @param reloadable loaded from files, so {@code POST /tls-profiles/{name}/reload} can reload it; false
 *     for a profile a host application built from its own SSLContext (its other fields are then null)
 * @param subject our certificate's subject (RFC 2253), or null without {@code key-pem} + {@code cert-pem}
 * @param issuer our certificate's issuer, or null
 * @param notAfter when our certificate expires, or null
 * @param expiresInSeconds seconds from now until {@code notAfter} (negative once expired), or null
 * @param trustAnchors how many certificates the profile trusts as issuers, or null
 * @param loadedAt when the material in use was read from its files, or null
 * @param files the files read, by configuration key ({@code cert-pem}, {@code key-pem}, {@code
 *     trust-pem}, {@code trust-store})
 * @param watch whether changed files are reloaded by themselves ({@code watch = on})
 * @param reloads how many reloads succeeded since start
 * @param lastReloadError why the last reload (requested or by the watch) failed, until one succeeds;
 *     the fields above then still show the material loaded before; or null
 * @param lastReloadErrorAt when it failed, or null
 */
public record TlsProfileJson(
    String name,
    String node,
    boolean reloadable,
    String subject,
    String issuer,
    String notAfter,
    Long expiresInSeconds,
    Integer trustAnchors,
    String loadedAt,
    Map<String, String> files,
    boolean watch,
    long reloads,
    String lastReloadError,
    String lastReloadErrorAt) {

  public static TlsProfileJson of(TlsProfileInfo p, Optional<String> node, Instant now) {
    return new TlsProfileJson(p.name(), node.orElse(null), p.reloadable(), p.subject().orElse(null),
        p.issuer().orElse(null), p.notAfter().map(Instant::toString).orElse(null),
        p.expiresIn(now).map(java.time.Duration::toSeconds).orElse(null), p.trustAnchors().orElse(null),
        p.loadedAt().map(Instant::toString).orElse(null), p.files(), p.watch(), p.reloads(),
        p.lastReloadError().orElse(null), p.lastReloadErrorAt().map(Instant::toString).orElse(null));
  }
}
