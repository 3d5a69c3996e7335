package dev.tether.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.admin.json.JsonSupport;
import dev.tether.connection.tls.ClientAuth;
import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.Direction;
import dev.tether.connection.Initiator;
import dev.tether.connection.ListenerInfo;
import dev.tether.connection.Outcome;
import dev.tether.connection.OutcomeKind;
import dev.tether.connection.SendResult;
import dev.tether.connection.TlsInfo;
import dev.tether.testing.Views;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST contract, with a probe standing in for the connection manager. */
class AdminRoutesTest extends JUnit5RouteTest {

  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

  private TestProbe<ConnectionManager.Command> manager;
  private TestRoute route;

  @BeforeEach
  void createRoutes() {
    manager = testKit().createTestProbe(ConnectionManager.Command.class);
    route = testRoute(routes(AdminSettings.create(testKit().system())));
    manager.expectMessageClass(ConnectionManager.Subscribe.class); // the metrics subscriber
  }

  // ---------------------------------------------------------------- reads

  @Test
  void listsConnectionsWithNullsForAbsentFields() throws Exception {
    var result = async(HttpRequest.GET("/connections"));
    manager.expectMessageClass(ConnectionManager.ListConnections.class).replyTo()
        .tell(new ConnectionManager.ConnectionList(List.of(openView("a"), backoffView("b"))));
    JsonNode body = json(result.get(5, TimeUnit.SECONDS).assertStatusCode(200));
    JsonNode a = body.get("connections").get(0);
    assertEquals("a", a.get("id").asText());
    assertEquals("example.org:443", a.get("remote").asText());
    assertEquals("outbound", a.get("direction").asText());
    assertTrue(a.get("listener").isNull());
    assertEquals("open", a.get("state").asText());
    assertEquals("2026-01-02T03:04:05Z", a.get("stateSince").asText());
    assertEquals("TLSv1.3", a.get("tls").get("protocol").asText());
    assertTrue(a.get("tls").get("peerSubject").isNull());
    assertTrue(a.get("nextAttemptAt").isNull());
    assertEquals(12, a.get("lastPingRttMillis").asLong());
    assertTrue(a.get("lastOutcome").isNull());
    assertEquals(List.of("id", "remote", "direction", "listener", "node", "state", "incarnation", "stateSince", "tls", "bytesIn", "bytesOut", "reconnects",
        "nextAttemptAt", "lastPingRttMillis", "lastOutcome", "failuresInWindow", "maxFailures", "failureWindow"), fieldNames(a));
    assertEquals(0, a.get("failuresInWindow").asInt());
    assertEquals(20, a.get("maxFailures").asInt());
    assertEquals("60s", a.get("failureWindow").asText());
    JsonNode b = body.get("connections").get(1);
    assertEquals("backoff", b.get("state").asText());
    assertTrue(b.get("tls").isNull());
    assertTrue(b.get("lastPingRttMillis").isNull());
    assertEquals("2026-01-02T03:04:06Z", b.get("nextAttemptAt").asText());
    assertEquals(List.of("kind", "initiator", "detail", "at"), fieldNames(b.get("lastOutcome")));
    assertEquals("truncated", b.get("lastOutcome").get("kind").asText());
    assertEquals("peer", b.get("lastOutcome").get("initiator").asText());
  }

  @Test
  void filtersByState() throws Exception {
    var result = async(HttpRequest.GET("/connections?state=open"));
    manager.expectMessageClass(ConnectionManager.ListConnections.class).replyTo()
        .tell(new ConnectionManager.ConnectionList(List.of(openView("a"), backoffView("b"))));
    JsonNode body = json(result.get(5, TimeUnit.SECONDS).assertStatusCode(200));
    assertEquals(1, body.get("connections").size());
    assertEquals("a", body.get("connections").get(0).get("id").asText());
  }

  @Test
  void rejectsAnUnknownStateFilter() {
    assertError(route.run(HttpRequest.GET("/connections?state=sleeping")), 400, "invalid-parameter");
  }

  @Test
  void aBadQueryValueIsAnsweredAsInvalidParameterNamingItTheSameEverywhere() {
    // The exact texts the hand-written checks gave before the parameter directives read the values.
    assertEquals("state: " + message(() -> ConnectionState.fromWireName("sleeping")),
        assertError(route.run(HttpRequest.GET("/connections?state=sleeping")), 400, "invalid-parameter").get("message").asText());
    assertEquals("mode: unknown close mode '', expected one of graceful, send-only, abort",
        assertError(route.run(HttpRequest.DELETE("/connections/a?mode=")), 400, "invalid-parameter").get("message").asText());
    assertEquals("mode: " + message(() -> CloseMode.fromWireName("later")),
        assertError(route.run(HttpRequest.DELETE("/listeners/jobs?mode=later")), 400, "invalid-parameter").get("message").asText());
    assertEquals("reconnect: unknown value 'sometimes', expected rolling or none",
        assertError(route.run(HttpRequest.POST("/tls-profiles/x/reload?reconnect=sometimes")), 400, "invalid-parameter")
            .get("message").asText());
    assertEquals("reconnect: unknown value '', expected rolling or none",
        assertError(route.run(HttpRequest.POST("/tls-profiles/x/reload?reconnect=")), 400, "invalid-parameter")
            .get("message").asText());
    manager.expectNoMessage(Duration.ofMillis(100));
  }

  private static String message(Runnable refused) {
    return org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, refused::run).getMessage();
  }

  @Test
  void showsAnInboundConnectionsDirectionListenerAndClientCertificate() throws Exception {
    var result = async(HttpRequest.GET("/connections/jobs-1"));
    manager.expectMessageClass(ConnectionManager.Get.class).replyTo().tell(Optional.of(inboundView("jobs-1")));
    JsonNode c = json(result.get(5, TimeUnit.SECONDS).assertStatusCode(200));
    assertEquals("inbound", c.get("direction").asText());
    assertEquals("jobs", c.get("listener").asText());
    assertEquals("127.0.0.1:50412", c.get("remote").asText());
    assertEquals("CN=client", c.get("tls").get("peerSubject").asText());
  }

  @Test
  void filtersByDirectionAndByStateAndDirection() throws Exception {
    List<ConnectionView> all = List.of(openView("a"), backoffView("b"), inboundView("jobs-1"));
    var inbound = async(HttpRequest.GET("/connections?direction=inbound"));
    manager.expectMessageClass(ConnectionManager.ListConnections.class).replyTo().tell(new ConnectionManager.ConnectionList(all));
    assertEquals(List.of("jobs-1"), ids(json(inbound.get(5, TimeUnit.SECONDS).assertStatusCode(200))));

    var outbound = async(HttpRequest.GET("/connections?direction=outbound"));
    manager.expectMessageClass(ConnectionManager.ListConnections.class).replyTo().tell(new ConnectionManager.ConnectionList(all));
    assertEquals(List.of("a", "b"), ids(json(outbound.get(5, TimeUnit.SECONDS).assertStatusCode(200))));

    var openOutbound = async(HttpRequest.GET("/connections?state=open&direction=outbound"));
    manager.expectMessageClass(ConnectionManager.ListConnections.class).replyTo().tell(new ConnectionManager.ConnectionList(all));
    assertEquals(List.of("a"), ids(json(openOutbound.get(5, TimeUnit.SECONDS).assertStatusCode(200))));
  }

  @Test
  void rejectsAnUnknownDirectionNamingTheAcceptedValues() {
    JsonNode body = assertError(route.run(HttpRequest.GET("/connections?direction=sideways")), 400, "invalid-parameter");
    String message = body.get("message").asText();
    assertTrue(message.startsWith("direction: ") && message.contains("'sideways'") && message.contains("inbound")
        && message.contains("outbound"), message);
    // Wire names only, as everywhere in the API.
    assertError(route.run(HttpRequest.GET("/connections?direction=INBOUND")), 400, "invalid-parameter");
    manager.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void clusterIsNotFoundOnASingleNode() throws Exception {
    JsonNode body = assertError(async(HttpRequest.GET("/cluster")).get(5, TimeUnit.SECONDS), 404, "not-found");
    assertTrue(body.get("message").asText().contains("tether.cluster.enabled"), body.toString());
  }

  @Test
  void anInboundConnectionIsNotReconnectable() throws Exception {
    var result = async(HttpRequest.POST("/connections/jobs-1/reconnect"));
    manager.expectMessageClass(ConnectionManager.Reconnect.class).replyTo().tell(Optional.of(inboundView("jobs-1")));
    JsonNode body = assertError(result.get(5, TimeUnit.SECONDS), 409, "not-reconnectable");
    assertTrue(body.get("message").asText().contains("listener 'jobs'"), body.toString());
  }

  @Test
  void getsOneConnectionOr404() throws Exception {
    var found = async(HttpRequest.GET("/connections/a"));
    var get = manager.expectMessageClass(ConnectionManager.Get.class);
    assertEquals("a", get.id().value());
    get.replyTo().tell(Optional.of(openView("a")));
    assertEquals("a", json(found.get(5, TimeUnit.SECONDS).assertStatusCode(200)).get("id").asText());

    var missing = async(HttpRequest.GET("/connections/nope"));
    manager.expectMessageClass(ConnectionManager.Get.class).replyTo().tell(Optional.empty());
    assertError(missing.get(5, TimeUnit.SECONDS), 404, "not-found");
  }

  // ---------------------------------------------------------------- open

  @Test
  void anOpenMayNameASessionHandlerAndAnUnknownOneIsAFieldError() throws Exception {
    var result = async(post("/connections", """
        {"id": "j", "host": "127.0.0.1", "port": 8443, "handler": "jobs"}"""));
    var open = manager.expectMessageClass(ConnectionManager.Open.class);
    assertEquals(Optional.of("jobs"), open.spec().handler());
    open.replyTo().tell(new ConnectionManager.OpenRejected(ConnectionManager.OpenRejection.UNKNOWN_HANDLER,
        "unknown session handler 'jobs'; registered handlers: echo"));
    JsonNode body = assertError(result.get(5, TimeUnit.SECONDS), 400, "invalid-request");
    assertTrue(fieldMessage(body, "handler").contains("unknown session handler"), body.toString());
  }

  @Test
  void opensWithOverridesAndAnswers201WithLocation() throws Exception {
    var result = async(post("/connections", """
        {"id": "db", "host": "db.internal", "port": 5432, "tlsProfile": "default", "closeMode": "send-only",
         "connectTimeout": "1500ms", "handshakeTimeout": "2s", "closeTimeout": "1s",
         "keepalive": {"interval": "10s", "timeout": "2s", "ping": "hi\\n", "allowedMisses": 2},
         "reconnect": {"minBackoff": "100ms", "maxBackoff": "5s", "randomFactor": 0.5}}"""));
    var open = manager.expectMessageClass(ConnectionManager.Open.class);
    ConnectionSpec spec = open.spec();
    assertEquals("db", spec.id().value());
    assertEquals("db.internal", spec.host());
    assertEquals(5432, spec.port());
    var s = spec.settings().orElseThrow();
    assertEquals(CloseMode.SEND_ONLY, s.closeMode());
    assertEquals(Duration.ofMillis(1500), s.connectTimeout());
    assertEquals(Duration.ofSeconds(2), s.handshakeTimeout());
    assertEquals(Duration.ofSeconds(1), s.closeTimeout());
    assertTrue(s.keepalive().enabled());
    assertEquals(Duration.ofSeconds(10), s.keepalive().interval());
    assertEquals(ByteString.fromString("hi\n"), s.keepalive().ping());
    assertEquals(2, s.keepalive().allowedMisses());
    assertEquals(Duration.ofMillis(100), s.reconnect().minBackoff());
    assertEquals(Duration.ofSeconds(5), s.reconnect().maxBackoff());
    assertEquals(0.5, s.reconnect().randomFactor());
    open.replyTo().tell(new ConnectionManager.Opened(view(spec, ConnectionState.CONNECTING)));
    TestRouteResult r = result.get(5, TimeUnit.SECONDS).assertStatusCode(201).assertHeaderExists("Location", "/connections/db");
    assertEquals("connecting", json(r).get("state").asText());
  }

  @Test
  void generatesAnIdAndKeepsDefaultsWhenNothingIsOverridden() throws Exception {
    var result = async(post("/connections", "{\"host\": \"example.org\", \"port\": 443}"));
    var open = manager.expectMessageClass(ConnectionManager.Open.class);
    assertTrue(open.spec().id().value().matches("[A-Za-z0-9._-]{1,64}"), open.spec().id().value());
    assertEquals("default", open.spec().tlsProfile());
    assertEquals(Optional.empty(), open.spec().settings());
    open.replyTo().tell(new ConnectionManager.Opened(view(open.spec(), ConnectionState.CONNECTING)));
    result.get(5, TimeUnit.SECONDS).assertStatusCode(201).assertHeaderExists("Location", "/connections/" + open.spec().id().value());
  }

  @Test
  void answers409WhenTheIdExists() throws Exception {
    var result = async(post("/connections", "{\"id\": \"a\", \"host\": \"example.org\", \"port\": 443}"));
    manager.expectMessageClass(ConnectionManager.Open.class).replyTo().tell(new ConnectionManager.OpenRejected(
        ConnectionManager.OpenRejection.ALREADY_EXISTS, "a connection with id 'a' already exists"));
    assertError(result.get(5, TimeUnit.SECONDS), 409, "already-exists");
  }

  @Test
  void reportsAnUnknownTlsProfileAsABadField() throws Exception {
    var result = async(post("/connections", "{\"host\": \"example.org\", \"port\": 443, \"tlsProfile\": \"nope\"}"));
    manager.expectMessageClass(ConnectionManager.Open.class).replyTo().tell(new ConnectionManager.OpenRejected(
        ConnectionManager.OpenRejection.UNKNOWN_TLS_PROFILE, "unknown TLS profile 'nope'; configured profiles: default"));
    JsonNode body = assertError(result.get(5, TimeUnit.SECONDS), 400, "invalid-request");
    assertEquals("tlsProfile", body.get("fields").get(0).get("field").asText());
  }

  @Test
  void rejectsMalformedJson() {
    assertError(route.run(post("/connections", "{\"host\": ")), 400, "bad-request");
    manager.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void reportsEveryBadFieldAtOnce() {
    JsonNode body = assertError(route.run(post("/connections", """
        {"id": "not ok!", "host": 7, "port": "443", "closeMode": "later", "connectTimeout": "abc",
         "keepalive": {"interval": "1.5s", "allowedMisses": -1, "colour": "red"},
         "reconnect": {"randomFactor": "lots"}, "extra": true}""")), 400, "invalid-request");
    List<String> fields = new java.util.ArrayList<>();
    body.get("fields").forEach(f -> fields.add(f.get("field").asText()));
    assertEquals(List.of("id", "host", "port", "closeMode", "connectTimeout", "keepalive.interval",
        "keepalive.allowedMisses", "keepalive.colour", "reconnect.randomFactor", "extra").stream().sorted().toList(),
        fields.stream().sorted().toList());
    assertTrue(body.get("message").asText().contains("connectTimeout: must be a duration"), body.toString());
    manager.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void checksIdAndReconnectOverridesWithTheLibrarysOwnRules() {
    JsonNode body = assertError(route.run(post("/connections", """
        {"id": "not ok!", "host": "h", "port": 1, "reconnect": {"randomFactor": 10.5}}""")), 400, "invalid-request");
    assertEquals(ConnectionId.problem("not ok!").orElseThrow(), fieldMessage(body, "id"));
    assertEquals("must be between 0.0 and 10.0, was 10.5", fieldMessage(body, "reconnect.randomFactor"));
    JsonNode order = assertError(route.run(post("/connections", """
        {"host": "h", "port": 1, "reconnect": {"minBackoff": "2s", "maxBackoff": "1500ms"}}""")), 400, "invalid-request");
    assertEquals("maxBackoff (1500ms) must be >= minBackoff (2s)", fieldMessage(order, "reconnect"));
    manager.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void raisingOnlyMinBackoffLiftsTheDefaultMaxBackoff() throws Exception {
    Duration min = DEFAULTS.reconnect().maxBackoff().plusSeconds(1);
    var result = async(post("/connections", "{\"host\": \"h\", \"port\": 1, \"reconnect\": {\"minBackoff\": \""
        + min.toSeconds() + "s\"}}"));
    var open = manager.expectMessageClass(ConnectionManager.Open.class);
    var reconnect = open.spec().settings().orElseThrow().reconnect();
    assertEquals(min, reconnect.minBackoff());
    assertEquals(min, reconnect.maxBackoff());
    assertEquals(DEFAULTS.reconnect().randomFactor(), reconnect.randomFactor());
    open.replyTo().tell(new ConnectionManager.Opened(view(open.spec(), ConnectionState.CONNECTING)));
    result.get(5, TimeUnit.SECONDS).assertStatusCode(201);
  }

  @Test
  void rejectsAnUnknownField() {
    JsonNode body = assertError(route.run(post("/connections", "{\"host\": \"h\", \"port\": 1, \"colour\": \"red\"}")),
        400, "invalid-request");
    assertEquals("colour", body.get("fields").get(0).get("field").asText());
  }

  @Test
  void rejectsMissingRequiredFieldsAndNonObjects() {
    JsonNode body = assertError(route.run(post("/connections", "{}")), 400, "invalid-request");
    assertEquals(2, body.get("fields").size());
    assertError(route.run(post("/connections", "[1, 2]")), 400, "invalid-request");
    assertError(route.run(HttpRequest.POST("/connections").withEntity(ContentTypes.TEXT_PLAIN_UTF8, "{}")), 415,
        "unsupported-media-type");
  }

  @Test
  void rejectsBodiesOverOneMebibyte() {
    String big = "{\"host\": \"" + "x".repeat(1024 * 1024) + "\", \"port\": 1}";
    assertError(route.run(post("/connections", big)), 413, "payload-too-large");
    byte[] raw = new byte[1024 * 1024 + 1];
    assertError(route.run(HttpRequest.POST("/connections/a/send")
        .withEntity(ContentTypes.APPLICATION_OCTET_STREAM, raw)), 413, "payload-too-large");
    manager.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aPathWithAnInvalidIdIsAnUnknownConnection() {
    String tooLong = "x".repeat(65);
    assertError(route.run(HttpRequest.GET("/connections/" + tooLong)), 404, "not-found");
    assertError(route.run(HttpRequest.GET("/connections/not%20ok")), 404, "not-found");
    assertError(route.run(HttpRequest.DELETE("/connections/" + tooLong)), 404, "not-found");
    assertError(route.run(HttpRequest.POST("/connections/" + tooLong + "/reconnect")), 404, "not-found");
    assertError(route.run(HttpRequest.POST("/connections/" + tooLong + "/send").withEntity("hello")), 404, "not-found");
    // The checks that came first before still come first.
    assertError(route.run(HttpRequest.DELETE("/connections/" + tooLong + "?mode=politely")), 400, "invalid-parameter");
    assertError(route.run(HttpRequest.POST("/connections/" + tooLong + "/send").withEntity("")), 400, "invalid-request");
    manager.expectNoMessage(Duration.ofMillis(100));
  }

  // ---------------------------------------------------------------- close, reconnect, send

  @Test
  void deleteClosesWithTheRequestedModeAndAnswersTheOutcome() throws Exception {
    var result = async(HttpRequest.DELETE("/connections/a?mode=abort"));
    // One ask: no Get first.
    var close = manager.expectMessageClass(ConnectionManager.Close.class);
    assertEquals(Optional.of(CloseMode.ABORT), close.mode());
    close.replyTo().tell(new ConnectionManager.Closed(ConnectionId.of("a"), outcome(OutcomeKind.ABORTED, Initiator.LOCAL), Direction.OUTBOUND));
    JsonNode body = json(result.get(5, TimeUnit.SECONDS).assertStatusCode(200));
    assertEquals("a", body.get("id").asText());
    assertEquals("aborted", body.get("outcome").get("kind").asText());
    assertEquals("local", body.get("outcome").get("initiator").asText());
  }

  @Test
  void deleteWithoutModeUsesTheConfiguredMode() throws Exception {
    var result = async(HttpRequest.DELETE("/connections/a"));
    var close = manager.expectMessageClass(ConnectionManager.Close.class);
    assertEquals(Optional.empty(), close.mode());
    close.replyTo().tell(new ConnectionManager.Closed(ConnectionId.of("a"), outcome(OutcomeKind.CLEAN, Initiator.LOCAL), Direction.OUTBOUND));
    assertEquals("clean", json(result.get(5, TimeUnit.SECONDS).assertStatusCode(200)).get("outcome").get("kind").asText());
  }

  @Test
  void deleteRejectsABadModeAndAnswers404ForUnknownIds() throws Exception {
    assertError(route.run(HttpRequest.DELETE("/connections/a?mode=politely")), 400, "invalid-parameter");
    manager.expectNoMessage(Duration.ofMillis(100));
    var result = async(HttpRequest.DELETE("/connections/nope"));
    var close = manager.expectMessageClass(ConnectionManager.Close.class);
    close.replyTo().tell(new ConnectionManager.UnknownConnection(close.id()));
    assertError(result.get(5, TimeUnit.SECONDS), 404, "not-found");
  }

  @Test
  void reconnectAnswers202OrNotFound() throws Exception {
    var result = async(HttpRequest.POST("/connections/a/reconnect"));
    manager.expectMessageClass(ConnectionManager.Reconnect.class).replyTo().tell(Optional.of(openView("a")));
    result.get(5, TimeUnit.SECONDS).assertStatusCode(202);
    var missing = async(HttpRequest.POST("/connections/b/reconnect"));
    manager.expectMessageClass(ConnectionManager.Reconnect.class).replyTo().tell(Optional.empty());
    assertError(missing.get(5, TimeUnit.SECONDS), 404, "not-found");
  }

  @Test
  void sendForwardsRawBytes() throws Exception {
    var result = async(HttpRequest.POST("/connections/a/send").withEntity(ContentTypes.APPLICATION_OCTET_STREAM, new byte[] {1, 2, 3}));
    var send = manager.expectMessageClass(ConnectionManager.Send.class);
    assertEquals(ByteString.fromArray(new byte[] {1, 2, 3}), send.bytes());
    send.replyTo().tell(new SendResult.Accepted(ConnectionId.of("a"), 3));
    assertEquals(3, json(result.get(5, TimeUnit.SECONDS).assertStatusCode(202)).get("bytes").asInt());
  }

  @Test
  void sendAnswers409WhenNotOpenAnd404WhenUnknown() throws Exception {
    var result = async(HttpRequest.POST("/connections/a/send").withEntity("hello"));
    manager.expectMessageClass(ConnectionManager.Send.class).replyTo()
        .tell(new SendResult.Rejected(ConnectionId.of("a"), SendResult.Reason.NOT_OPEN, "connection 'a' is backoff, not open"));
    assertError(result.get(5, TimeUnit.SECONDS), 409, "not-open");
    var missing = async(HttpRequest.POST("/connections/b/send").withEntity("hello"));
    manager.expectMessageClass(ConnectionManager.Send.class).replyTo()
        .tell(new SendResult.Rejected(ConnectionId.of("b"), SendResult.Reason.UNKNOWN_CONNECTION, "no connection with id 'b'"));
    assertError(missing.get(5, TimeUnit.SECONDS), 404, "not-found");
  }

  // ---------------------------------------------------------------- listeners

  @Test
  void listsListenersWithNullForNoProblem() throws Exception {
    var result = async(HttpRequest.GET("/listeners"));
    manager.expectMessageClass(ConnectionManager.ListListeners.class).replyTo().tell(new ConnectionManager.ListenerList(
        List.of(listener("jobs", true, Optional.empty()), listener("mtls", false, Optional.of("Address already in use")))));
    JsonNode body = json(result.get(5, TimeUnit.SECONDS).assertStatusCode(200));
    assertEquals(List.of("listeners"), fieldNames(body));
    JsonNode jobs = body.get("listeners").get(0);
    assertEquals(List.of("name", "interface", "port", "tlsProfile", "clientAuth", "handler", "bound", "openConnections",
        "maxConnections", "acceptedTotal", "rejectedTotal", "problem"), fieldNames(jobs));
    assertEquals("jobs", jobs.get("name").asText());
    assertEquals("127.0.0.1", jobs.get("interface").asText());
    assertEquals(8443, jobs.get("port").asInt());
    assertEquals("demo", jobs.get("tlsProfile").asText());
    assertEquals("need", jobs.get("clientAuth").asText());
    assertEquals("jobs", jobs.get("handler").asText());
    assertTrue(jobs.get("bound").asBoolean());
    assertEquals(2, jobs.get("openConnections").asInt());
    assertEquals(1024, jobs.get("maxConnections").asInt());
    assertEquals(7, jobs.get("acceptedTotal").asLong());
    assertEquals(1, jobs.get("rejectedTotal").asLong());
    assertTrue(jobs.get("problem").isNull());
    JsonNode mtls = body.get("listeners").get(1);
    assertFalse(mtls.get("bound").asBoolean());
    assertEquals("Address already in use", mtls.get("problem").asText());
  }

  @Test
  void listsNoListeners() throws Exception {
    var result = async(HttpRequest.GET("/listeners/"));
    manager.expectMessageClass(ConnectionManager.ListListeners.class).replyTo()
        .tell(new ConnectionManager.ListenerList(List.of()));
    assertEquals("{\"listeners\":[]}", result.get(5, TimeUnit.SECONDS).assertStatusCode(200).entityString());
  }

  @Test
  void deleteListenerStopsItWithTheModeAndCountsOutcomesByKind() throws Exception {
    var result = async(HttpRequest.DELETE("/listeners/jobs?mode=graceful"));
    var stop = manager.expectMessageClass(ConnectionManager.StopListener.class);
    assertEquals("jobs", stop.name());
    assertEquals(Optional.of(CloseMode.GRACEFUL), stop.mode());
    stop.replyTo().tell(new ConnectionManager.ListenerStopped("jobs", List.of(
        new ConnectionManager.Closed(ConnectionId.of("jobs-3"), outcome(OutcomeKind.CLEAN, Initiator.LOCAL), Direction.INBOUND),
        new ConnectionManager.Closed(ConnectionId.of("jobs-1"), outcome(OutcomeKind.TRUNCATED, Initiator.PEER), Direction.INBOUND),
        new ConnectionManager.Closed(ConnectionId.of("jobs-2"), outcome(OutcomeKind.CLEAN, Initiator.LOCAL), Direction.INBOUND))));
    JsonNode body = json(result.get(5, TimeUnit.SECONDS).assertStatusCode(200));
    assertEquals(List.of("name", "closed", "outcomes", "connections"), fieldNames(body));
    assertEquals("jobs", body.get("name").asText());
    assertEquals(3, body.get("closed").asInt());
    assertEquals("{\"clean\":2,\"truncated\":1}", body.get("outcomes").toString());
    assertEquals(List.of("jobs-1", "jobs-2", "jobs-3"), ids(body));
    JsonNode first = body.get("connections").get(0);
    assertEquals(List.of("id", "outcome"), fieldNames(first));
    assertEquals("truncated", first.get("outcome").get("kind").asText());
    assertEquals("peer", first.get("outcome").get("initiator").asText());
  }

  @Test
  void deleteListenerWithoutModeUsesEachConnectionsModeAndMayCloseNone() throws Exception {
    var result = async(HttpRequest.DELETE("/listeners/idle"));
    var stop = manager.expectMessageClass(ConnectionManager.StopListener.class);
    assertEquals(Optional.empty(), stop.mode());
    stop.replyTo().tell(new ConnectionManager.ListenerStopped("idle", List.of()));
    assertEquals("{\"name\":\"idle\",\"closed\":0,\"outcomes\":{},\"connections\":[]}",
        result.get(5, TimeUnit.SECONDS).assertStatusCode(200).entityString());
  }

  @Test
  void deleteListenerAnswers404ForAnUnknownOrInvalidNameAnd400ForABadMode() throws Exception {
    var result = async(HttpRequest.DELETE("/listeners/nope?mode=abort"));
    var stop = manager.expectMessageClass(ConnectionManager.StopListener.class);
    assertEquals(Optional.of(CloseMode.ABORT), stop.mode());
    stop.replyTo().tell(new ConnectionManager.UnknownListener("nope"));
    JsonNode unknown = assertError(result.get(5, TimeUnit.SECONDS), 404, "not-found");
    assertEquals("no listener named 'nope'", unknown.get("message").asText());

    // No listener can have these names: answered without asking the manager.
    assertError(route.run(HttpRequest.DELETE("/listeners/" + "x".repeat(41))), 404, "not-found");
    assertError(route.run(HttpRequest.DELETE("/listeners/not%20ok")), 404, "not-found");
    JsonNode badMode = assertError(route.run(HttpRequest.DELETE("/listeners/jobs?mode=politely")), 400, "invalid-parameter");
    assertTrue(badMode.get("message").asText().startsWith("mode: "), badMode.toString());
    // As for DELETE /connections, the mode is checked first.
    assertError(route.run(HttpRequest.DELETE("/listeners/not%20ok?mode=politely")), 400, "invalid-parameter");
    manager.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void listenerPathsAnswerOtherMethodsAndPathsWithJsonErrors() {
    assertError(route.run(HttpRequest.POST("/listeners")), 405, "method-not-allowed");
    assertError(route.run(HttpRequest.GET("/listeners/jobs")), 405, "method-not-allowed");
    assertError(route.run(HttpRequest.DELETE("/listeners/jobs/connections")), 404, "not-found");
    manager.expectNoMessage(Duration.ofMillis(100));
  }

  // ---------------------------------------------------------------- misc

  @Test
  void healthAndMetrics() throws Exception {
    JsonNode health = json(route.run(HttpRequest.GET("/health")).assertStatusCode(200));
    assertEquals("up", health.get("status").asText());
    var result = async(HttpRequest.GET("/metrics"));
    manager.expectMessageClass(ConnectionManager.ListListeners.class).replyTo()
        .tell(new ConnectionManager.ListenerList(List.of(listener("jobs", true, Optional.empty()))));
    manager.expectMessageClass(ConnectionManager.ListTlsProfiles.class).replyTo()
        .tell(new ConnectionManager.TlsProfileList(List.of(), Optional.empty()));
    String metrics = result.get(5, TimeUnit.SECONDS).assertStatusCode(200).entityString();
    assertTrue(metrics.contains("tether_connections{direction=\"outbound\",state=\"open\"} 0"), metrics);
    assertTrue(metrics.contains("tether_connections{direction=\"inbound\",state=\"open\"} 0"), metrics);
    assertTrue(metrics.contains("tether_outcomes_total{direction=\"inbound\",kind=\"clean\"}"), metrics);
    assertTrue(metrics.contains("tether_reconnects_total{direction=\"outbound\"}"), metrics);
    assertTrue(metrics.contains("tether_handshake_duration_seconds_count{direction=\"inbound\"}"), metrics);
    assertTrue(metrics.contains("tether_listener_open_connections{listener=\"jobs\"} 2"), metrics);
    assertTrue(metrics.contains("tether_listener_accepted_total{listener=\"jobs\"} 7"), metrics);
    assertTrue(metrics.contains("tether_listener_rejected_total{listener=\"jobs\"} 1"), metrics);
    assertTrue(metrics.contains("tether_listener_bound{listener=\"jobs\"} 1"), metrics);
  }

  @Test
  void unknownPathsAndMethodsAreJsonErrors() {
    assertError(route.run(HttpRequest.PUT("/connections/a")), 405, "method-not-allowed");
    assertError(route.run(HttpRequest.GET("/connections/a/b/c")), 404, "not-found");
  }

  @Test
  void tokenIsRequiredWhenConfigured() {
    TestRoute guarded = testRoute(routes(AdminSettings.create(testKit().system()).withToken(Optional.of("s3cret"))));
    manager.expectMessageClass(ConnectionManager.Subscribe.class);
    TestRouteResult missing = guarded.run(HttpRequest.GET("/health"));
    assertError(missing, 401, "unauthorized");
    missing.assertHeaderExists("WWW-Authenticate", "Bearer realm=\"tether\"");
    assertError(guarded.run(HttpRequest.GET("/health").addHeader(RawHeader.create("Authorization", "Bearer s3cre"))),
        401, "unauthorized");
    assertError(guarded.run(HttpRequest.GET("/connections").addHeader(RawHeader.create("Authorization", "Bearer wrong!"))),
        401, "unauthorized");
    assertError(guarded.run(HttpRequest.GET("/listeners")), 401, "unauthorized");
    assertError(guarded.run(HttpRequest.DELETE("/listeners/jobs")
        .addHeader(RawHeader.create("Authorization", "Bearer wrong!"))), 401, "unauthorized");
    assertError(guarded.run(HttpRequest.GET("/connections?direction=inbound")), 401, "unauthorized");
    guarded.run(HttpRequest.GET("/health").addHeader(RawHeader.create("Authorization", "Bearer s3cret"))).assertStatusCode(200);
    manager.expectNoMessage(Duration.ofMillis(100));
  }

  // ---------------------------------------------------------------- helpers

  /** The routes as a host application mounts them; starts a metrics subscriber of the probe. */
  private Route routes(AdminSettings settings) {
    return AdminRoutes.create(manager.ref(), testKit().system(), settings, DEFAULTS,
        AdminMetrics.start(manager.ref(), testKit().system()));
  }

  private CompletableFuture<TestRouteResult> async(HttpRequest request) {
    return CompletableFuture.supplyAsync(() -> route.run(request));
  }

  private static HttpRequest post(String uri, String json) {
    return HttpRequest.POST(uri).withEntity(ContentTypes.APPLICATION_JSON, json);
  }

  private static JsonNode json(TestRouteResult r) {
    r.assertContentType(ContentTypes.APPLICATION_JSON);
    try {
      return JsonSupport.mapper().readTree(r.entityString());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + r.entityString(), e);
    }
  }

  private static JsonNode assertError(TestRouteResult r, int status, String code) {
    r.assertStatusCode(status);
    JsonNode body = json(r);
    assertEquals(code, body.get("error").asText(), body.toString());
    assertFalse(body.get("message").asText().isBlank(), body.toString());
    return body;
  }

  private static String fieldMessage(JsonNode errorBody, String field) {
    for (JsonNode f : errorBody.get("fields")) {
      if (f.get("field").asText().equals(field)) return f.get("message").asText();
    }
    throw new AssertionError("no field " + field + " in " + errorBody);
  }

  /** The ids of a connection list, or of a stopped listener's connections. */
  private static List<String> ids(JsonNode body) {
    List<String> ids = new java.util.ArrayList<>();
    body.get("connections").forEach(c -> ids.add(c.get("id").asText()));
    return ids;
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Outcome outcome(OutcomeKind kind, Initiator initiator) {
    return new Outcome(kind, initiator, "test", T0, 1, 0, 0, Duration.ofSeconds(1));
  }

  private static final ConnectionSettings DEFAULTS =
      ConnectionManagerSettings.create(com.typesafe.config.ConfigFactory.defaultReference()).defaults();

  private static ConnectionView openView(String id) {
    return Views.of(id, "example.org", 443).tls(new TlsInfo("TLSv1.3", "TLS_AES_256_GCM_SHA384", null)).bytes(10, 20)
        .lastPingRttMillis(12).build();
  }

  private static ConnectionView backoffView(String id) {
    Outcome o = outcome(OutcomeKind.TRUNCATED, Initiator.PEER);
    return Views.of(id, "example.org", 443).state(ConnectionState.BACKOFF).incarnation(2).since(T0).reconnects(1)
        .nextAttemptAt(T0.plusSeconds(1)).history(o).build();
  }

  private static ConnectionView inboundView(String id) {
    return Views.of(id, "127.0.0.1", 50412).inbound("jobs").tls(new TlsInfo("TLSv1.3", "TLS_AES_256_GCM_SHA384", "CN=client"))
        .bytes(5, 6).build();
  }

  private static ListenerInfo listener(String name, boolean bound, Optional<String> problem) {
    return new ListenerInfo(name, "127.0.0.1", 8443, "demo", ClientAuth.NEED, "jobs", bound, bound ? 2 : 0, 1024,
        bound ? 7 : 0, bound ? 1 : 0, problem);
  }

  private static ConnectionView view(ConnectionSpec spec, ConnectionState state) {
    return Views.of(spec).state(state).since(T0).build();
  }
}
