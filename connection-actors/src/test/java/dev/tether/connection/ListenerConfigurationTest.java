package dev.tether.connection;

import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.tls.ClientAuth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** tether.listeners: defaults from listener-defaults and connection-defaults, and every mistake named by its key. */
class ListenerConfigurationTest {

  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  private static String failure(String overrides) {
    return assertThrows(IllegalArgumentException.class, () -> ConnectionManagerSettings.create(with(overrides))).getMessage();
  }

  /** A listener block on the default profile, which has no identity; used to reach the later checks. */
  private static ListenerSpec parse(String block) {
    Config root = with("tether.listeners.l {" + block + "}");
    Config t = root.getConfig("tether");
    return ListenerSpec.fromConfig("l", t.getConfig("listeners.l"), t.getConfig("listener-defaults"),
        t.getConfig("connection-defaults"), "tether.listeners.l");
  }

  @Test
  void unsetKeysComeFromListenerDefaultsThenConnectionDefaults() {
    ListenerSpec s = parse("port = 8443, tls-profile = server, handshake-timeout = 4s, keepalive.enabled = on");
    assertEquals("127.0.0.1", s.iface());
    assertEquals(8443, s.port());
    assertEquals(ClientAuth.NONE, s.clientAuth());
    assertEquals("echo", s.handler());
    assertEquals(1024, s.maxConnections());
    assertEquals(Duration.ofSeconds(5), s.lingerTimeout());
    assertEquals(Duration.ofSeconds(4), s.settings().handshakeTimeout());
    assertEquals(Duration.ofSeconds(3), s.settings().closeTimeout());
    assertTrue(s.settings().keepalive().enabled());
    assertEquals(4096, s.options().getInt("max-line-length"));
  }

  @Test
  void mistakesNameTheirKey() {
    assertTrue(failure("tether.listeners.l { port = 1, tls-profile = default, max-conections = 3 }")
        .contains("tether.listeners.l.max-conections: unknown key"));
    assertTrue(failure("tether.listeners.l { tls-profile = default }").contains("tether.listeners.l.port"));
    assertTrue(failure("tether.listeners.l { port = 1 }").contains("tether.listeners.l.tls-profile"));
    assertTrue(failure("tether.listeners.l { port = 1, tls-profile = nope }").contains("unknown TLS profile 'nope'"));
    assertTrue(failure("tether.listeners.l { port = 1, tls-profile = default }")
        .contains("tether.listeners.l.tls-profile: profile 'default' has no key-pem and cert-pem"));
    assertTrue(failure("tether.listeners.l { port = 1, tls-profile = default, client-auth = maybe }")
        .contains("tether.listeners.l.client-auth"));
    assertTrue(failure("tether.listeners.l { port = 70000, tls-profile = default }").contains("tether.listeners.l"));
    assertTrue(failure("tether.listeners.\"bad name!\" { port = 1, tls-profile = default }")
        .contains("a listener name must match"));
    assertTrue(failure("tether.listeners.l { port = 1, tls-profile = default, linger-timeout = 0s }")
        .contains("linger-timeout"));
  }
}
