package dev.tether.admin;

import dev.tether.throwaway.ThrowawayCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * THROWAWAY TEST MATERIAL: a fresh EC P-256 key and a self-signed certificate ({@code CN=<name>}, SAN
 * localhost and 127.0.0.1), made by {@link ThrowawayCertificate} in memory by the test that uses it
 * and written as the PEM files a TLS profile reads, under the file names the test chooses. Never
 * committed, never used outside tests.
 */
record TestIdentity(ThrowawayCertificate material) {
  private static final List<String> DNS = List.of("localhost");
  private static final List<String> IP = List.of("127.0.0.1");

  /** Valid from five minutes ago for a day. */
  static TestIdentity generate(String commonName) {
    return new TestIdentity(ThrowawayCertificate.generate(commonName, DNS, IP, Duration.ofDays(1)));
  }

  static TestIdentity generate(String commonName, Instant notBefore, Instant notAfter) {
    return new TestIdentity(ThrowawayCertificate.generate(commonName, DNS, IP, notBefore, notAfter));
  }

  /** Writes the key (unencrypted PKCS#8) and the certificate as PEM, replacing what is there. */
  void write(Path keyFile, Path certFile) {
    try {
      Files.writeString(keyFile, material.privateKeyPem());
      Files.writeString(certFile, material.certificatePem());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
