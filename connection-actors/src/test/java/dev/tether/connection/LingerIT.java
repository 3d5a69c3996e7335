package dev.tether.connection;

import org.junit.jupiter.api.Tag;
import dev.tether.connection.session.Session;
import dev.tether.connection.session.SessionEvent;
import dev.tether.connection.tls.TlsStage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.ParameterizedLogCapturing;
import dev.tether.testing.PeerProcess;
import dev.tether.testing.TetherFixture;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The seed's "401 and close while the client is still writing", server side: our answer and our
 * close_notify reach a client (Python's ssl module) that never stops writing, and it sees no reset.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class, ParameterizedLogCapturing.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("peer")
class LingerIT {
  private static final String ANSWER = "ERR unauthorized\n";
  final TetherFixture fx = new TetherFixture("LingerIT");
  @JUnit5TestKit final ActorTestKit testKit = fx.testKit;

  /** Answers the first bytes, then closes gracefully once the answer is taken; acknowledges everything. */
  static Behavior<SessionEvent> answerThenClose(Session session) {
    return Behaviors.<Object>setup(ctx -> {
      boolean[] answered = {false};
      return Behaviors.receiveMessage(m -> {
        if (m instanceof SessionEvent.Received) {
          if (!answered[0]) session.write(ByteString.fromString(ANSWER), ctx.getSelf().narrow());
          answered[0] = true;
          session.ack();
        }
        if (m instanceof SendResult.Accepted) session.close(CloseMode.GRACEFUL);
        if (m instanceof SessionEvent.Ended) return Behaviors.stopped();
        return Behaviors.same();
      });
    }).narrow();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void theAnswerAndCloseNotifyReachAClientThatKeepsWriting(String protocol) throws URISyntaxException {
    TetherFixture.Manager m = listen(protocol);
    String out = runClient(protocol, 1 << 20);
    long sentAfter = Long.parseLong(out.replaceAll("(?s).*sent_after_answer=(\\d+).*", "$1"));
    assertTrue(sentAfter >= 1 << 20, out);
    Outcome o = m.awaitOutcome("linger-1");
    assertEquals(Initiator.LOCAL, o.initiator());
    if (fx.settings().tlsStage() == TlsStage.TETHER) {
      // Tether's stage reads on after our close_notify and sees the client's.
      assertEquals(OutcomeKind.CLEAN, o.kind(), o.toString());
    } else {
      // Known limit (README): after discarding a lot of late data, Pekko's TLS stage may miss the
      // client's close_notify and see only its FIN, so the outcome can be truncated instead of clean.
      // Never a reset or an expired timer: the client closed well within linger-timeout.
      assertTrue(o.kind() == OutcomeKind.CLEAN || o.kind() == OutcomeKind.TRUNCATED, o.toString());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void aClientThatStopsWritingExchangesCloseNotifyCleanly(String protocol) throws URISyntaxException {
    TetherFixture.Manager m = listen(protocol);
    runClient(protocol, -1);
    Outcome o = m.awaitOutcome("linger-1");
    assertEquals(OutcomeKind.CLEAN, o.kind(), o.toString());
    assertEquals(Initiator.LOCAL, o.initiator());
  }

  /** The client's output, once it has checked the answer, our close_notify, no reset and our FIN. */
  private String runClient(String protocol, int bytesAfterAnswer) throws URISyntaxException {
    Path script = Path.of(Objects.requireNonNull(getClass().getResource("/clients/keeps_writing.py")).toURI());
    try (PeerProcess client = PeerProcess.start("python3", script.toString(), "127.0.0.1", String.valueOf(port),
        fx.certs().cert("localhost").toString(), protocol, String.valueOf(bytesAfterAnswer))) {
      client.awaitExit(Duration.ofSeconds(60));
      String out = client.output();
      assertTrue(out.contains("RESULT answer='" + ANSWER.replace("\n", "\\n") + "' close_notify=yes reset=no eof=yes"), out);
      return out;
    }
  }

  private int port;

  private TetherFixture.Manager listen(String protocol) {
    var m = fx.manager(fx.settings()
        .withTlsProfile(fx.certs().identityProfile("server", "localhost", "localhost", List.of(protocol)))
        .withHandler("answer-then-close", LingerIT::answerThenClose));
    TestProbe<ConnectionManager.ListenerResult> reply = testKit.createTestProbe();
    m.ref.tell(new ConnectionManager.StartListener(
        ListenerSpec.of("linger", "127.0.0.1", 0, "server", "answer-then-close", fx.fastSettings())
            .withLingerTimeout(Duration.ofSeconds(20)),
        reply.getRef()));
    port = assertInstanceOf(ConnectionManager.ListenerStarted.class, reply.receiveMessage(TetherFixture.MAX))
        .info().port();
    return m;
  }
}
