package dev.tether.connection.tls;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a TLS profile holds now on this node, and where it came from: the answer to {@link
 * ConnectionManager.ListTlsProfiles}, and part of every answer to {@link
 * ConnectionManager.ReloadTlsProfile}.
 *
 * @param name the profile's name
 * @param reloadable loaded from files ({@code tether.tls-profiles.<name>}), so it can be reloaded; a
 *     profile a host application built from its own {@code SSLContext} is not, and shows no material
 * @param subject our certificate's subject (RFC 2253), if the profile has {@code key-pem} + {@code cert-pem}
 * @param issuer our certificate's issuer (RFC 2253)
 * @param notAfter when our certificate expires
 * @param trustAnchors how many certificates the profile trusts as issuers (for the JDK's default trust
 *     store, how many it holds)
 * @param loadedAt when the material in use was read from its files
 * @param files the files read, by configuration key ({@code key-pem}, {@code cert-pem}, {@code
 *     trust-pem}, {@code trust-store}), in key order
 * @param watch whether the files are watched ({@code watch = on}): changed files are reloaded by themselves
 * @param reloads how many reloads succeeded since start
 * @param lastReloadError why the last reload failed (on request or by the watch), until one succeeds;
 *     the material shown is then still the one loaded before
 * @param lastReloadErrorAt when that reload failed
 */
public record TlsProfileInfo(
    String name,
    boolean reloadable,
    Optional<String> subject,
    Optional<String> issuer,
    Optional<Instant> notAfter,
    Optional<Integer> trustAnchors,
    Optional<Instant> loadedAt,
    Map<String, String> files,
    boolean watch,
    long reloads,
    Optional<String> lastReloadError,
    Optional<Instant> lastReloadErrorAt) {

  public TlsProfileInfo {
    files = Collections.unmodifiableMap(new TreeMap<>(files));
  }

  /** A profile built by the host application from its own {@code SSLContext}: nothing to show or reload. */
  public static TlsProfileInfo notFromFiles(String name) {
    return new TlsProfileInfo(name, false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Map.of(), false, 0, Optional.empty(), Optional.empty());
  }

  /** How long our certificate stays valid from {@code now} (negative once expired); empty without a certificate. */
  public Optional<Duration> expiresIn(Instant now) {
    return notAfter.map(t -> Duration.between(now, t));
  }
}
