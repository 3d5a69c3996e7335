package dev.tether.connection.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import dev.tether.connection.TlsProfile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * INTERNAL API: loads {@code tether.tls-profiles} into {@link TlsProfile}s, once, at start. Every
 * problem is reported as an {@link IllegalArgumentException} naming the configuration key.
 */
public final class TlsProfiles {
  private static final Set<String> KEYS = Set.of(
      "trust-pem", "trust-store", "trust-store-password", "trust-store-type", "key-pem", "cert-pem",
      "protocols", "hostname-verification");
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
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore(c, at));
      KeyManagerFactory kmf = keyManagers(c, at);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return new TlsProfile(name, ctx, protocols, verifyHost, kmf != null);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(at + ": cannot build the TLS context: " + e, e);
    }
  }

  /** The trust store of a profile, or null for the JDK's default trust store. */
  private static KeyStore trustStore(Config c, String at) throws GeneralSecurityException, IOException {
    boolean pem = c.hasPath("trust-pem") && !c.getString("trust-pem").isEmpty();
    boolean store = c.hasPath("trust-store") && !c.getString("trust-store").isEmpty();
    if (pem && store) {
      throw new IllegalArgumentException(at + ": set either trust-pem or trust-store, not both");
    }
    if (pem) {
      String key = at + ".trust-pem";
      List<X509Certificate> certs = readCertificates(Path.of(c.getString("trust-pem")), key);
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (X509Certificate cert : certs) ks.setCertificateEntry("trusted-" + i++, cert);
      return ks;
    }
    if (store) {
      String key = at + ".trust-store";
      Path file = Path.of(c.getString("trust-store"));
      char[] password = c.hasPath("trust-store-password") ? c.getString("trust-store-password").toCharArray() : null;
      String type = c.hasPath("trust-store-type") ? c.getString("trust-store-type") : KeyStore.getDefaultType();
      KeyStore ks = KeyStore.getInstance(type);
      try (InputStream in = Files.newInputStream(file)) {
        ks.load(in, password);
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException(key + ": file not found: " + file, e);
      } catch (IOException e) {
        throw new IllegalArgumentException(key + ": cannot read trust store " + file + " (wrong password or type?): " + e.getMessage(), e);
      }
      return ks;
    }
    return null;
  }

  private static KeyManagerFactory keyManagers(Config c, String at) throws GeneralSecurityException, IOException {
    boolean hasKey = c.hasPath("key-pem") && !c.getString("key-pem").isEmpty();
    boolean hasCert = c.hasPath("cert-pem") && !c.getString("cert-pem").isEmpty();
    if (hasKey != hasCert) {
      throw new IllegalArgumentException(at + ": key-pem and cert-pem must be set together (client certificate)");
    }
    if (!hasKey) return null;
    List<X509Certificate> chain = readCertificates(Path.of(c.getString("cert-pem")), at + ".cert-pem");
    PrivateKey key = readPrivateKey(Path.of(c.getString("key-pem")), at + ".key-pem");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] pw = new char[0];
    ks.setKeyEntry("client", key, pw, chain.toArray(Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pw);
    return kmf;
  }

  /** Reads every X.509 certificate of a PEM (or DER) file. */
  public static List<X509Certificate> readCertificates(Path file, String key) {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) throw new IllegalArgumentException(key + ": no certificate found in " + file);
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate cert : certs) out.add((X509Certificate) cert);
      return out;
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(key + ": file not found: " + file, e);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(key + ": not a readable PEM certificate file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads an unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}) of type RSA, EC or EdDSA. */
  public static PrivateKey readPrivateKey(Path file, String key) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(key + ": file not found: " + file, e);
    } catch (IOException e) {
      throw new IllegalArgumentException(key + ": cannot read " + file + ": " + e.getMessage(), e);
    }
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
