package dev.tether.admin;

import dev.tether.admin.service.ServiceSettings;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminSettingsTest {
  private final AdminSettings defaults = AdminSettings.create(ConfigFactory.load());

  @Test
  void defaultsBindLoopbackWithoutToken() {
    assertEquals("127.0.0.1", defaults.iface());
    assertEquals(8558, defaults.port());
    assertEquals(Optional.empty(), defaults.token());
    assertEquals(1024 * 1024, defaults.maxRequestBody());
    assertEquals(Duration.ofSeconds(5), defaults.askTimeout());
    assertEquals(Duration.ofSeconds(15), defaults.listenerStopTimeout());
    assertEquals(Duration.ofSeconds(10), defaults.listenerStartTimeout());
    assertDoesNotThrow(defaults::requireSafeBinding);
    assertDoesNotThrow(defaults.withInterface("localhost")::requireSafeBinding);
    assertDoesNotThrow(defaults.withInterface("::1")::requireSafeBinding);
  }

  @Test
  void refusesAPublicAddressWithoutTokenAndSaysWhy() {
    IllegalStateException e = assertThrows(IllegalStateException.class, defaults.withInterface("0.0.0.0")::requireSafeBinding);
    assertTrue(e.getMessage().contains("refusing to bind the admin API to 0.0.0.0:8558 without a token"), e.getMessage());
    assertTrue(e.getMessage().contains("not a loopback address"), e.getMessage());
    assertTrue(e.getMessage().contains("tether.admin.token"), e.getMessage());
    // The whole service start refuses it, before any actor system exists.
    IllegalStateException s = assertThrows(IllegalStateException.class, () -> ServiceSettings.create(
        ConfigFactory.parseString("tether.admin.interface = \"0.0.0.0\"").withFallback(ConfigFactory.load())));
    assertEquals(e.getMessage(), s.getMessage());
  }

  @Test
  void aTokenAllowsAPublicAddressAndAnEmptyTokenIsNoToken() {
    assertDoesNotThrow(defaults.withInterface("0.0.0.0").withToken(Optional.of("t"))::requireSafeBinding);
    assertEquals(Optional.empty(), defaults.withToken(Optional.of("")).token());
  }
}
