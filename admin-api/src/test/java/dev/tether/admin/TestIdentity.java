package dev.tether.admin;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * THROWAWAY TEST MATERIAL: a fresh EC P-256 key and a self-signed certificate ({@code CN=<name>}, SAN
 * localhost and 127.0.0.1), generated in memory by the test that uses it and written as the PEM files
 * a TLS profile reads. Never committed, never used outside tests.
 */
record TestIdentity(KeyPair keys, X509Certificate certificate) {

  /** Valid from five minutes ago for a day. */
  static TestIdentity generate(String commonName) {
    Instant now = Instant.now();
    return generate(commonName, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(1)));
  }

  static TestIdentity generate(String commonName, Instant notBefore, Instant notAfter) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair kp = gen.generateKeyPair();
      X500Name subject = new X500Name("CN=" + commonName);
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()),
          Date.from(notBefore), Date.from(notAfter), subject, kp.getPublic());
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      X509Certificate cert = new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
      return new TestIdentity(kp, cert);
    } catch (Exception e) {
      throw new IllegalStateException("cannot generate a test identity", e);
    }
  }

  /** Writes the key (unencrypted PKCS#8) and the certificate as PEM, replacing what is there. */
  void write(Path keyFile, Path certFile) {
    try {
      Files.writeString(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
      Files.writeString(certFile, pem("CERTIFICATE", certificate.getEncoded()));
    } catch (IOException | java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
