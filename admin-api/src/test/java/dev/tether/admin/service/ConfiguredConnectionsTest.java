package dev.tether.admin.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.tether.connection.CloseMode;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfiguredConnectionsTest {

  private static Config with(String hocon) {
    return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void noConnectionsByDefault() {
    assertEquals(List.of(), ConfiguredConnections.read(ConfigFactory.load()));
  }

  @Test
  void mergesKebabCaseOverridesOverTheDefaults() {
    Config c = with("""
        tether.connections = [
          { id = "a", host = "a.example", port = 443 },
          { id = "b", host = "b.example", port = 8443, tls-profile = "internal", close-mode = send-only,
            connect-timeout = 1s, close-timeout = 750ms,
            keepalive { enabled = on, interval = 7s, allowed-misses = 2 },
            reconnect { min-backoff = 1s, max-backoff = 10s } }
        ]""");
    List<ConnectionSpec> specs = ConfiguredConnections.read(c);
    ConnectionSettings defaults = ConnectionSettings.fromConfig(c.getConfig("tether.connection-defaults"), "d");
    assertEquals("a", specs.get(0).id().value());
    assertEquals("default", specs.get(0).tlsProfile());
    assertEquals(Optional.empty(), specs.get(0).settings());
    ConnectionSpec b = specs.get(1);
    assertEquals("internal", b.tlsProfile());
    ConnectionSettings s = b.settings().orElseThrow();
    assertEquals(CloseMode.SEND_ONLY, s.closeMode());
    assertEquals(Duration.ofSeconds(1), s.connectTimeout());
    assertEquals(defaults.handshakeTimeout(), s.handshakeTimeout());
    assertEquals(Duration.ofMillis(750), s.closeTimeout());
    assertTrue(s.keepalive().enabled());
    assertEquals(Duration.ofSeconds(7), s.keepalive().interval());
    assertEquals(defaults.keepalive().timeout(), s.keepalive().timeout());
    assertEquals(2, s.keepalive().allowedMisses());
    assertEquals(Duration.ofSeconds(10), s.reconnect().maxBackoff());
    assertEquals(defaults.reconnect().randomFactor(), s.reconnect().randomFactor());
  }

  @Test
  void invalidEntriesNameTheEntryAndKey() {
    var unknown = assertThrows(IllegalArgumentException.class, () -> ConfiguredConnections.read(with(
        "tether.connections = [ { id = a, host = h, port = 1, colour = red } ]")));
    assertTrue(unknown.getMessage().startsWith("invalid configuration at tether.connections[0]: unknown key 'colour'"),
        unknown.getMessage());
    var badDuration = assertThrows(IllegalArgumentException.class, () -> ConfiguredConnections.read(with(
        "tether.connections = [ { id = a, host = h, port = 1 }, { id = b, host = h, port = 1, close-timeout = soon } ]")));
    assertTrue(badDuration.getMessage().contains("tether.connections[1]"), badDuration.getMessage());
    assertTrue(badDuration.getMessage().contains("close-timeout"), badDuration.getMessage());
    var missingHost = assertThrows(IllegalArgumentException.class, () -> ConfiguredConnections.read(with(
        "tether.connections = [ { id = a, port = 1 } ]")));
    assertTrue(missingHost.getMessage().contains("host"), missingHost.getMessage());
    var duplicate = assertThrows(IllegalArgumentException.class, () -> ConfiguredConnections.read(with(
        "tether.connections = [ { id = a, host = h, port = 1 }, { id = a, host = h, port = 2 } ]")));
    assertTrue(duplicate.getMessage().contains("duplicate id 'a'"), duplicate.getMessage());
  }
}
