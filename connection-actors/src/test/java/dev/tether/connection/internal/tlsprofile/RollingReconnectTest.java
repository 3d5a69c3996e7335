package dev.tether.connection.internal.tlsprofile;

import dev.tether.connection.internal.cluster.ListLocal;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.Direction;
import dev.tether.connection.tls.TlsProfileInfo;
import dev.tether.testing.Views;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rolling reconnect after a reload, with a probe as the registry: only the profile's outbound
 * connections, at most {@code window} at a time, the next one only when one has settled in its new
 * incarnation (open, given up) or is gone.
 */
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RollingReconnectTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

  private final ActorTestKit testKit = ActorTestKit.create("RollingReconnectTest");

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void reconnectsTheProfilesOutboundConnectionsOneWindowAtATime() {
    TestProbe<ConnectionManager.Command> registry = testKit.createTestProbe();
    TestProbe<ConnectionManager.TlsProfileReloadResult> reply = testKit.createTestProbe();
    var rolling = testKit.spawn(RollingReconnect.create(TlsProfileInfo.notFromFiles("p"), Optional.of("node-a:1"),
        registry.ref(), 2, Duration.ZERO, reply.ref()));
    ActorRef<ConnectionEvent> events = registry.expectMessageClass(ConnectionManager.Subscribe.class).subscriber();
    // In two pages, as the registry lists: the roll starts after the last.
    ActorRef<ListLocal.LocalList> lister = registry.expectMessageClass(ListLocal.class).replyTo();
    lister.tell(new ListLocal.LocalList("node-a:1", List.of(
        view("a", "p", Direction.OUTBOUND, ConnectionState.OPEN), view("b", "p", Direction.OUTBOUND, ConnectionState.OPEN)), false));
    reply.expectNoMessage(Duration.ofMillis(100));
    lister.tell(new ListLocal.LocalList("node-a:1", List.of(
        view("c", "p", Direction.OUTBOUND, ConnectionState.BACKOFF), view("jobs-1", "p", Direction.INBOUND, ConnectionState.OPEN),
        view("other", "q", Direction.OUTBOUND, ConnectionState.OPEN)), true));

    var answer = reply.expectMessageClass(ConnectionManager.TlsProfileReloaded.class, WAIT);
    assertEquals(3, answer.reconnecting());
    assertEquals(1, answer.inboundKept());
    assertEquals(Optional.of("node-a:1"), answer.node());

    // Two at once (the window); the third waits.
    List<String> first = List.of(reconnected(registry), reconnected(registry));
    assertEquals(List.of("a", "b"), first.stream().sorted().toList());
    registry.expectNoMessage(Duration.ofMillis(200));

    // An event of the old incarnation does not count; the new one being open does.
    events.tell(new ConnectionEvent.StateChanged(ConnectionId.of("a"), 1, ConnectionState.CLOSING, T0, Direction.OUTBOUND, Optional.empty()));
    events.tell(new ConnectionEvent.StateChanged(ConnectionId.of("a"), 2, ConnectionState.HANDSHAKING, T0, Direction.OUTBOUND, Optional.empty()));
    registry.expectNoMessage(Duration.ofMillis(200));
    events.tell(new ConnectionEvent.StateChanged(ConnectionId.of("a"), 2, ConnectionState.OPEN, T0, Direction.OUTBOUND, Optional.empty()));
    assertEquals("c", reconnected(registry));

    // Gone, and given up: both settle; then it is done.
    events.tell(new ConnectionEvent.Removed(ConnectionId.of("b"), T0, Direction.OUTBOUND));
    events.tell(new ConnectionEvent.StateChanged(ConnectionId.of("c"), 2, ConnectionState.FAILED, T0, Direction.OUTBOUND, Optional.empty()));
    registry.expectTerminated(rolling, WAIT);
  }

  /** Expects one Reconnect, answers it as a managed connection would, and names the connection. */
  private static String reconnected(TestProbe<ConnectionManager.Command> registry) {
    var r = registry.expectMessageClass(ConnectionManager.Reconnect.class, WAIT);
    r.replyTo().tell(Optional.of(view(r.id().value(), "p", Direction.OUTBOUND, ConnectionState.CLOSING)));
    return r.id().value();
  }

  private static ConnectionView view(String id, String profile, Direction direction, ConnectionState state) {
    return Views.of(ConnectionSpec.of(id, "127.0.0.1", 1).withTlsProfile(profile)).state(state).since(T0).direction(direction)
        .listener(direction == Direction.INBOUND ? Optional.of("jobs") : Optional.empty()).build();
  }
}
