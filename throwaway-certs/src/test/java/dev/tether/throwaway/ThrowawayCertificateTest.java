package dev.tether.throwaway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the one certificate maker writes is what JSSE and TLS peers read. */
class ThrowawayCertificateTest {

  @Test
  void thePemParsesWithTheRequestedNamesAndTheKeyBelongsToTheCertificate() throws Exception {
    ThrowawayCertificate made = ThrowawayCertificate.generate("peer.test", List.of("peer.test"), List.of("10.231.7.1"),
        Duration.ofDays(2));
    X509Certificate cert = parseCert(made.certificatePem());
    assertTrue(cert.getSubjectX500Principal().getName().contains("CN=peer.test"), cert.getSubjectX500Principal().getName());
    Set<String> sans = cert.getSubjectAlternativeNames().stream().map(l -> l.get(1).toString()).collect(Collectors.toSet());
    assertEquals(Set.of("peer.test", "10.231.7.1"), sans);
    cert.checkValidity();
    PrivateKey key = parseKey(made.privateKeyPem());
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
    signer.update(new byte[] {1, 2, 3});
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(cert.getPublicKey());
    verifier.update(new byte[] {1, 2, 3});
    assertTrue(verifier.verify(signature), "the key signs what the certificate's public key verifies");
  }

  @Test
  void anExplicitWindowIsTheCertificatesValidityAndMayLieInThePast() throws Exception {
    java.time.Instant from = java.time.Instant.now().minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    java.time.Instant to = from.plus(Duration.ofDays(1));
    X509Certificate cert = parseCert(ThrowawayCertificate.generate("expired", List.of("localhost"), List.of("127.0.0.1"),
        from, to).certificatePem());
    assertEquals(from, cert.getNotBefore().toInstant());
    assertEquals(to, cert.getNotAfter().toInstant());
    assertThrows(java.security.cert.CertificateExpiredException.class, cert::checkValidity);
    assertThrows(IllegalArgumentException.class,
        () -> ThrowawayCertificate.generate("backwards", List.of(), List.of(), to, from));
  }

  @Test
  void jsseServesWithIt(@TempDir Path dir) throws Exception {
    ThrowawayCertificate made = ThrowawayCertificate.generate();
    List<Path> files = made.writePem(dir, "server");
    assertTrue(files.get(0).getFileName().toString().contains("throwaway"));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", parseKey(Files.readString(files.get(0))), new char[0],
        new java.security.cert.Certificate[] {parseCert(Files.readString(files.get(1)))});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    assertTrue(context.createSSLEngine().getSupportedCipherSuites().length > 0);
  }

  @Test
  void aHostNameWhereAnIpAddressBelongsIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> ThrowawayCertificate.generate("x", List.of(), List.of("not-an-ip.example"), Duration.ofDays(1)));
  }

  private static X509Certificate parseCert(String pem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  private static PrivateKey parseKey(String pem) throws Exception {
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
  }
}
