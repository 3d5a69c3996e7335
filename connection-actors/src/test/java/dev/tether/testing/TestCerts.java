package dev.tether.testing;

import dev.tether.connection.tls.TlsProfile;
import dev.tether.connection.internal.tlsprofile.TlsProfiles;
import com.typesafe.config.ConfigFactory;
import dev.tether.throwaway.ThrowawayCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Throwaway test certificates, generated per test run into a temporary directory by the one
 * certificate maker of tests, demo and bench ({@link ThrowawayCertificate}: in Java, no {@code
 * openssl}, so the unit tier needs no external tool). Never committed; never used outside tests.
 */
public final class TestCerts {
  private final Path dir;

  private TestCerts(Path dir) {
    this.dir = dir;
  }

  /** Generates: "localhost" (SAN localhost, 127.0.0.1), "other" (CN/SAN wrong.example). */
  public static TestCerts generate() {
    try {
      Path dir = Files.createTempDirectory("tether-throwaway-test-certs");
      dir.toFile().deleteOnExit();
      TestCerts c = new TestCerts(dir);
      c.selfSigned("localhost", ThrowawayCertificate.generateRsa("localhost", List.of("localhost"), List.of("127.0.0.1"), DAYS_2));
      c.selfSigned("other", ThrowawayCertificate.generateRsa("wrong.example", List.of("wrong.example"), List.of(), DAYS_2));
      return c;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Generates one more throwaway self-signed certificate, e.g. for a peer in a network namespace:
   * {@code addSelfSigned("netns", "10.231.7.1")} makes a certificate with SAN {@code IP:10.231.7.1}.
   * Returns the name, for {@link #cert}, {@link #key} and {@link #profileTrusting}.
   */
  public String addSelfSigned(String name, String ipAddress) {
    selfSigned(name, ThrowawayCertificate.generateRsa(ipAddress, List.of(), List.of(ipAddress), DAYS_2));
    return name;
  }

  private static final Duration DAYS_2 = Duration.ofDays(2);

  private void selfSigned(String name, ThrowawayCertificate material) {
    try {
      Files.writeString(key(name), material.privateKeyPem(), StandardCharsets.US_ASCII);
      Files.writeString(cert(name), material.certificatePem(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    // Deleted at exit in reverse order of registration: these files before their directory.
    key(name).toFile().deleteOnExit();
    cert(name).toFile().deleteOnExit();
  }

  public Path dir() {
    return dir;
  }

  public Path cert(String name) {
    return dir.resolve("throwaway-test-" + name + "-cert.pem");
  }

  public Path key(String name) {
    return dir.resolve("throwaway-test-" + name + "-key.pem");
  }

  /**
   * A profile with the named certificate as its identity (a listener's server certificate, or a
   * client certificate), trusting {@code trustedCertName} (for client certificates under mTLS).
   */
  public TlsProfile identityProfile(String profileName, String certName, String trustedCertName, List<String> protocols) {
    var cfg = ConfigFactory.parseMap(Map.of(
        profileName + ".key-pem", key(certName).toString(),
        profileName + ".cert-pem", cert(certName).toString(),
        profileName + ".trust-pem", cert(trustedCertName).toString(),
        profileName + ".protocols", protocols,
        "default.protocols", List.of()));
    return TlsProfiles.load(cfg, "tether.tls-profiles").get(profileName);
  }

  /** A client profile trusting only the named certificate. */
  public TlsProfile profileTrusting(String profileName, String certName, List<String> protocols, boolean verifyHost) {
    return loadOne(profileName, certName, protocols, verifyHost);
  }

  private TlsProfile loadOne(String profileName, String certName, List<String> protocols, boolean verifyHost) {
    var cfg = ConfigFactory.parseMap(Map.of(
        profileName + ".trust-pem", cert(certName).toString(),
        profileName + ".protocols", protocols,
        profileName + ".hostname-verification", verifyHost,
        "default.protocols", List.of()));
    return TlsProfiles.load(cfg, "tether.tls-profiles").get(profileName);
  }
}
