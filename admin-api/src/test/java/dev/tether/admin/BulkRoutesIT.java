package dev.tether.admin;

import org.junit.jupiter.api.Tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.testing.OpenSslServer;
import dev.tether.testing.TetherFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bulk close and bulk reconnect over real HTTP against a real manager whose connections go to its
 * own echo listener (outbound and inbound ones at once), and to a closed port (failed ones); the
 * restart budget in views; 400s for bad queries.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("peer")
class BulkRoutesIT {
  final TetherFixture fx = new TetherFixture("BulkRoutesIT", "tether.admin.port = 0");
  @JUnit5TestKit final ActorTestKit testKit = fx.testKit;

  private LiveAdmin admin() {
    return new LiveAdmin(fx, fx.settings());
  }

  private static List<String> ids(JsonNode list) {
    List<String> ids = new ArrayList<>();
    list.forEach(c -> ids.add(c.isTextual() ? c.asText() : c.get("id").asText()));
    return ids;
  }

  /** Polls each view: the event probe would have skipped a state reached while waiting for another id's. */
  private void awaitOpen(LiveAdmin admin, String... ids) {
    awaitState(admin, "open", ids);
  }

  private void awaitState(LiveAdmin admin, String state, String... ids) {
    for (String id : ids) {
      testKit.createTestProbe().awaitAssert(TetherFixture.MAX, Duration.ofMillis(100), () -> {
        LiveAdmin.Answer a = admin.get("/connections/" + id);
        assertEquals(state, a.status() == 200 ? a.body().get("state").asText() : "unknown", id + ": " + a.body());
        return null;
      });
    }
  }

  @Test
  void closesEveryMatchByStateAndDirectionAndCountsTheOutcomes() {
    LiveAdmin admin = admin();
    assertEquals(201, admin.open("out-1", admin.echoPort, "").status());
    assertEquals(201, admin.open("out-2", admin.echoPort, "").status());
    awaitOpen(admin, "out-1", "out-2", "echo-1", "echo-2");

    // Outbound only: the inbound ends are left to the peer's close (they end when out-n has closed).
    LiveAdmin.Answer outbound = admin.delete("/connections?state=open&direction=outbound&mode=graceful");
    assertEquals(200, outbound.status(), outbound.body().toString());
    assertEquals(2, outbound.body().get("matched").asInt());
    assertEquals(2, outbound.body().get("closed").asInt());
    assertEquals(2, outbound.body().get("outcomes").get("clean").asInt(), outbound.body().toString());
    assertEquals(List.of("out-1", "out-2"), ids(outbound.body().get("connections")));
    assertEquals(0, outbound.body().get("gone").asInt());
    assertEquals(0, outbound.body().get("timedOut").asInt());
    assertEquals(false, outbound.body().get("partial").asBoolean());
    assertEquals(404, admin.get("/connections/out-1").status());

    // Inbound only, aborted: counted by their own outcome kind; the outbound ends stay managed.
    assertEquals(201, admin.open("out-3", admin.echoPort, "").status());
    assertEquals(201, admin.open("out-4", admin.echoPort, "").status());
    awaitOpen(admin, "out-3", "out-4", "echo-3", "echo-4");
    LiveAdmin.Answer inbound = admin.delete("/connections?direction=inbound&state=open&mode=abort");
    assertEquals(200, inbound.status(), inbound.body().toString());
    assertEquals(2, inbound.body().get("closed").asInt(), inbound.body().toString());
    assertEquals(2, inbound.body().get("outcomes").get("aborted").asInt(), inbound.body().toString());
    assertEquals(List.of("echo-3", "echo-4"), ids(inbound.body().get("connections")));
    assertEquals(200, admin.get("/connections/out-3").status());

    // The journal of a bulk-closed connection has the admin close, with our address and the mode.
    JsonNode journal = admin.get("/connections/echo-3/journal").body();
    JsonNode close = events(journal, "admin").get(0);
    assertEquals("close", close.get("action").asText());
    assertEquals("abort", close.get("mode").asText());
    assertEquals("127.0.0.1", close.get("client").asText());

    // A filter that matches nothing is not an error.
    LiveAdmin.Answer none = admin.delete("/connections?state=closing");
    assertEquals(200, none.status());
    assertEquals(0, none.body().get("matched").asInt());
  }

  @Test
  void reconnectsEveryFailedOneAndShowsTheRestartBudget() {
    LiveAdmin admin = admin();
    int closedPort = OpenSslServer.freePort(); // nobody listens: every connect is refused
    ConnectionSettings giveUpFast = fx.fastSettings().withReconnect(fx.fastSettings().reconnect()
        .withMaxFailures(1, Duration.ofMinutes(1)));
    admin.manager.open("dead-1", closedPort, "test", giveUpFast);
    admin.manager.open("dead-2", closedPort, "test", giveUpFast);
    awaitState(admin, "failed", "dead-1", "dead-2");
    assertEquals(201, admin.open("alive", admin.echoPort, "").status());
    awaitOpen(admin, "alive", "echo-1");

    JsonNode dead = admin.get("/connections/dead-1").body();
    assertEquals("failed", dead.get("state").asText());
    assertEquals(2, dead.get("failuresInWindow").asInt(), dead.toString());
    assertEquals(1, dead.get("maxFailures").asInt());
    assertEquals("60s", dead.get("failureWindow").asText());
    JsonNode alive = admin.get("/connections/alive").body();
    assertEquals(0, alive.get("failuresInWindow").asInt(), alive.toString());
    assertEquals(20, alive.get("maxFailures").asInt());

    LiveAdmin.Answer reconnected = admin.post("/connections/reconnect?state=failed");
    assertEquals(200, reconnected.status(), reconnected.body().toString());
    assertEquals(2, reconnected.body().get("matched").asInt());
    assertEquals(2, reconnected.body().get("reconnected").asInt());
    assertEquals(0, reconnected.body().get("notReconnectable").asInt());
    assertEquals(List.of("dead-1", "dead-2"), ids(reconnected.body().get("reconnectedIds")));
    // A fresh incarnation, with the budget reset; it fails again against the closed port.
    JsonNode again = admin.get("/connections/dead-1").body();
    assertTrue(again.get("incarnation").asInt() >= 3, again.toString());
    JsonNode reconnect = lastEvent(admin.get("/connections/dead-1/journal").body(), "admin"); // after the open
    assertEquals("reconnect", reconnect.get("action").asText());
    assertTrue(reconnect.get("mode").isNull());
    assertEquals("127.0.0.1", reconnect.get("client").asText());

    // Inbound connections are counted as not reconnectable, and left alone.
    LiveAdmin.Answer open = admin.post("/connections/reconnect?state=open");
    assertEquals(2, open.body().get("matched").asInt(), open.body().toString());
    assertEquals(1, open.body().get("reconnected").asInt());
    assertEquals(1, open.body().get("notReconnectable").asInt());
    assertEquals(List.of("alive"), ids(open.body().get("reconnectedIds")));
  }

  @Test
  void badQueriesAre400sNamingTheParameterAndNothingIsClosed() {
    LiveAdmin admin = admin();
    assertEquals(201, admin.open("keep", admin.echoPort, "").status());
    awaitOpen(admin, "keep");
    assertBadParameter(admin.delete("/connections"), "all=true");
    assertBadParameter(admin.delete("/connections?mode=abort"), "all=true");
    assertBadParameter(admin.delete("/connections?stat=open"), "'stat'");
    assertBadParameter(admin.delete("/connections?state=sleeping"), "expected one of connecting");
    assertBadParameter(admin.delete("/connections?direction=up"), "inbound or outbound");
    assertBadParameter(admin.delete("/connections?state=open&mode=later"), "graceful, send-only, abort");
    assertBadParameter(admin.delete("/connections?all=yes"), "all: must be true");
    assertBadParameter(admin.post("/connections/reconnect?state=nope"), "state: ");
    assertBadParameter(admin.post("/connections/reconnect"), "all=true");
    assertBadParameter(admin.post("/connections/reconnect?state=failed&mode=abort"), "'mode'");
    assertEquals("open", admin.get("/connections/keep").body().get("state").asText());
    // A connection named "reconnect" is still reached by its id.
    assertEquals(404, admin.get("/connections/reconnect").status());
  }

  private static void assertBadParameter(LiveAdmin.Answer a, String inMessage) {
    assertEquals(400, a.status(), a.body().toString());
    assertEquals("invalid-parameter", a.body().get("error").asText(), a.body().toString());
    assertTrue(a.body().get("message").asText().contains(inMessage), a.body().toString());
  }

  /** The newest event of {@code type} in a journal's JSON. */
  static JsonNode lastEvent(JsonNode journal, String type) {
    List<JsonNode> found = events(journal, type);
    assertTrue(!found.isEmpty(), "no " + type + " event in " + journal);
    return found.get(found.size() - 1);
  }

  static List<JsonNode> events(JsonNode journal, String type) {
    List<JsonNode> found = new ArrayList<>();
    journal.get("events").forEach(e -> {
      if (e.get("type").asText().equals(type)) found.add(e);
    });
    return found;
  }
}
