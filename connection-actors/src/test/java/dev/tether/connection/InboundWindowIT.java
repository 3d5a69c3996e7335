package dev.tether.connection;

import org.junit.jupiter.api.Tag;
import dev.tether.connection.settings.ConnectionSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.PatternStream;
import dev.tether.testing.PeerProcess;
import dev.tether.testing.TetherFixture;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flow control to a connection's reader ({@code inbound-window}): a peer (Python's ssl module)
 * writes 200 MB to a reader that takes its time. While the reader acknowledges nothing, it is
 * given one window and no more, however much the peer has written into the kernel's buffers; once
 * it acknowledges, every byte arrives, once and in order. A reader that does not acknowledge
 * ({@code unbounded}) gets everything as it is read.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("peer")
class InboundWindowIT {
  private static final long WINDOW = 64 * 1024;
  /** What one delivery may add beyond the window: a TLS record's plaintext, with room to spare. */
  private static final long ONE_CHUNK = 32 * 1024;
  private static final Pattern SENT = Pattern.compile("SENT (\\d+)");
  private static final Duration BULK = Duration.ofSeconds(180);

  final TetherFixture fx = new TetherFixture("InboundWindowIT");
  @JUnit5TestKit final ActorTestKit testKit = fx.testKit;

  @AfterAll
  void stop() {
    fx.close();
  }

  /** A reader that checks every byte ({@link PatternStream}) and acknowledges only when let. */
  static final class Reader {
    enum Resume { INSTANCE }

    final AtomicLong received = new AtomicLong();
    final AtomicLong maxUnacknowledged = new AtomicLong();
    final AtomicLong misplaced = new AtomicLong();
    volatile boolean ended;

    Behavior<Object> behavior(boolean paused) {
      return Behaviors.setup(ctx -> {
        PatternStream stream = new PatternStream();
        List<ReaderEvent.Received> held = new ArrayList<>();
        long[] unacknowledged = {0};
        boolean[] pausedNow = {paused};
        return Behaviors.receiveMessage(m -> {
          if (m instanceof ReaderEvent.Received r) {
            misplaced.addAndGet(stream.takeCountingMisplaced(r.bytes()));
            received.set(stream.received());
            unacknowledged[0] += r.bytes().size();
            maxUnacknowledged.accumulateAndGet(unacknowledged[0], Math::max);
            if (pausedNow[0]) {
              held.add(r);
            } else {
              r.ack();
              unacknowledged[0] -= r.bytes().size();
            }
          } else if (m == Resume.INSTANCE) {
            pausedNow[0] = false;
            held.forEach(ReaderEvent.Received::ack);
            held.clear();
            unacknowledged[0] = 0;
          } else if (m instanceof ReaderEvent.Ended) {
            ended = true;
          }
          return Behaviors.same();
        });
      });
    }
  }

  @Test
  void aReaderThatTakesItsTimeSlowsThePeerAndGetsEveryByteOnceInOrder() throws Exception {
    long total = 200L * 1024 * 1024;
    try (PeerProcess peer = writer(total)) {
      Reader reader = new Reader();
      ActorRef<Object> readerRef = testKit.spawn(reader.behavior(true));
      TetherFixture.Manager m = fx.manager();
      open(m, "window-1", port(peer), fx.fastSettings().withReceiveWindow(WINDOW), readerRef);

      // Paused: the peer writes on into the kernel's buffers, the reader is given one window.
      awaitSent(peer, 8 * WINDOW);
      TestProbe<Object> probe = testKit.createTestProbe();
      probe.awaitAssert(TetherFixture.MAX, () -> {
        assertTrue(reader.received.get() >= WINDOW - ONE_CHUNK, "given " + reader.received.get());
        return null;
      });
      assertTrue(reader.received.get() <= WINDOW + ONE_CHUNK, "given " + reader.received.get() + " without one acknowledgement");
      assertFalse(peer.output().contains("DONE"), "the peer could write everything: nothing slowed it");

      // Acknowledging from now on: all of it arrives, once, in order; the backlog never passed the window.
      readerRef.tell(Reader.Resume.INSTANCE);
      peer.awaitOutput("DONE " + total, BULK);
      probe.awaitAssert(BULK, Duration.ofMillis(200), () -> {
        assertEquals(total, reader.received.get());
        return null;
      });
      assertEquals(0, reader.misplaced.get(), "bytes out of place");
      assertTrue(reader.maxUnacknowledged.get() <= WINDOW + ONE_CHUNK, "backlog " + reader.maxUnacknowledged.get());
      m.close("window-1", Optional.empty());
    }
  }

  @Test
  void anUnboundedWindowDeliversEverythingWithoutAcknowledgements() throws Exception {
    long total = 4L * 1024 * 1024;
    try (PeerProcess peer = writer(total)) {
      Reader reader = new Reader();
      ActorRef<Object> readerRef = testKit.spawn(reader.behavior(true)); // never acknowledges
      TetherFixture.Manager m = fx.manager();
      open(m, "unbounded-1", port(peer),
          fx.fastSettings().withReceiveWindow(ConnectionSettings.UNBOUNDED_WINDOW), readerRef);
      testKit.createTestProbe().awaitAssert(BULK, Duration.ofMillis(200), () -> {
        assertEquals(total, reader.received.get());
        return null;
      });
      assertEquals(0, reader.misplaced.get());
      m.close("unbounded-1", Optional.empty());
    }
  }

  private void open(TetherFixture.Manager m, String id, int port, ConnectionSettings s, ActorRef<Object> readerRef) {
    TestProbe<ConnectionManager.OpenResult> reply = testKit.createTestProbe();
    m.ref.tell(new ConnectionManager.Open(new ConnectionSpec(id, "localhost", port, "test",
        Optional.of(readerRef.unsafeUpcast()), Optional.of(s)), reply.getRef()));
    assertTrue(reply.receiveMessage() instanceof ConnectionManager.Opened);
  }

  private PeerProcess writer(long total) throws URISyntaxException {
    Path script = Path.of(Objects.requireNonNull(getClass().getResource("/peers/writes_a_lot.py")).toURI());
    PeerProcess p = PeerProcess.start("python3", script.toString(), fx.certs().cert("localhost").toString(),
        fx.certs().key("localhost").toString(), String.valueOf(total));
    p.awaitOutput("PORT ", TetherFixture.MAX);
    return p;
  }

  private static int port(PeerProcess peer) {
    Matcher m = Pattern.compile("PORT (\\d+)").matcher(peer.output());
    assertTrue(m.find(), peer.output());
    return Integer.parseInt(m.group(1));
  }

  /** Waits until the peer has written at least {@code bytes}. */
  private void awaitSent(PeerProcess peer, long bytes) {
    testKit.createTestProbe().awaitAssert(TetherFixture.MAX, Duration.ofMillis(100), () -> {
      Matcher m = SENT.matcher(peer.output());
      long last = 0;
      while (m.find()) last = Long.parseLong(m.group(1));
      assertTrue(last >= bytes, "the peer wrote " + last);
      return null;
    });
  }
}
