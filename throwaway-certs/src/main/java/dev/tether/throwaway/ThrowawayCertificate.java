package dev.tether.throwaway;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * THROWAWAY MATERIAL, never for production: a fresh EC P-256 key and a self-signed certificate for
 * it, made in memory with BouncyCastle (a few milliseconds of CPU, no external tool). The one maker of
 * certificates for Tether's tests, its demo and its benchmarks, so that none of them needs {@code
 * openssl} to make one. The default is the demo's: {@code localhost} / {@code 127.0.0.1}, valid for
 * a day. Files written by {@link #writePem} have names containing "throwaway".
 */
public final class ThrowawayCertificate {
  private final KeyPair keyPair;
  private final X509Certificate certificate;

  private ThrowawayCertificate(KeyPair keyPair, X509Certificate certificate) {
    this.keyPair = keyPair;
    this.certificate = certificate;
  }

  /** A certificate for {@code localhost} and {@code 127.0.0.1}, valid for one day (the demo's). */
  public static ThrowawayCertificate generate() {
    return generate(new X500Name("CN=localhost,O=Tether throwaway demo certificate"), List.of("localhost"),
        List.of("127.0.0.1"), Duration.ofDays(1), false);
  }

  /**
   * A certificate for subject {@code CN=<commonName>} with the given subject alternative names.
   *
   * @param dnsNames DNS names for the SAN extension
   * @param ipAddresses IP addresses (literals) for the SAN extension
   * @param validity how long from now it is valid (it is valid from five minutes ago, against clock skew)
   */
  public static ThrowawayCertificate generate(String commonName, List<String> dnsNames, List<String> ipAddresses,
      Duration validity) {
    return generate(new X500Name("CN=" + commonName), dnsNames, ipAddresses, validity, false);
  }

  /** The same with an RSA 2048 key (what the tests' certificates were when openssl made them). */
  public static ThrowawayCertificate generateRsa(String commonName, List<String> dnsNames, List<String> ipAddresses,
      Duration validity) {
    return generate(new X500Name("CN=" + commonName), dnsNames, ipAddresses, validity, true);
  }

  /**
   * A certificate for subject {@code CN=<commonName>} valid exactly from {@code notBefore} to {@code
   * notAfter}: for tests of material that is expired or not valid yet.
   */
  public static ThrowawayCertificate generate(String commonName, List<String> dnsNames, List<String> ipAddresses,
      Instant notBefore, Instant notAfter) {
    if (!notAfter.isAfter(notBefore)) {
      throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore " + notBefore);
    }
    return generate(new X500Name("CN=" + commonName), dnsNames, ipAddresses, notBefore, notAfter, false);
  }

  private static ThrowawayCertificate generate(X500Name subject, List<String> dnsNames, List<String> ipAddresses,
      Duration validity, boolean rsa) {
    Instant now = Instant.now();
    return generate(subject, dnsNames, ipAddresses, now.minus(Duration.ofMinutes(5)), now.plus(validity), rsa);
  }

  private static ThrowawayCertificate generate(X500Name subject, List<String> dnsNames, List<String> ipAddresses,
      Instant notBefore, Instant notAfter, boolean rsa) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance(rsa ? "RSA" : "EC");
      if (rsa) gen.initialize(2048, new SecureRandom());
      else gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair kp = gen.generateKeyPair();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()),
          Date.from(notBefore), Date.from(notAfter), subject, kp.getPublic());
      List<GeneralName> names = new ArrayList<>();
      for (String dns : dnsNames) names.add(new GeneralName(GeneralName.dNSName, dns));
      for (String ip : ipAddresses) {
        if (!ip.matches("[0-9.]+|[0-9a-fA-F:]+")) throw new IllegalArgumentException("not an IP address literal: " + ip);
        names.add(new GeneralName(GeneralName.iPAddress, InetAddress.getByName(ip).getHostAddress()));
      }
      if (!names.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      X509Certificate cert = new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(rsa ? "SHA256withRSA" : "SHA256withECDSA").build(kp.getPrivate())));
      return new ThrowawayCertificate(kp, cert);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot generate a throwaway certificate", e);
    }
  }

  /**
   * Writes the key and the certificate as PEM files {@code <dir>/throwaway-<name>-key.pem} and
   * {@code <dir>/throwaway-<name>-cert.pem} (the key readable by the owner only, where the file
   * system supports it) and returns their paths, key first.
   */
  public List<Path> writePem(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    Path key = dir.resolve("throwaway-" + name + "-key.pem");
    Path cert = dir.resolve("throwaway-" + name + "-cert.pem");
    Files.writeString(key, privateKeyPem(), StandardCharsets.US_ASCII);
    try {
      Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the temporary directory's own permissions apply
    }
    Files.writeString(cert, certificatePem(), StandardCharsets.US_ASCII);
    return List.of(key, cert);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), as TLS profiles read it. */
  public String privateKeyPem() {
    return pem("PRIVATE KEY", keyPair.getPrivate().getEncoded());
  }

  /** The certificate as PEM ({@code BEGIN CERTIFICATE}). */
  public String certificatePem() {
    try {
      return pem("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode a throwaway certificate", e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
