package dev.tether.connection.internal.tlsprofile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * INTERNAL API: where a TLS profile's material comes from and how it is kept up to date, as read
 * from {@code tether.tls-profiles.<name>}. The files are read again on every reload; everything else
 * here is fixed at start.
 *
 * @param name the profile's name
 * @param at its configuration path, for messages ({@code tether.tls-profiles.<name>})
 * @param keyPem {@code key-pem}: our private key, unencrypted PKCS#8
 * @param certPem {@code cert-pem}: our certificate chain, leaf first
 * @param trustPem {@code trust-pem}: trusted certificates
 * @param trustStore {@code trust-store}: a key store of trusted certificates (instead of trust-pem)
 * @param trustStorePassword {@code trust-store-password}
 * @param trustStoreType {@code trust-store-type}, or the JDK's default
 * @param watch {@code watch}: reload when the files (or their directory's symlinks) change
 * @param watchDebounce {@code watch-debounce}: how long the files must stay quiet before a watch reload
 * @param rollingReconnectJitter {@code rolling-reconnect-jitter}: the largest random delay before each
 *     reconnect of a rolling reconnect after a reload
 */
record TlsProfileSource(
    String name,
    String at,
    Optional<Path> keyPem,
    Optional<Path> certPem,
    Optional<Path> trustPem,
    Optional<Path> trustStore,
    Optional<String> trustStorePassword,
    Optional<String> trustStoreType,
    boolean watch,
    Duration watchDebounce,
    Duration rollingReconnectJitter) {

  static final Duration DEFAULT_WATCH_DEBOUNCE = Duration.ofSeconds(1);
  static final Duration DEFAULT_ROLLING_RECONNECT_JITTER = Duration.ofSeconds(1);

  /** The files read on every load, by configuration key ({@code key-pem}, {@code cert-pem}, ...), in a fixed order. */
  Map<String, Path> files() {
    Map<String, Path> files = new LinkedHashMap<>();
    keyPem.ifPresent(p -> files.put("key-pem", p));
    certPem.ifPresent(p -> files.put("cert-pem", p));
    trustPem.ifPresent(p -> files.put("trust-pem", p));
    trustStore.ifPresent(p -> files.put("trust-store", p));
    return files;
  }

  /** The directories that hold the files: a watch looks there for changes, including symlink swaps. */
  List<Path> directories() {
    return files().values().stream().map(p -> p.toAbsolutePath().getParent()).distinct().toList();
  }
}
