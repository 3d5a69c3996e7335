package dev.tether.connection.internal.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.tether.connection.CloseMode;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The supervisor's bound on a close covers every timer the incarnation may run one after another,
 * in both directions: were it shorter, a slow but healthy close would be cut off as a bug.
 */
class CloseBoundTest {
  private static final ConnectionSettings SETTINGS = ConnectionManagerSettings.create(ConfigFactory.parseString("""
      tether.connection-defaults { connect-timeout = 3s, handshake-timeout = 5s, close-timeout = 2s }
      """).withFallback(ConfigFactory.defaultReference())).defaults();
  private static final Optional<Duration> OUTBOUND = Optional.empty();
  private static final Optional<Duration> LINGER_30S = Optional.of(Duration.ofSeconds(30));

  @Test
  void anOutboundCloseMayFollowAConnectAndAHandshake() {
    // connect 3 + handshake 5 + close 2 + abort grace 2 + handler stop 2 + 1
    for (CloseMode mode : CloseMode.values()) {
      assertEquals(Duration.ofSeconds(15), ConnectionPlan.closeBound(SETTINGS, OUTBOUND, mode), mode.toString());
    }
  }

  @Test
  void anAcceptedClientClosedGracefullyMayLingerLongerThanCloseTimeout() {
    // handshake 5 + close 2 (our close_notify flushed) + linger 30 + abort grace 2 + handler stop 2 + 1
    Duration graceful = ConnectionPlan.closeBound(SETTINGS, LINGER_30S, CloseMode.GRACEFUL);
    assertEquals(Duration.ofSeconds(42), graceful);
    assertTrue(graceful.compareTo(Duration.ofSeconds(30)) > 0, "the linger alone must fit: " + graceful);
  }

  @Test
  void anAcceptedClientClosedOtherwiseDoesNotLinger() {
    for (CloseMode mode : CloseMode.values()) {
      if (mode == CloseMode.GRACEFUL) continue;
      assertEquals(Duration.ofSeconds(12), ConnectionPlan.closeBound(SETTINGS, LINGER_30S, mode), mode.toString());
    }
  }
}
