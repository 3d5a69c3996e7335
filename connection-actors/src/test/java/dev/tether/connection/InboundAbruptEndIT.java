package dev.tether.connection;

import org.junit.jupiter.api.Tag;
import dev.tether.connection.session.Session;
import dev.tether.connection.session.SessionEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.tether.testing.ParameterizedLogCapturing;
import dev.tether.testing.PatternStream;
import dev.tether.testing.PeerProcess;
import dev.tether.testing.TetherFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The server side of "nothing that was received is lost": a client (Python's ssl) writes 400 000
 * bytes, waits until our kernel has acknowledged them all, then resets TCP or closes it without
 * close_notify, while the session handler has taken nothing. The handler then gets every byte, in
 * order, before the end, and the end says what the client did.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class, ParameterizedLogCapturing.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("peer")
class InboundAbruptEndIT {
  private static final int BYTES = 400_000;
  private static final Duration PEER_MAX = Duration.ofSeconds(30);
  final TetherFixture fx = new TetherFixture("InboundAbruptEndIT");
  @JUnit5TestKit final ActorTestKit testKit = fx.testKit;

  /** What the handler saw, with the session to acknowledge through. */
  record Seen(Session session, SessionEvent event) {}

  /** A handler that only reports: the test acknowledges, when it chooses. */
  private static Behavior<SessionEvent> reportTo(ActorRef<Seen> probe, Session session) {
    return Behaviors.receiveMessage(e -> {
      probe.tell(new Seen(session, e));
      return e instanceof SessionEvent.Ended ? Behaviors.stopped() : Behaviors.same();
    });
  }

  @ParameterizedTest
  @CsvSource({"reset, RESET_SENT, RESET", "fin, FIN_SENT, TRUNCATED"})
  void everyByteOurKernelHadReachesTheHandlerBeforeTheEnd(String end, String clientEnded, OutcomeKind expected)
      throws Exception {
    TestProbe<Seen> seen = testKit.createTestProbe();
    var m = fx.manager(fx.settings()
        .withTlsProfile(fx.certs().identityProfile("server", "localhost", "localhost", List.of("TLSv1.3")))
        .withHandler("reports", session -> reportTo(seen.getRef(), session)));
    TestProbe<ConnectionManager.ListenerResult> reply = testKit.createTestProbe();
    m.ref.tell(new ConnectionManager.StartListener(
        ListenerSpec.of("abrupt-" + end, "127.0.0.1", 0, "server", "reports", fx.fastSettings()), reply.getRef()));
    int port = assertInstanceOf(ConnectionManager.ListenerStarted.class, reply.receiveMessage(TetherFixture.MAX))
        .info().port();

    Path script = Path.of(Objects.requireNonNull(getClass().getResource("/clients/writes_then_ends.py")).toURI());
    try (PeerProcess client = PeerProcess.start("python3", script.toString(), "127.0.0.1", String.valueOf(port),
        fx.certs().cert("localhost").toString(), "TLSv1.3", String.valueOf(BYTES), end)) {
      client.awaitOutput("SENT_AND_ACKED " + BYTES, PEER_MAX); // all of it is in our kernel or beyond
      client.awaitOutput(clientEnded, PEER_MAX);
      PatternStream stream = new PatternStream();
      SessionEvent.Ended ended = null;
      while (ended == null) {
        Seen s = seen.receiveMessage(TetherFixture.MAX);
        if (s.event() instanceof SessionEvent.Received r) {
          stream.take(r.bytes());
          s.session().ack();
        }
        if (s.event() instanceof SessionEvent.Ended e) ended = e;
      }
      assertEquals(BYTES, stream.received(), "bytes the handler got before the end " + ended.outcome());
      assertEquals(expected, ended.outcome().kind(), ended.outcome().toString());
    }
  }
}
