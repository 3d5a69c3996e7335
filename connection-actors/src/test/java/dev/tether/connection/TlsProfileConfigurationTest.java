package dev.tether.connection;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.tether.connection.internal.tlsprofile.TlsProfiles;
import dev.tether.testing.TestCerts;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The keys of a TLS profile that concern reloading, and the checks a profile's files get at start. */
class TlsProfileConfigurationTest {
  private static final TestCerts CERTS = TestCerts.generate();

  @Test
  void watchNeedsFilesToWatch() {
    String message = fails(Map.of("default.protocols", java.util.List.of(), "jdk.watch", true));
    assertTrue(message.startsWith("tether.tls-profiles.jdk.watch: the profile reads no files"), message);
  }

  @Test
  void negativeDurationsAreRefusedNamingTheKey() {
    String message = fails(Map.of("default.protocols", java.util.List.of(),
        "p.trust-pem", CERTS.cert("localhost").toString(), "p.watch-debounce", "-1s"));
    assertTrue(message.startsWith("tether.tls-profiles.p.watch-debounce: must not be negative"), message);
    message = fails(Map.of("default.protocols", java.util.List.of(),
        "p.trust-pem", CERTS.cert("localhost").toString(), "p.rolling-reconnect-jitter", "-5ms"));
    assertTrue(message.startsWith("tether.tls-profiles.p.rolling-reconnect-jitter: must not be negative"), message);
  }

  @Test
  void aKeyThatDoesNotBelongToItsCertificateFailsTheStart() {
    String message = fails(Map.of("default.protocols", java.util.List.of(),
        "p.key-pem", CERTS.key("other").toString(), "p.cert-pem", CERTS.cert("localhost").toString()));
    assertTrue(message.startsWith("tether.tls-profiles.p.key-pem: the private key in"), message);
    assertTrue(message.contains("does not belong to the certificate"), message);
  }

  private static String fails(Map<String, Object> profiles) {
    return assertThrows(IllegalArgumentException.class,
        () -> TlsProfiles.load(ConfigFactory.parseMap(profiles), "tether.tls-profiles")).getMessage();
  }
}
