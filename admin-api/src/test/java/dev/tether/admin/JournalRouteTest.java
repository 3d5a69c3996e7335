package dev.tether.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.connection.ConnectionState;
import dev.tether.testing.TetherFixture;
import java.time.Duration;
import java.time.Instant;
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
 * {@code GET /connections/{id}/journal} over real HTTP: the JSON contract of each event type,
 * admin actions with the requesting socket's address (not a header a client can forge), the size
 * from the settings, a closed connection's journal still readable, 404 for an unknown id.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JournalRouteTest {
  final TetherFixture fx = new TetherFixture("JournalRouteTest", "tether.admin.port = 0");
  @JUnit5TestKit final ActorTestKit testKit = fx.testKit;

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void showsStatesRoundTripsAdminActionsWithTheClientAndOutcomesAfterTheClose() {
    LiveAdmin admin = new LiveAdmin(fx, fx.settings().withJournalSize(50));
    LiveAdmin.Answer opened = admin.open("j-1", admin.echoPort,
        ", \"keepalive\": {\"enabled\": true, \"interval\": \"200ms\", \"timeout\": \"2s\"}");
    assertEquals(201, opened.status(), opened.body().toString());
    admin.manager.awaitState("j-1", ConnectionState.OPEN);
    testKit.createTestProbe().awaitAssert(TetherFixture.MAX, Duration.ofMillis(100), () -> {
      assertTrue(BulkRoutesIT.events(admin.get("/connections/j-1/journal").body(), "rtt").size() >= 1);
      return null;
    });
    assertEquals(202, admin.post("/connections/j-1/reconnect").status());
    admin.manager.awaitState("j-1", ConnectionState.OPEN); // incarnation 2
    LiveAdmin.Answer closed = admin.delete("/connections/j-1?mode=graceful");
    assertEquals(200, closed.status(), closed.body().toString());

    LiveAdmin.Answer answer = admin.get("/connections/j-1/journal");
    assertEquals(200, answer.status(), answer.body().toString());
    JsonNode j = answer.body();
    assertEquals(List.of("id", "capacity", "events"), fieldNames(j));
    assertEquals("j-1", j.get("id").asText());
    assertEquals(50, j.get("capacity").asInt());

    assertEquals("admin", j.get("events").get(0).get("type").asText(), "the open comes first: " + j);
    JsonNode first = BulkRoutesIT.events(j, "state").get(0);
    assertEquals(List.of("at", "incarnation", "type", "from", "to"), fieldNames(first));
    assertEquals("state", first.get("type").asText());
    assertTrue(first.get("from").isNull());
    assertEquals("connecting", first.get("to").asText());
    assertEquals(1, first.get("incarnation").asInt());
    Instant.parse(first.get("at").asText()); // ISO-8601 UTC
    assertTrue(first.get("at").asText().endsWith("Z"), first.toString());

    JsonNode rtt = BulkRoutesIT.events(j, "rtt").get(0);
    assertEquals(List.of("at", "incarnation", "type", "millis"), fieldNames(rtt));
    assertTrue(rtt.get("millis").isNumber() && rtt.get("millis").asDouble() >= 0, rtt.toString());

    List<JsonNode> admins = BulkRoutesIT.events(j, "admin");
    assertEquals(3, admins.size(), j.toString());
    assertEquals(List.of("at", "incarnation", "type", "action", "mode", "client"), fieldNames(admins.get(0)));
    assertEquals("open", admins.get(0).get("action").asText());
    assertEquals("127.0.0.1", admins.get(0).get("client").asText());
    assertEquals(1, admins.get(0).get("incarnation").asInt());
    assertEquals("reconnect", admins.get(1).get("action").asText());
    assertEquals("127.0.0.1", admins.get(1).get("client").asText());
    assertEquals("close", admins.get(2).get("action").asText());
    assertEquals("graceful", admins.get(2).get("mode").asText());
    assertEquals("127.0.0.1", admins.get(2).get("client").asText());
    assertEquals(2, admins.get(2).get("incarnation").asInt());

    List<JsonNode> outcomes = BulkRoutesIT.events(j, "outcome");
    assertEquals(2, outcomes.size(), j.toString()); // the reconnect's close, then ours
    assertEquals(List.of("at", "incarnation", "type", "kind", "initiator", "detail"), fieldNames(outcomes.get(1)));
    assertEquals("clean", outcomes.get(1).get("kind").asText());
    assertEquals("local", outcomes.get(1).get("initiator").asText());
    assertEquals(2, outcomes.get(1).get("incarnation").asInt());
  }

  @Test
  void aForwardedForHeaderDoesNotChangeTheRecordedClient() throws Exception {
    LiveAdmin admin = new LiveAdmin(fx, fx.settings());
    assertEquals(201, admin.open("j-2", admin.echoPort, "").status());
    admin.manager.awaitState("j-2", ConnectionState.OPEN);
    var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(admin.base() + "/connections/j-2?mode=abort"))
        .header("X-Forwarded-For", "10.9.8.7").DELETE().build();
    assertEquals(200, java.net.http.HttpClient.newHttpClient().send(request,
        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
    JsonNode close = BulkRoutesIT.lastEvent(admin.get("/connections/j-2/journal").body(), "admin");
    assertEquals("close", close.get("action").asText(), close.toString());
    assertEquals("127.0.0.1", close.get("client").asText(), close.toString());
  }

  @Test
  void anUnknownIdIs404() {
    LiveAdmin admin = new LiveAdmin(fx, fx.settings());
    LiveAdmin.Answer missing = admin.get("/connections/nobody/journal");
    assertEquals(404, missing.status());
    assertEquals("not-found", missing.body().get("error").asText());
    assertTrue(missing.body().get("message").asText().contains("'nobody'"), missing.body().toString());
    assertEquals(404, admin.get("/connections/bad%20id/journal").status());
  }
}
