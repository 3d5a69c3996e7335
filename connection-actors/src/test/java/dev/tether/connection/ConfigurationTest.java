package dev.tether.connection;

import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.settings.ReconnectSettings;
import dev.tether.connection.tls.TlsStage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** reference.conf defaults, and invalid configuration failing at start with the key named. */
class ConfigurationTest {

  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  private static String failure(String overrides) {
    return assertThrows(IllegalArgumentException.class, () -> ConnectionManagerSettings.create(with(overrides))).getMessage();
  }

  @Test
  void referenceDefaultsLoad() {
    ConnectionManagerSettings s = ConnectionManagerSettings.create(ConfigFactory.defaultReference());
    ConnectionSettings d = s.defaults();
    assertEquals(Duration.ofSeconds(5), d.connectTimeout());
    assertEquals(Duration.ofSeconds(10), d.handshakeTimeout());
    assertEquals(Duration.ofSeconds(3), d.closeTimeout());
    assertEquals(CloseMode.GRACEFUL, d.closeMode());
    assertEquals(Duration.ofMillis(200), d.reconnect().minBackoff());
    assertEquals(20, d.reconnect().maxFailures());
    assertTrue(s.tlsProfiles().get("default").hostnameVerification());
    assertEquals(false, d.keepalive().enabled());
    assertEquals(256, s.maxConcurrentHandshakes());
    assertEquals(java.util.Optional.of("tether.stream-dispatcher-pool"), s.streamDispatcher());
    // The documented default, read without system properties (the suite also runs with -Dtether.tls-stage=pekko).
    assertEquals("tether", ConfigFactory.defaultReferenceUnresolved().getString("tether.tls-stage"));
    assertEquals(TlsStage.PEKKO, ConnectionManagerSettings.create(with("tether.tls-stage = pekko")).tlsStage());
    assertEquals(TlsStage.TETHER, ConnectionManagerSettings.create(with("tether.tls-stage = tether")).tlsStage());
    assertEquals(200, s.journalSize());
    assertEquals(100, s.journalKeepRemoved());
  }

  @Test
  void theBuilderStartsFromWhatReferenceConfShips() {
    ConnectionManagerSettings configured = ConnectionManagerSettings.create(ConfigFactory.defaultReference());
    ConnectionManagerSettings built = ConnectionManagerSettings.builder(configured.defaults()).build();
    assertEquals(configured.historySize(), built.historySize());
    assertEquals(configured.maxConcurrentHandshakes(), built.maxConcurrentHandshakes());
    assertEquals(configured.journalSize(), built.journalSize());
    assertEquals(configured.journalKeepRemoved(), built.journalKeepRemoved());
    assertEquals(configured.maxConcurrentCloses(), built.maxConcurrentCloses());
    assertEquals(configured.cluster(), built.cluster());
    assertEquals(TlsStage.TETHER, built.tlsStage());
    assertEquals(configured.handlers().keySet(), built.handlers().keySet()); // the built-in ones
    assertTrue(built.tlsProfiles().isEmpty() && built.listeners().isEmpty() && built.streamDispatcher().isEmpty());
  }

  @Test
  void aCopyChangesOneValueAndKeepsTheRest() {
    ConnectionManagerSettings s = ConnectionManagerSettings.create(with("""
        tether { journal-size = 7, journal-keep-removed = 3, history-size = 5, max-concurrent-closes = 9 }
        """));
    assertEquals(s, s.toBuilder().build());
    ConnectionManagerSettings fewerCloses = s.withMaxConcurrentCloses(1);
    assertEquals(1, fewerCloses.maxConcurrentCloses());
    assertEquals(s, fewerCloses.withMaxConcurrentCloses(9));
    ConnectionManagerSettings staged = s.withTlsStage(TlsStage.PEKKO).withJournalSize(8);
    assertEquals(List.of(TlsStage.PEKKO, 8, 3, 5, 9), List.of(staged.tlsStage(), staged.journalSize(),
        staged.journalKeepRemoved(), staged.historySize(), staged.maxConcurrentCloses()));
    // The builder validates as the constructor does, naming the key.
    String message = assertThrows(IllegalArgumentException.class,
        () -> s.toBuilder().maxConcurrentCloses(0).build()).getMessage();
    assertTrue(message.contains("tether.max-concurrent-closes"), message);
  }

  @Test
  void invalidValuesNameTheirKey() {
    assertTrue(failure("tether.connection-defaults.close-mode = sometimes").contains("tether.connection-defaults.close-mode"));
    assertTrue(failure("tether.connection-defaults.close-mode = sometimes").contains("graceful, send-only, abort"));
    assertTrue(failure("tether.connection-defaults.connect-timeout = -1s").contains("connect-timeout"));
    assertTrue(failure("tether.connection-defaults.handshake-timeout = soon").contains("handshake-timeout"));
    String wake = failure("tether.cluster.wake-interval = 0s");
    assertTrue(wake.contains("tether.cluster") && wake.contains("wake-interval"), wake);
    String members = failure("tether.cluster.members-timeout = -1s");
    assertTrue(members.contains("tether.cluster") && members.contains("members-timeout"), members);
    assertTrue(failure("tether.connection-defaults.reconnect.max-backoff = 1ms").contains("tether.connection-defaults.reconnect"));
    assertTrue(failure("tether.connection-defaults.reconnect.random-factor = -1").contains("random-factor"));
    assertTrue(failure("tether.connection-defaults.keepalive.ping = \"\"").contains("tether.connection-defaults.keepalive"));
    assertTrue(failure("tether.max-concurrent-handshakes = 0").contains("tether.max-concurrent-handshakes"));
    String closes = failure("tether.max-concurrent-closes = 0");
    assertTrue(closes.contains("tether.max-concurrent-closes") && closes.contains(">= 1"), closes);
    assertTrue(failure("tether.max-concurrent-closes = lots").contains("tether.max-concurrent-closes"));
    assertTrue(failure("tether.stream-dispatcher = no.such.pool").contains("tether.stream-dispatcher"));
    String journal = failure("tether.journal-size = 0");
    assertTrue(journal.contains("tether.journal-size") && journal.contains(">= 1"), journal);
    assertTrue(failure("tether.journal-size = many").contains("tether.journal-size"));
    assertTrue(failure("tether.journal-keep-removed = -1").contains("tether.journal-keep-removed"));
    String stage = failure("tether.tls-stage = netty");
    assertTrue(stage.contains("tether.tls-stage") && stage.contains("pekko, tether"), stage);
  }

  @Test
  void badTlsProfilesNameTheirKey() {
    String missing = failure("tether.tls-profiles.peer { trust-pem = /nonexistent/ca.pem }");
    assertTrue(missing.contains("tether.tls-profiles.peer.trust-pem") && missing.contains("file not found"), missing);
    String unknown = failure("tether.tls-profiles.peer { trust-pm = x }");
    assertTrue(unknown.contains("tether.tls-profiles.peer.trust-pm") && unknown.contains("unknown key"), unknown);
    String proto = failure("tether.tls-profiles.peer { protocols = [SSLv3] }");
    assertTrue(proto.contains("tether.tls-profiles.peer.protocols"), proto);
    String half = failure("tether.tls-profiles.peer { key-pem = /tmp/k.pem }");
    assertTrue(half.contains("tether.tls-profiles.peer") && half.contains("cert-pem"), half);
  }

  @Test
  void specValidation() {
    assertThrows(IllegalArgumentException.class, () -> ConnectionSpec.of("bad id!", "localhost", 443));
    assertThrows(IllegalArgumentException.class, () -> ConnectionSpec.of("ok", "localhost", 70000));
    assertThrows(IllegalArgumentException.class, () -> ConnectionSpec.of("ok", " ", 443));
    assertEquals("[::1]:443", ConnectionSpec.of("v6", "::1", 443).remote());
  }

  @Test
  void backoffBaseDelayDoublesUpToTheMaximum() {
    ReconnectSettings r = ConnectionManagerSettings.create(ConfigFactory.defaultReference()).defaults().reconnect()
        .withMinBackoff(Duration.ofMillis(100)).withMaxBackoff(Duration.ofMillis(1000));
    assertEquals(Duration.ofMillis(100), r.baseDelay(0));
    assertEquals(Duration.ofMillis(200), r.baseDelay(1));
    assertEquals(Duration.ofMillis(800), r.baseDelay(3));
    assertEquals(Duration.ofMillis(1000), r.baseDelay(4));
    assertEquals(Duration.ofMillis(1000), r.baseDelay(1000));
  }
}
