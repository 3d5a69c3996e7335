package dev.tether.admin.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.Direction;
import dev.tether.connection.Initiator;
import dev.tether.connection.Outcome;
import dev.tether.connection.OutcomeKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The service's pure decisions at shutdown and start: the summary line, the exit code. */
class GuardianTest {
  private static final Outcome CLEAN = outcome(OutcomeKind.CLEAN);
  private static final Outcome TIMEOUT = outcome(OutcomeKind.CLOSE_TIMEOUT);

  @Test
  void shutdownSummaryCountsDirectionsAndOutcomesByKind() {
    assertEquals("shutdown: closed 3 connections (inbound 1, outbound 2): clean=2 close-timeout=1",
        Guardian.summary(List.of(closed("jobs-1", CLEAN, Direction.INBOUND), closed("a", TIMEOUT, Direction.OUTBOUND),
            closed("b", CLEAN, Direction.OUTBOUND))));
    assertEquals("shutdown: closed 1 connection (inbound 0, outbound 1): clean=1",
        Guardian.summary(List.of(closed("a", CLEAN, Direction.OUTBOUND))));
    assertEquals("shutdown: closed 0 connections (inbound 0, outbound 0)", Guardian.summary(List.of()));
  }

  @Test
  void theSummaryKeepsThePrefixThatLogGrepsLookFor() {
    String line = Guardian.summary(List.of(closed("a", CLEAN, Direction.OUTBOUND), closed("b", CLEAN, Direction.OUTBOUND),
        closed("c", CLEAN, Direction.OUTBOUND)));
    assertEquals(true, line.startsWith("shutdown: closed 3 connections"), line);
  }

  @Test
  void anInboundConnectionIsCountedAsSuchWhateverItsId() {
    // The direction comes with each close's answer: an id that looks like another side's means nothing.
    assertEquals("shutdown: closed 2 connections (inbound 1, outbound 1): clean=2",
        Guardian.summary(List.of(closed("jobs", CLEAN, Direction.INBOUND), closed("jobs-1", CLEAN, Direction.OUTBOUND))));
  }

  @Test
  void aListenerThatCannotBindMakesTheServiceExitNonZero() {
    // The lookup CoordinatedShutdown makes for its reason (reason-overrides."<class name>").
    Config shutdown = AdminApp.loadConfig().getConfig("pekko.coordinated-shutdown");
    String reason = new Guardian.StartFailed("x").getClass().getName();
    assertEquals("dev.tether.admin.service.Guardian$StartFailed", reason);
    assertEquals(3, shutdown.getConfig("reason-overrides.\"" + reason + "\"").getInt("exit-code"));
    assertEquals(0, shutdown.getInt("exit-code"), "a requested stop (SIGTERM) still exits 0");
    assertEquals(true, shutdown.getBoolean("exit-jvm"));
  }

  private static ConnectionManager.Closed closed(String id, Outcome o, Direction direction) {
    return new ConnectionManager.Closed(ConnectionId.of(id), o, direction);
  }

  private static Outcome outcome(OutcomeKind kind) {
    return new Outcome(kind, Initiator.LOCAL, "x", Instant.EPOCH, 1, 0, 0, Duration.ZERO);
  }
}
