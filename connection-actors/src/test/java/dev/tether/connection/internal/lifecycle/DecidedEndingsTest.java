package dev.tether.connection.internal.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.Initiator;
import dev.tether.connection.OutcomeKind;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every ending an incarnation decides itself, with the exact text operators (and log greps) read. */
class DecidedEndingsTest {
  private static final ConnectionSettings SETTINGS = ConnectionManagerSettings.create(ConfigFactory.parseString("""
      tether.connection-defaults { connect-timeout = 3s, handshake-timeout = 250ms, close-timeout = 2s }
      """).withFallback(ConfigFactory.defaultReference())).defaults();
  private static final DecidedEndings OUTBOUND = new DecidedEndings(SETTINGS, Optional.empty());
  private static final DecidedEndings ACCEPTED = new DecidedEndings(SETTINGS, Optional.of(Duration.ofSeconds(7)));

  @Test
  void timersNameTheSettingAndItsValue() {
    assertLocal(OutcomeKind.CONNECT_TIMEOUT, "TCP connect (with DNS) did not finish within connect-timeout 3s",
        OUTBOUND.connectTimeout());
    assertLocal(OutcomeKind.HANDSHAKE_TIMEOUT, "TLS handshake did not finish within handshake-timeout 250ms",
        OUTBOUND.handshakeTimeout());
    assertLocal(OutcomeKind.CLOSE_TIMEOUT, "our close_notify could not be flushed within close-timeout 2s",
        OUTBOUND.closeNotifyNotFlushed());
    assertLocal(OutcomeKind.KEEPALIVE_TIMEOUT, "3 pings unanswered", OUTBOUND.keepaliveTimeout("3 pings unanswered"));
  }

  @Test
  void aPeerThatDoesNotAnswerOurCloseNotifyIsToldApartFromALingeringClient() {
    assertLocal(OutcomeKind.CLOSE_TIMEOUT, "the peer did not answer our close_notify within close-timeout 2s",
        OUTBOUND.peerCloseTimeout(CloseMode.GRACEFUL));
    assertLocal(OutcomeKind.CLOSE_TIMEOUT, "the client did not send its close_notify within linger-timeout 7s after ours"
        + " (what it sent meanwhile was read and discarded); TCP was reset", ACCEPTED.peerCloseTimeout(CloseMode.GRACEFUL));
    // Linger applies to graceful closes only.
    assertLocal(OutcomeKind.CLOSE_TIMEOUT, "the peer did not answer our close_notify within close-timeout 2s",
        ACCEPTED.peerCloseTimeout(CloseMode.SEND_ONLY));
  }

  @Test
  void closesThatCannotBeGracefulSayWhyTcpWasReset() {
    assertLocal(OutcomeKind.ABORTED, "close requested while connecting; TCP was reset at once",
        OUTBOUND.closeRequestedWhile(ConnectionState.CONNECTING));
    assertLocal(OutcomeKind.ABORTED, "close requested while handshaking; TCP was reset at once",
        OUTBOUND.closeRequestedWhile(ConnectionState.HANDSHAKING));
    assertLocal(OutcomeKind.ABORTED, "close requested while connecting", OUTBOUND.closeRequestedBeforeConnected());
    assertLocal(OutcomeKind.ABORTED, "closed on request with mode abort; TCP was reset", OUTBOUND.closedWithModeAbort());
    assertLocal(OutcomeKind.ABORTED, "abort requested while closing; TCP was reset",
        OUTBOUND.abortRequestedWhile(ConnectionState.CLOSING));
    assertLocal(OutcomeKind.ABORTED, "the session handler stopped; close mode abort: TCP was reset",
        OUTBOUND.handlerStoppedWithModeAbort());
  }

  @Test
  void undeliveredBytesKeepTheEndTheyWouldHaveHadAndSaySoAfterIt() {
    Ending would = Ending.peer(OutcomeKind.RESET, "the transport failed: Connection reset");
    Ending e = OUTBOUND.undelivered(would);
    assertEquals(OutcomeKind.RESET, e.kind());
    assertEquals(Initiator.PEER, e.initiator());
    assertEquals("the transport failed: Connection reset; what was received before and not taken by the reader"
        + " within close-timeout 2s was dropped", e.detail());
  }

  private static void assertLocal(OutcomeKind kind, String detail, Ending e) {
    assertEquals(new Ending(kind, Initiator.LOCAL, detail), e);
  }
}
