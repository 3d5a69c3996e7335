package dev.tether.connection.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.Direction;
import dev.tether.connection.Initiator;
import dev.tether.connection.Outcome;
import dev.tether.connection.OutcomeKind;
import dev.tether.connection.SendResult;
import dev.tether.connection.session.Session;
import dev.tether.connection.session.SessionCommand;
import dev.tether.connection.session.SessionEvent;
import dev.tether.connection.TlsInfo;
import dev.tether.testing.ParameterizedLogCapturing;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code jobs} handler against a {@link TestProbe} standing in for its connection: exact answer
 * bytes, and when it acknowledges and closes. Jobs finish on Pekko's {@link ManualTime}; the elapsed
 * time of {@code STATUS} comes from a clock the test sets.
 */
@ExtendWith({LogCapturingExtension.class, ParameterizedLogCapturing.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobsHandlerTest {
  /** How long (real time) we watch for a message that must not come. */
  private static final Duration QUIET = Duration.ofMillis(300);
  private static final TlsInfo TLS = new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", null);
  private static final Outcome CLEAN = new Outcome(OutcomeKind.CLEAN, Initiator.PEER, "closed by the test",
      Instant.EPOCH, 1, 0, 0, Duration.ZERO);
  private static final String AUTH = "auth-token = s3cret";

  private final Config config = ManualTime.config().withFallback(ConfigFactory.parseString("""
      pekko.loglevel = DEBUG
      pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
      pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
      pekko.actor.testkit.typed.single-expect-default = 10s
      """)).withFallback(ConfigFactory.load());

  private ActorTestKit testKit;
  private ManualTime manualTime;
  private int sessions;

  @BeforeAll
  void startTestKit() {
    testKit = ActorTestKit.create("JobsHandlerTest", config);
    manualTime = ManualTime.get(testKit.system());
  }

  @AfterAll
  void shutdownTestKit() {
    testKit.shutdownTestKit();
  }

  /** One handler, its connection a probe, its clock a number the test moves. */
  private final class Fixture {
    final TestProbe<SessionCommand> connection = testKit.createTestProbe(SessionCommand.class);
    final AtomicLong nanos = new AtomicLong(123_456_789_000L);
    final ConnectionId id = ConnectionId.of("jobs-" + (++sessions));
    final ActorRef<SessionEvent> handler;

    Fixture() {
      this("");
    }

    Fixture(String options) {
      Session session = new Session(id, Direction.INBOUND, Optional.of("jobs"), "127.0.0.1:40000", TLS,
          ConfigFactory.parseString(options), connection.ref());
      handler = testKit.spawn(JobsHandler.create(session, nanos::get), id.value());
    }

    void send(String text) {
      handler.tell(new SessionEvent.Received(ByteString.fromString(text)));
    }

    /** The next command is a write of exactly {@code text}; not answered yet. */
    SessionCommand.Write expectWrite(String text) {
      SessionCommand c = connection.receiveMessage();
      SessionCommand.Write w = assertInstanceOf(SessionCommand.Write.class, c, "expected a write of " + text);
      assertEquals(text, w.bytes().utf8String());
      return w;
    }

    void accept(SessionCommand.Write w) {
      w.replyTo().tell(new SendResult.Accepted(id, w.bytes().length()));
    }

    /** The next command is a write of exactly {@code text}, which the connection accepts. */
    void expectAnswer(String text) {
      accept(expectWrite(text));
    }

    void expectAck() {
      assertEquals(SessionCommand.Ack.INSTANCE, connection.receiveMessage());
    }

    void expectGracefulClose() {
      assertEquals(new SessionCommand.Close(CloseMode.GRACEFUL), connection.receiveMessage());
    }

    void expectNothing() {
      connection.expectNoMessage(QUIET);
    }

    /** Sends {@code text}: its answers come in one write and, once accepted, the ack. */
    void exchange(String text, String answers) {
      send(text);
      expectAnswer(answers);
      expectAck();
    }

    /** Sends {@code text} that asks to close: {@code last} is written, then the ack, then the close. */
    void exchangeAndClose(String text, String last) {
      send(text);
      SessionCommand.Write w = expectWrite(last);
      expectNothing(); // neither ack nor close before the last answer is accepted
      accept(w);
      expectAck();
      expectGracefulClose();
      send("PING\n"); // ignored, but acknowledged
      expectAck();
      expectNothing();
    }

    void end() {
      handler.tell(new SessionEvent.Ended(CLEAN));
      connection.expectTerminated(handler);
    }
  }

  @Test
  void pingIsAnsweredPongWhateverTheCaseAndLineEnd() {
    Fixture f = new Fixture();
    f.exchange("PING\n", "PONG\n");
    f.exchange("ping\r\n", "PONG\n");
    f.exchange("  PiNg \t\n", "PONG\n");
    f.end();
  }

  @Test
  void unknownCommandsAndWrongArgumentsAreErrors() {
    Fixture f = new Fixture();
    f.exchange("HELLO\n", "ERR unknown command\n");
    f.exchange("RUN\n", "ERR usage: RUN <seconds> (0..86400)\n");
    f.exchange("RUN 86401\n", "ERR usage: RUN <seconds> (0..86400)\n");
    f.exchange("RUN -1\n", "ERR usage: RUN <seconds> (0..86400)\n");
    f.exchange("RUN soon\n", "ERR usage: RUN <seconds> (0..86400)\n");
    f.exchange("PING now\n", "ERR usage: PING\n");
    f.exchange("STATUS\n", "IDLE\n"); // no job was started by the bad RUNs
    f.end();
  }

  @Test
  void blankLinesAreIgnored() {
    Fixture f = new Fixture();
    f.send("\n\r\n \t \n");
    f.expectAck();
    f.expectNothing();
    f.exchange("\nPING\n\n", "PONG\n");
    f.end();
  }

  @Test
  void aJobIsDoneWhenItsTimeHasPassed() {
    Fixture f = new Fixture();
    f.exchange("RUN 5\n", "STARTED 1\n");
    manualTime.timePasses(Duration.ofSeconds(5).minusMillis(1));
    f.expectNothing();
    manualTime.timePasses(Duration.ofMillis(1));
    f.expectAnswer("DONE 1\n");
    f.expectNothing(); // no chunk waits for an ack
    f.exchange("STATUS\n", "IDLE\n");
    f.exchange("RUN 1\n", "STARTED 2\n"); // numbered per session
    manualTime.timePasses(Duration.ofSeconds(1));
    f.expectAnswer("DONE 2\n");
    f.end();
  }

  @Test
  void aJobOfZeroSecondsIsDoneAtOnce() {
    Fixture f = new Fixture();
    f.exchange("RUN 0\n", "STARTED 1\n");
    manualTime.timePasses(Duration.ZERO);
    f.expectAnswer("DONE 1\n");
    f.end();
  }

  @Test
  void runWhileAJobRunsAnswersBusyWithTheRunningJob() {
    Fixture f = new Fixture();
    f.exchange("RUN 10\n", "STARTED 1\n");
    f.exchange("RUN 1\n", "BUSY 1\n");
    manualTime.timePasses(Duration.ofSeconds(10));
    f.expectAnswer("DONE 1\n");
    f.exchange("RUN 1\n", "STARTED 2\n");
    f.end();
  }

  @Test
  void statusWhileAJobRunsSaysHowLongItHasRunByTheClock() {
    Fixture f = new Fixture();
    f.exchange("STATUS\n", "IDLE\n");
    f.exchange("RUN 60\n", "STARTED 1\n");
    f.exchange("STATUS\n", "RUNNING 1 0\n");
    f.nanos.addAndGet(1_500_000_000L);
    f.exchange("status\n", "RUNNING 1 1500\n");
    f.nanos.addAndGet(250_900_000L); // sub-millisecond parts are cut off
    f.exchange("STATUS\n", "RUNNING 1 1750\n");
    f.end();
  }

  @Test
  void cancelStopsTheJobAndNoDoneFollowsEver() {
    Fixture f = new Fixture();
    f.exchange("CANCEL\n", "IDLE\n");
    f.exchange("RUN 10\n", "STARTED 1\n");
    manualTime.timePasses(Duration.ofSeconds(5));
    f.exchange("CANCEL\n", "CANCELLED 1\n");
    f.exchange("STATUS\n", "IDLE\n");
    f.exchange("CANCEL\n", "IDLE\n");

    f.exchange("RUN 10\n", "STARTED 2\n");
    manualTime.timePasses(Duration.ofSeconds(5)); // when job 1 would have been done
    f.expectNothing();
    manualTime.timePasses(Duration.ofSeconds(5));
    f.expectAnswer("DONE 2\n");

    f.exchange("RUN 3\n", "STARTED 3\n");
    f.exchange("CANCEL\n", "CANCELLED 3\n");
    manualTime.timePasses(Duration.ofMinutes(1));
    f.expectNothing();
    f.end();
  }

  @Test
  void quitAnswersByeThenClosesGracefullyAndIgnoresWhatFollows() {
    Fixture f = new Fixture();
    f.exchangeAndClose("QUIT\n", "BYE\n");
    f.end();
  }

  @Test
  void linesAfterQuitInTheSameChunkAreIgnoredAndTheRunningJobIsCancelled() {
    Fixture f = new Fixture();
    f.exchange("RUN 10\n", "STARTED 1\n");
    f.exchangeAndClose("quit\nPING\nRUN 1\n", "BYE\n");
    manualTime.timePasses(Duration.ofSeconds(10));
    f.expectNothing();
    f.end();
  }

  @Test
  void withAnAuthTokenTheRightTokenAuthorizesTheSession() {
    Fixture f = new Fixture(AUTH);
    f.send("\n"); // blank lines do not count as the first line
    f.expectAck();
    f.exchange("auth s3cret\n", "OK\n");
    f.exchange("PING\n", "PONG\n");
    f.exchange("AUTH s3cret\n", "ERR already authorized\n");
    f.end();
  }

  @Test
  void withAnAuthTokenCommandsMayFollowAuthInTheSameChunk() {
    Fixture f = new Fixture(AUTH);
    f.exchange("AUTH s3cret\r\nPING\r\n", "OK\nPONG\n");
    f.end();
  }

  @ParameterizedTest
  @ValueSource(strings = {"PING\n", "AUTH wrong\n", "AUTH S3CRET\n", "AUTH s3cret2\n", "AUTH\n", "PING\nAUTH s3cret\n"})
  void withAnAuthTokenAnyOtherFirstLineIsUnauthorizedAndCloses(String text) {
    Fixture f = new Fixture(AUTH);
    f.exchangeAndClose(text, "ERR unauthorized\n");
    f.end();
  }

  @Test
  void anEmptyAuthTokenMeansNoAuth() {
    Fixture f = new Fixture("auth-token = \"\"");
    f.exchange("PING\n", "PONG\n");
    f.exchange("AUTH x\n", "ERR already authorized\n");
    f.end();
  }

  @Test
  void aLineOfTheMaximumLengthIsAccepted() {
    Fixture f = new Fixture("max-line-length = 8");
    f.exchange("12345678\n", "ERR unknown command\n");
    f.exchange("12345678\r\n", "ERR unknown command\n"); // the \r of \r\n is not counted
    f.send("12345678\r"); // one over, but it may be the start of \r\n
    f.expectAck();
    f.exchange("\n", "ERR unknown command\n");
    f.end();
  }

  @Test
  void aCompleteLineTooLongIsRefusedAndCloses() {
    Fixture f = new Fixture("max-line-length = 8");
    f.exchangeAndClose("PING\n123456789\nPING\n", "PONG\nERR line too long\n");
    f.end();
  }

  @Test
  void anUnfinishedLineTooLongIsRefusedAndClosesWithoutWaitingForItsEnd() {
    Fixture f = new Fixture("max-line-length = 8");
    f.send("PI");
    f.expectAck();
    f.exchange("NG\n1234567", "PONG\n");
    f.exchangeAndClose("89", "ERR line too long\n");
    f.end();
  }

  @Test
  void theDefaultMaximumIs4096Bytes() {
    Fixture f = new Fixture();
    f.exchange("x".repeat(4096) + "\n", "ERR unknown command\n");
    f.exchangeAndClose("x".repeat(4097), "ERR line too long\n");
    f.end();
  }

  @Test
  void aLineSplitAcrossChunksIsAnsweredWhenComplete() {
    Fixture f = new Fixture();
    f.send("PI");
    f.expectAck();
    f.send("NG\r");
    f.expectAck();
    f.exchange("\nST", "PONG\n");
    f.exchange("ATUS\n", "IDLE\n");
    f.end();
  }

  @Test
  void severalLinesInOneChunkAreAnsweredInOneWrite() {
    Fixture f = new Fixture();
    f.exchange("PING\nSTATUS\nRUN 5\nSTATUS\nRUN 1\nCANCEL\n", "PONG\nIDLE\nSTARTED 1\nRUNNING 1 0\nBUSY 1\nCANCELLED 1\n");
    f.end();
  }

  @Test
  void answersProducedWhileAWriteIsInFlightGoOutTogetherInTheNextOne() {
    Fixture f = new Fixture();
    f.exchange("RUN 1\n", "STARTED 1\n");
    manualTime.timePasses(Duration.ofSeconds(1));
    SessionCommand.Write done = f.expectWrite("DONE 1\n");

    f.send("STATUS\nPING\n");
    f.expectNothing(); // one write at a time, and no ack before the answers are accepted
    f.accept(done);
    SessionCommand.Write answers = f.expectWrite("IDLE\nPONG\n");
    f.expectNothing();
    f.accept(answers);
    f.expectAck();
    f.expectNothing();
    f.end();
  }

  @Test
  void aChunkIsAcknowledgedOnceItsOwnAnswersAreAccepted() {
    Fixture f = new Fixture();
    f.send("RUN 1\n");
    SessionCommand.Write started = f.expectWrite("STARTED 1\n");
    manualTime.timePasses(Duration.ofSeconds(1));
    f.expectNothing(); // DONE waits for STARTED to be accepted
    f.accept(started);
    f.expectAck(); // the chunk's answer is taken; DONE is not the chunk's
    f.expectAnswer("DONE 1\n");
    f.expectNothing();
    f.end();
  }

  @Test
  void aChunkWithoutAnswersIsAcknowledgedWhileAWriteIsInFlight() {
    Fixture f = new Fixture();
    f.exchange("RUN 1\n", "STARTED 1\n");
    manualTime.timePasses(Duration.ofSeconds(1));
    SessionCommand.Write done = f.expectWrite("DONE 1\n");
    f.send("\nPI");
    f.expectAck();
    f.accept(done);
    f.expectNothing();
    f.end();
  }

  @Test
  void aWriteRejectedForAFullBufferIsOfferedAgain() {
    Fixture f = new Fixture();
    f.send("PING\n");
    SessionCommand.Write w = f.expectWrite("PONG\n");
    LoggingTestKit.debug("offered again").expect(testKit.system(), () -> {
      w.replyTo().tell(new SendResult.Rejected(f.id, SendResult.Reason.BUFFER_FULL, "too many pending writes"));
      return null;
    });
    f.expectNothing();
    manualTime.timePasses(JobsHandler.WRITE_RETRY);
    f.expectAnswer("PONG\n");
    f.expectAck();
    f.end();
  }

  @Test
  void aWriteRejectedBecauseTheConnectionEndsWaitsForTheEnd() {
    Fixture f = new Fixture();
    f.exchange("RUN 1\n", "STARTED 1\n");
    f.send("PING\n");
    SessionCommand.Write w = f.expectWrite("PONG\n");
    w.replyTo().tell(new SendResult.Rejected(f.id, SendResult.Reason.ENDED, "ended"));
    f.expectNothing();
    manualTime.timePasses(Duration.ofSeconds(1));
    f.expectNothing(); // the job's timer was cancelled too
    f.end();
  }

  @Test
  void endedStopsTheHandlerAndTheRunningJobWithIt() {
    Fixture f = new Fixture();
    f.exchange("RUN 10\n", "STARTED 1\n");
    f.end();
    manualTime.timePasses(Duration.ofSeconds(10));
    f.expectNothing();
  }

  @Test
  void endedStopsTheHandlerWhileAWriteIsInFlight() {
    Fixture f = new Fixture();
    f.send("PING\n");
    f.expectWrite("PONG\n");
    f.end();
  }

  @Test
  void jobsAreLoggedAtDebugWithTheConnectionId() {
    Fixture f = new Fixture();
    LoggingTestKit.debug(f.id + ": job 1 started").expect(testKit.system(), () -> {
      f.exchange("RUN 5\n", "STARTED 1\n");
      return null;
    });
    LoggingTestKit.debug(f.id + ": job 1 done").expect(testKit.system(), () -> {
      manualTime.timePasses(Duration.ofSeconds(5));
      f.expectAnswer("DONE 1\n");
      return null;
    });
    f.exchange("RUN 5\n", "STARTED 2\n");
    LoggingTestKit.debug(f.id + ": job 2 cancelled").expect(testKit.system(), () -> {
      f.exchange("CANCEL\n", "CANCELLED 2\n");
      return null;
    });
    f.exchange("RUN 5\n", "STARTED 3\n");
    LoggingTestKit.debug(f.id + ": job 3 cancelled, the connection ended").expect(testKit.system(), () -> {
      f.end();
      return null;
    });
  }
}
