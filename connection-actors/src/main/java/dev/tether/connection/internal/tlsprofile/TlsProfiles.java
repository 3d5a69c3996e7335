package dev.tether.connection.internal.tlsprofile;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import dev.tether.connection.tls.TlsProfile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * INTERNAL API: loads {@code tether.tls-profiles} into {@link TlsProfile}s at start, and a profile's
 * files again on every reload ({@link #loadMaterial}). Every problem is reported as an {@link
 * IllegalArgumentException} naming the configuration key.
 */
public final class TlsProfiles {
  private static final Set<String> KEYS = Set.of(
      "trust-pem", "trust-store", "trust-store-password", "trust-store-type", "key-pem", "cert-pem",
      "protocols", "hostname-verification", "watch", "watch-debounce", "rolling-reconnect-jitter");
  private static final Set<String> KNOWN_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");
  private static final Pattern PEM_KEY = Pattern.compile(
      "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");

  private TlsProfiles() {}

  /** Loads every profile under {@code profilesConfig} (the {@code tether.tls-profiles} object). */
  public static Map<String, TlsProfile> load(Config profilesConfig, String path) {
    Map<String, TlsProfile> result = new LinkedHashMap<>();
    for (String name : profilesConfig.root().keySet()) {
      String at = path + "." + name;
      if (profilesConfig.root().get(name).valueType() != ConfigValueType.OBJECT) {
        throw new IllegalArgumentException(at + ": a TLS profile must be an object { ... }");
      }
      result.put(name, load(name, profilesConfig.getConfig(quote(name)), at));
    }
    if (!result.containsKey("default")) {
      throw new IllegalArgumentException(path + ".default: the profile named 'default' is missing");
    }
    return Map.copyOf(result);
  }

  static TlsProfile load(String name, Config c, String at) {
    for (String key : c.root().keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(at + "." + key + ": unknown key; known keys are " + KEYS);
      }
    }
    try {
      List<String> protocols = c.hasPath("protocols") ? c.getStringList("protocols") : List.of();
      for (String p : protocols) {
        if (!KNOWN_PROTOCOLS.contains(p)) {
          throw new IllegalArgumentException(at + ".protocols: unknown protocol '" + p + "', expected one of " + KNOWN_PROTOCOLS);
        }
      }
      boolean verifyHost = !c.hasPath("hostname-verification") || c.getBoolean("hostname-verification");
      TlsProfileSource source = source(name, c, at);
      // At start an expired certificate is shown (GET /tls-profiles, the expiry metric) but not refused:
      // refusing it would keep the whole service down. A reload refuses it (the old material stays).
      TlsMaterial material = loadMaterial(source, Instant.now(), false);
      boolean hasIdentity = source.keyPem().isPresent();
      return new TlsProfile(name, new ReloadableSslContext(source, material), protocols, verifyHost, hasIdentity);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
    }
  }

  private static TlsProfileSource source(String name, Config c, String at) {
    Optional<Path> trustPem = path(c, "trust-pem");
    Optional<Path> trustStore = path(c, "trust-store");
    if (trustPem.isPresent() && trustStore.isPresent()) {
      throw new IllegalArgumentException(at + ": set either trust-pem or trust-store, not both");
    }
    Optional<Path> keyPem = path(c, "key-pem");
    Optional<Path> certPem = path(c, "cert-pem");
    if (keyPem.isPresent() != certPem.isPresent()) {
      throw new IllegalArgumentException(at + ": key-pem and cert-pem must be set together (client certificate)");
    }
    boolean watch = c.hasPath("watch") && c.getBoolean("watch");
    TlsProfileSource source = new TlsProfileSource(name, at, keyPem, certPem, trustPem, trustStore,
        c.hasPath("trust-store-password") ? Optional.of(c.getString("trust-store-password")) : Optional.empty(),
        c.hasPath("trust-store-type") ? Optional.of(c.getString("trust-store-type")) : Optional.empty(),
        watch,
        positive(c, "watch-debounce", at, TlsProfileSource.DEFAULT_WATCH_DEBOUNCE),
        positive(c, "rolling-reconnect-jitter", at, TlsProfileSource.DEFAULT_ROLLING_RECONNECT_JITTER));
    if (watch && source.files().isEmpty()) {
      throw new IllegalArgumentException(at + ".watch: the profile reads no files (no key-pem, cert-pem, trust-pem or "
          + "trust-store), so there is nothing to watch");
    }
    return source;
  }

  private static Optional<Path> path(Config c, String key) {
    return c.hasPath(key) && !c.getString(key).isEmpty() ? Optional.of(Path.of(c.getString(key))) : Optional.empty();
  }

  private static Duration positive(Config c, String key, String at, Duration fallback) {
    if (!c.hasPath(key)) return fallback;
    Duration d = c.getDuration(key);
    if (d.isNegative()) throw new IllegalArgumentException(at + "." + key + ": must not be negative, was " + d);
    return d;
  }

  /**
   * Reads the profile's files once and builds a fresh context from them. Checks that the private key
   * belongs to the certificate and that the trust parses; with {@code refuseInvalidCertificate}, also
   * that the certificate is valid at {@code now} (not expired, not yet valid).
   *
   * @throws IllegalArgumentException naming the key of the file at fault and saying what is wrong
   */
  static TlsMaterial loadMaterial(TlsProfileSource s, Instant now, boolean refuseInvalidCertificate) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    s.files().forEach((key, file) -> bytes.put(key, read(file, s.at() + "." + key)));
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore(s, bytes));
      Optional<X509Certificate> leaf = Optional.empty();
      KeyManagerFactory kmf = null;
      if (s.keyPem().isPresent()) {
        String certKey = s.at() + ".cert-pem";
        List<X509Certificate> chain = parseCertificates(bytes.get("cert-pem"), s.certPem().get(), certKey);
        PrivateKey key = parsePrivateKey(bytes.get("key-pem"), s.keyPem().get(), s.at() + ".key-pem");
        X509Certificate cert = chain.get(0);
        if (!matches(key, cert.getPublicKey())) {
          throw new IllegalArgumentException(s.at() + ".key-pem: the private key in " + s.keyPem().get()
              + " does not belong to the certificate in " + s.certPem().get() + " (" + cert.getSubjectX500Principal() + ")");
        }
        if (refuseInvalidCertificate) checkValidity(cert, now, certKey, s.certPem().get());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = new char[0];
        ks.setKeyEntry("identity", key, pw, chain.toArray(Certificate[]::new));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        leaf = Optional.of(cert);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return new TlsMaterial(ctx, leaf, trustAnchors(tmf), fingerprint(bytes), now);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(s.at() + ": cannot build the TLS context: " + e, e);
    }
  }

  /** SHA-256 over the bytes of every file the profile reads; equal fingerprints mean nothing changed. */
  static String fingerprint(Map<String, byte[]> bytes) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      bytes.forEach((key, content) -> {
        sha.update(key.getBytes(StandardCharsets.US_ASCII));
        sha.update(Integer.toString(content.length).getBytes(StandardCharsets.US_ASCII));
        sha.update(content);
      });
      return HexFormat.of().formatHex(sha.digest());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /** The current fingerprint of the profile's files, without building anything. */
  static String fingerprintOf(TlsProfileSource s) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    s.files().forEach((key, file) -> bytes.put(key, read(file, s.at() + "." + key)));
    return fingerprint(bytes);
  }

  private static byte[] read(Path file, String key) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(key + ": file not found: " + file, e);
    } catch (IOException e) {
      throw new IllegalArgumentException(key + ": cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void checkValidity(X509Certificate cert, Instant now, String key, Path file) {
    try {
      cert.checkValidity(Date.from(now));
    } catch (CertificateExpiredException e) {
      throw new IllegalArgumentException(key + ": the certificate in " + file + " (" + cert.getSubjectX500Principal()
          + ") expired at " + cert.getNotAfter().toInstant(), e);
    } catch (CertificateNotYetValidException e) {
      throw new IllegalArgumentException(key + ": the certificate in " + file + " (" + cert.getSubjectX500Principal()
          + ") is not valid before " + cert.getNotBefore().toInstant(), e);
    }
  }

  /** Whether {@code key} is the private half of {@code publicKey}: RSA by modulus, others by a signature. */
  static boolean matches(PrivateKey key, PublicKey publicKey) {
    if (key instanceof RSAKey k && publicKey instanceof RSAKey p) return k.getModulus().equals(p.getModulus());
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      default -> null;
    };
    if (algorithm == null || !key.getAlgorithm().equals(publicKey.getAlgorithm())) return false;
    try {
      byte[] challenge = "tether: does this key belong to this certificate?".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static int trustAnchors(TrustManagerFactory tmf) {
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) return x.getAcceptedIssuers().length;
    }
    return 0;
  }

  /** The trust store of a profile, or null for the JDK's default trust store. */
  private static KeyStore trustStore(TlsProfileSource s, Map<String, byte[]> bytes) throws GeneralSecurityException, IOException {
    if (s.trustPem().isPresent()) {
      List<X509Certificate> certs = parseCertificates(bytes.get("trust-pem"), s.trustPem().get(), s.at() + ".trust-pem");
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (X509Certificate cert : certs) ks.setCertificateEntry("trusted-" + i++, cert);
      return ks;
    }
    if (s.trustStore().isPresent()) {
      String key = s.at() + ".trust-store";
      Path file = s.trustStore().get();
      char[] password = s.trustStorePassword().map(String::toCharArray).orElse(null);
      KeyStore ks = KeyStore.getInstance(s.trustStoreType().orElse(KeyStore.getDefaultType()));
      try {
        ks.load(new ByteArrayInputStream(bytes.get("trust-store")), password);
      } catch (IOException e) {
        throw new IllegalArgumentException(key + ": cannot read trust store " + file + " (wrong password or type?): " + e.getMessage(), e);
      }
      return ks;
    }
    return null;
  }

  /** Reads every X.509 certificate of a PEM (or DER) file. */
  public static List<X509Certificate> readCertificates(Path file, String key) {
    return parseCertificates(read(file, key), file, key);
  }

  private static List<X509Certificate> parseCertificates(byte[] content, Path file, String key) {
    try {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(content));
      if (certs.isEmpty()) throw new IllegalArgumentException(key + ": no certificate found in " + file);
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate cert : certs) out.add((X509Certificate) cert);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(key + ": not a readable PEM certificate file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads an unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}) of type RSA, EC or EdDSA. */
  public static PrivateKey readPrivateKey(Path file, String key) {
    return parsePrivateKey(read(file, key), file, key);
  }

  private static PrivateKey parsePrivateKey(byte[] content, Path file, String key) {
    String text = new String(content, StandardCharsets.US_ASCII);
    Matcher m = PEM_KEY.matcher(text);
    if (!m.find()) throw new IllegalArgumentException(key + ": no PEM private key found in " + file);
    if (!m.group(1).isEmpty()) {
      throw new IllegalArgumentException(key + ": " + file + " holds a '" + m.group(1).trim()
          + " PRIVATE KEY'; convert it to unencrypted PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in <key> -out <key.pk8.pem>");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(2));
    for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException ignored) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(key + ": unsupported private key algorithm in " + file);
  }

  private static String quote(String name) {
    return "\"" + name.replace("\"", "\\\"") + "\"";
  }
}
