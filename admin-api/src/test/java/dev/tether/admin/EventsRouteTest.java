package dev.tether.admin;

import dev.tether.admin.service.AdminHttpServer;
import dev.tether.admin.testing.LineCollector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionId;
import java.util.Optional;
import dev.tether.connection.Direction;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.Initiator;
import dev.tether.connection.Outcome;
import dev.tether.connection.OutcomeKind;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /events} over a real HTTP connection: one SSE event per state change and per outcome. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventsRouteTest {
  @JUnit5TestKit final ActorTestKit testKit = ActorTestKit.create("EventsRouteTest");

  @Test
  void streamsStateAndOutcomeEvents() throws Exception {
    TestProbe<ConnectionManager.Command> manager = testKit.createTestProbe(ConnectionManager.Command.class);
    AdminSettings settings = AdminSettings.create(testKit.system()).withPort(0);
    ConnectionSettings defaults = ConnectionManagerSettings.create(testKit.system()).defaults();
    AdminMetrics metrics = AdminMetrics.start(manager.ref(), testKit.system());
    InetSocketAddress address = AdminHttpServer.start(
        AdminRoutes.create(manager.ref(), testKit.system(), settings, defaults, metrics),
        testKit.system(), settings).toCompletableFuture().get(10, TimeUnit.SECONDS);
    manager.expectMessageClass(ConnectionManager.Subscribe.class); // metrics

    HttpResponse<java.util.stream.Stream<String>> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + "/events")).GET().build(),
        HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, response.statusCode());
    assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElse(""));
    LineCollector lines = LineCollector.of("GET /events", response.body());

    var subscriber = manager.expectMessageClass(ConnectionManager.Subscribe.class).subscriber();
    Instant at = Instant.parse("2026-01-02T03:04:05Z");
    subscriber.tell(new ConnectionEvent.StateChanged(ConnectionId.of("a"), 1, ConnectionState.OPEN, at, Direction.OUTBOUND,
        Optional.empty()));
    subscriber.tell(new ConnectionEvent.Removed(ConnectionId.of("a"), at, Direction.OUTBOUND)); // neither a state change nor an outcome: not streamed
    subscriber.tell(new ConnectionEvent.OutcomeReported(ConnectionId.of("a"),
        new Outcome(OutcomeKind.CLEAN, Initiator.PEER, "bye", at, 1, 3, 4, Duration.ofSeconds(1)), Direction.OUTBOUND));

    Duration wait = Duration.ofSeconds(10);
    lines.await(l -> l.equals("data:{\"id\":\"a\",\"incarnation\":1,\"state\":\"open\",\"at\":\"2026-01-02T03:04:05Z\"}"), wait);
    lines.await(l -> l.equals("event:state"), wait);
    lines.await(l -> l.startsWith("data:{\"id\":\"a\",\"incarnation\":1,\"outcome\":{\"kind\":\"clean\",\"initiator\":\"peer\""), wait);
    lines.await(l -> l.equals("event:outcome"), wait);
    assertTrue(lines.count(l -> l.startsWith("data:")) == 2, lines.toString());
  }
}
