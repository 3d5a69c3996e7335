package dev.tether.bench;

import dev.tether.throwaway.ThrowawayCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed EC P-256 certificate for {@code localhost} / {@code 127.0.0.1}, made by {@code
 * ThrowawayCertificate} (the one certificate maker of tests, demo and bench) at start, the client side that trusts it and, for the accept scenario, the server side
 * that presents it. Every system under test gets its own {@link SSLContext} (and so its own session
 * cache) built from the same certificate, and the same engine parameters: TLS 1.3 only, hostname
 * verification on (client side).
 */
public final class ThrowawayTls {
  public static final String HOST = "127.0.0.1";
  public static final List<String> PROTOCOLS = List.of("TLSv1.3");

  private final Path cert;
  private final Path key;

  private ThrowawayTls(Path cert, Path key) {
    this.cert = cert;
    this.key = key;
  }

  /** Generates a fresh certificate into {@code dir}. */
  public static ThrowawayTls generate(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    ThrowawayCertificate material = ThrowawayCertificate.generate("localhost", List.of("localhost"), List.of(HOST),
        java.time.Duration.ofDays(7));
    Files.writeString(key, material.privateKeyPem());
    Files.writeString(cert, material.certificatePem());
    return new ThrowawayTls(cert, key);
  }

  /** Uses a certificate generated earlier into {@code dir}. */
  public static ThrowawayTls existing(Path dir) {
    return new ThrowawayTls(dir.resolve("cert.pem"), dir.resolve("key.pem"));
  }

  public Path cert() {
    return cert;
  }

  public Path key() {
    return key;
  }

  /** A fresh client context that trusts only the throwaway certificate. */
  public SSLContext newClientContext() {
    try (InputStream in = Files.newInputStream(cert)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("bench", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the client TLS context from " + cert, e);
    }
  }

  /**
   * A fresh server context presenting the throwaway certificate (the accept scenario: one per system
   * and repetition, like the client contexts, so that no session state is shared).
   */
  public SSLContext newServerContext() {
    try (InputStream in = Files.newInputStream(cert)) {
      String pem = Files.readString(key);
      String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
      PrivateKey pk = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
      Certificate c = CertificateFactory.getInstance("X.509").generateCertificate(in);
      char[] password = "bench".toCharArray();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("bench", pk, password, new Certificate[] {c});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot build the server TLS context from " + key + " and " + cert, e);
    }
  }

  /** The server engine the baselines use: what {@code TlsProfile.createServerEngine(NONE)} does for Tether. */
  public static SSLEngine serverEngine(SSLContext ctx) {
    SSLEngine engine = ctx.createSSLEngine();
    engine.setUseClientMode(false);
    SSLParameters params = engine.getSSLParameters();
    params.setProtocols(PROTOCOLS.toArray(String[]::new));
    engine.setSSLParameters(params);
    return engine;
  }

  /** The engine the baselines use: what {@code TlsProfile.createClientEngine} does for Tether. */
  public static SSLEngine clientEngine(SSLContext ctx, int port) {
    SSLEngine engine = ctx.createSSLEngine(HOST, port);
    engine.setUseClientMode(true);
    SSLParameters params = engine.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    params.setProtocols(PROTOCOLS.toArray(String[]::new));
    engine.setSSLParameters(params);
    return engine;
  }
}
