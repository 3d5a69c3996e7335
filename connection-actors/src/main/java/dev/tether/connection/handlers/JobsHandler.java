package dev.tether.connection.handlers;

import com.typesafe.config.Config;
import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.SendResult;
import dev.tether.connection.session.Session;
import dev.tether.connection.session.SessionEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;

/**
 * The {@code jobs} handler: a line protocol that runs one job at a time without ever blocking. A job
 * is a timer, so {@code STATUS}, {@code CANCEL} and {@code PING} are answered while it runs.
 *
 * <pre>
 * RUN &lt;seconds&gt;  STARTED &lt;job&gt;, later DONE &lt;job&gt;; BUSY &lt;job&gt; while one runs;
 *                 ERR usage: RUN &lt;seconds&gt; (0..86400)
 * STATUS          IDLE, or RUNNING &lt;job&gt; &lt;elapsed-ms&gt;
 * CANCEL          CANCELLED &lt;job&gt; (no DONE follows), or IDLE
 * PING            PONG
 * QUIT            BYE, then a graceful close
 * AUTH &lt;token&gt;    OK; the first line when the option auth-token is set, else ERR unauthorized
 *                 and a graceful close; ERR already authorized once the session is authorized
 * (too long)      ERR line too long, then a graceful close (option max-line-length, default 4096)
 * (other)         ERR unknown command; ERR usage: ... for a known keyword with wrong arguments
 * </pre>
 *
 * <p>Lines end with {@code \n} or {@code \r\n}, keywords are case-insensitive, blank lines are
 * ignored, and every answer is one line ended by {@code \n}. Jobs are numbered per session from 1.
 *
 * <p>Flow control: at most one write is in flight; answers produced meanwhile are queued and go out
 * together in the next write. A chunk is acknowledged once every answer it produced has been
 * accepted, so a client that pipelines commands without reading is slowed down through TCP, and
 * what the handler holds stays bounded by one chunk's answers.
 */
public final class JobsHandler {
  /** The longest line when the options do not set {@code max-line-length}. */
  static final int DEFAULT_MAX_LINE_LENGTH = 4096;

  /** How long a write the connection rejected as {@code BUFFER_FULL} waits before it is offered again. */
  static final Duration WRITE_RETRY = Duration.ofMillis(100);

  private JobsHandler() {}

  public static Behavior<SessionEvent> create(Session session) {
    return create(session, System::nanoTime);
  }

  /** With the clock that {@code RUNNING}'s elapsed time is read from, in nanoseconds (tests set it). */
  static Behavior<SessionEvent> create(Session session, LongSupplier nanoClock) {
    Options options = Options.read(session.options());
    return Behaviors.<Object>setup(ctx -> Behaviors.withTimers(timers ->
        new Handler(ctx, timers, session, nanoClock, options))).narrow();
  }

  /** The handler's keys of {@link Session#options()}, read once. */
  private record Options(Optional<String> authToken, int maxLineLength) {
    static Options read(Config c) {
      String token = c.hasPath("auth-token") ? c.getString("auth-token") : "";
      int maxLineLength = c.hasPath("max-line-length") ? c.getInt("max-line-length") : DEFAULT_MAX_LINE_LENGTH;
      if (maxLineLength < 1) throw new IllegalArgumentException("max-line-length must be >= 1, was " + maxLineLength);
      return new Options(token.isEmpty() ? Optional.empty() : Optional.of(token), maxLineLength);
    }
  }

  /** The timer of job {@code job} went off; stale (and dropped) if that job was cancelled meanwhile. */
  private record JobFinished(int job) {}

  /** Offer the rejected write again. */
  private enum RetryWrite { INSTANCE }

  private enum TimerKey { JOB, WRITE_RETRY }

  private record Job(int number, long startedNanos) {}

  private enum Phase {
    /** auth-token is set and no line has been read yet: the first must be AUTH with that token. */
    AUTHENTICATING,
    SERVING,
    /** The last answer is queued; a graceful close follows once it is accepted. Lines are ignored. */
    CLOSING
  }

  private static final class Handler extends AbstractBehavior<Object> {
    private final TimerScheduler<Object> timers;
    private final Session session;
    private final ConnectionId id;
    private final LongSupplier nanoClock;
    private final Optional<String> authToken;
    private final Logger log;
    private final ActorRef<SendResult> written;

    private Phase phase;
    private LineBuffer lines;
    private int lastJob;
    private Optional<Job> running = Optional.empty();

    /** Answers not yet handed to the connection. */
    private final StringBuilder queued = new StringBuilder();
    /** The write awaiting its {@link SendResult}, or null: never more than one. */
    private ByteString inFlight;
    private long writesSent;
    /** The write whose acceptance acknowledges the last chunk, or 0 when no chunk awaits one. */
    private long ackAfterWrite;
    private boolean closeRequested;

    Handler(ActorContext<Object> ctx, TimerScheduler<Object> timers, Session session, LongSupplier nanoClock,
        Options options) {
      super(ctx);
      this.timers = timers;
      this.session = session;
      this.id = session.connectionId();
      this.nanoClock = nanoClock;
      this.authToken = options.authToken();
      this.log = ctx.getLog();
      this.written = ctx.getSelf().narrow();
      this.phase = authToken.isPresent() ? Phase.AUTHENTICATING : Phase.SERVING;
      this.lines = LineBuffer.create(options.maxLineLength());
    }

    @Override
    public Receive<Object> createReceive() {
      return newReceiveBuilder()
          .onMessage(SessionEvent.Received.class, this::onReceived)
          .onMessage(SendResult.Accepted.class, this::onAccepted)
          .onMessage(SendResult.Rejected.class, this::onRejected)
          .onMessage(JobFinished.class, this::onJobFinished)
          .onMessageEquals(RetryWrite.INSTANCE, this::onRetryWrite)
          .onMessage(SessionEvent.Ended.class, this::onEnded)
          .build();
    }

    private Behavior<Object> onReceived(SessionEvent.Received r) {
      int before = queued.length();
      if (phase != Phase.CLOSING) readLines(r.bytes());
      if (queued.length() == before) {
        session.ack(); // nothing to answer
      } else {
        ackAfterWrite = writesSent + 1; // the queue goes out whole in the next write
      }
      flush();
      return this;
    }

    private Behavior<Object> onAccepted(SendResult.Accepted a) {
      inFlight = null;
      if (ackAfterWrite == writesSent) {
        ackAfterWrite = 0;
        session.ack();
      }
      flush();
      return this;
    }

    private Behavior<Object> onRejected(SendResult.Rejected r) {
      if (r.reason() == SendResult.Reason.BUFFER_FULL) {
        timers.startSingleTimer(TimerKey.WRITE_RETRY, RetryWrite.INSTANCE, WRITE_RETRY);
        log.debug("{}: answer not taken, too many pending writes; offered again in {} ms", id, WRITE_RETRY.toMillis());
        return this;
      }
      log.debug("{}: answer not sent ({}: {}), waiting for the end", id, r.reason(), r.message());
      timers.cancelAll();
      return Behaviors.receive(Object.class)
          .onMessage(SessionEvent.Ended.class, e -> Behaviors.stopped())
          .onAnyMessage(m -> Behaviors.same())
          .build();
    }

    private Behavior<Object> onRetryWrite() {
      if (inFlight != null) session.write(inFlight, written);
      return this;
    }

    private Behavior<Object> onJobFinished(JobFinished f) {
      if (running.isEmpty() || running.get().number() != f.job()) return this; // stale: cancelled meanwhile
      running = Optional.empty();
      log.debug("{}: job {} done", id, f.job());
      answer("DONE " + f.job());
      flush();
      return this;
    }

    private Behavior<Object> onEnded(SessionEvent.Ended e) {
      running.ifPresent(j -> log.debug("{}: job {} cancelled, the connection ended: {}", id, j.number(), e.outcome()));
      return Behaviors.stopped();
    }

    private void readLines(ByteString bytes) {
      LineBuffer.Split split = lines.split(bytes);
      lines = split.rest();
      for (String line : split.lines()) {
        if (phase == Phase.CLOSING) return;
        JobsCommand.parse(line).ifPresent(this::onCommand);
      }
      if (split.tooLong() && phase != Phase.CLOSING) closeWith("ERR line too long", "a line was too long");
    }

    private void onCommand(JobsCommand c) {
      if (phase == Phase.AUTHENTICATING) {
        if (c instanceof JobsCommand.Auth a && tokenMatches(a.token())) {
          phase = Phase.SERVING;
          answer("OK");
        } else {
          closeWith("ERR unauthorized", "unauthorized");
        }
      } else if (c instanceof JobsCommand.Run r) {
        answer(run(r.seconds()));
      } else if (c == JobsCommand.Status.INSTANCE) {
        answer(running.map(j -> "RUNNING " + j.number() + " " + elapsedMillis(j)).orElse("IDLE"));
      } else if (c == JobsCommand.Cancel.INSTANCE) {
        answer(cancel());
      } else if (c == JobsCommand.Ping.INSTANCE) {
        answer("PONG");
      } else if (c == JobsCommand.Quit.INSTANCE) {
        closeWith("BYE", "QUIT");
      } else if (c instanceof JobsCommand.Auth) {
        answer("ERR already authorized");
      } else if (c instanceof JobsCommand.Malformed m) {
        answer("ERR usage: " + m.usage());
      } else {
        answer("ERR unknown command");
      }
    }

    private String run(int seconds) {
      if (running.isPresent()) return "BUSY " + running.get().number();
      int job = ++lastJob;
      running = Optional.of(new Job(job, nanoClock.getAsLong()));
      timers.startSingleTimer(TimerKey.JOB, new JobFinished(job), Duration.ofSeconds(seconds));
      log.debug("{}: job {} started, {} s", id, job, seconds);
      return "STARTED " + job;
    }

    private String cancel() {
      if (running.isEmpty()) return "IDLE";
      int job = running.get().number();
      stopJob();
      log.debug("{}: job {} cancelled", id, job);
      return "CANCELLED " + job;
    }

    private void stopJob() {
      timers.cancel(TimerKey.JOB);
      running = Optional.empty();
    }

    private long elapsedMillis(Job j) {
      return Math.max(0, TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - j.startedNanos()));
    }

    private boolean tokenMatches(String given) {
      byte[] expected = authToken.orElseThrow().getBytes(StandardCharsets.UTF_8);
      return MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8)); // time independent of the match
    }

    /** Queues {@code last}, the session's last answer; the connection is closed once it is accepted. */
    private void closeWith(String last, String why) {
      running.ifPresent(j -> log.debug("{}: job {} cancelled, the session is closing ({})", id, j.number(), why));
      stopJob();
      phase = Phase.CLOSING;
      answer(last);
    }

    private void answer(String line) {
      queued.append(line).append('\n');
    }

    /** Writes the queue if no write is in flight; closes once everything is written after a close. */
    private void flush() {
      if (inFlight != null) return;
      if (queued.length() > 0) {
        inFlight = ByteString.fromString(queued.toString(), StandardCharsets.UTF_8);
        queued.setLength(0);
        writesSent++;
        session.write(inFlight, written);
      } else if (phase == Phase.CLOSING && !closeRequested) {
        closeRequested = true;
        session.close(CloseMode.GRACEFUL);
      }
    }
  }
}
