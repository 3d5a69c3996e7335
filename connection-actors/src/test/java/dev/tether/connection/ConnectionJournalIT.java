package dev.tether.connection;

import org.junit.jupiter.api.Tag;
import dev.tether.connection.journal.ConnectionJournal;
import dev.tether.connection.journal.JournalEntry;
import dev.tether.connection.journal.JournalEvent;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.OpenSslServer;
import dev.tether.testing.TetherFixture;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each connection's journal ({@link ConnectionManager.GetJournal}) against real peers: Tether's own
 * echo listener (so the inbound side has a journal too) and {@code openssl s_server -rev}. States
 * with the state they left, round-trip times, keepalive misses, outcomes, the reconnect delay, and
 * admin actions with who asked; bounded by the journal size; kept after a close.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("peer")
class ConnectionJournalIT {
  private static final Duration INTERVAL = Duration.ofMillis(200);
  final TetherFixture fx = new TetherFixture("ConnectionJournalIT");
  @JUnit5TestKit final ActorTestKit testKit = fx.testKit;

  private TetherFixture.Manager managerWithEchoListener(ConnectionManagerSettings base, String listener) {
    var m = fx.manager(base.withTlsProfile(fx.certs().identityProfile("server", "localhost", "other", List.of("TLSv1.3"))));
    TestProbe<ConnectionManager.ListenerResult> reply = testKit.createTestProbe();
    m.ref.tell(new ConnectionManager.StartListener(ListenerSpec.of(listener, "127.0.0.1", 0, "server", "echo",
        fx.fastSettings()), reply.getRef()));
    port = assertInstanceOf(ConnectionManager.ListenerStarted.class, reply.receiveMessage(TetherFixture.MAX)).info().port();
    return m;
  }

  private int port;

  /** Keepalive every 200 ms: the echo listener answers each ping, so round trips accumulate. */
  private ConnectionSettings pinging(Optional<String> pong, int allowedMisses) {
    ConnectionSettings s = fx.fastSettings();
    return s.withKeepalive(s.keepalive().withEnabled(true).withInterval(INTERVAL).withTimeout(Duration.ofMillis(400))
        .withPong(pong.map(ByteString::fromString)).withAllowedMisses(allowedMisses));
  }

  private Optional<ConnectionJournal> journal(TetherFixture.Manager m, String id) {
    TestProbe<Optional<ConnectionJournal>> reply = testKit.createTestProbe();
    m.ref.tell(new ConnectionManager.GetJournal(id, reply.getRef()));
    return reply.receiveMessage(TetherFixture.MAX);
  }

  private ConnectionJournal awaitJournal(TetherFixture.Manager m, String id, Predicate<ConnectionJournal> until) {
    return testKit.createTestProbe().awaitAssert(TetherFixture.MAX, Duration.ofMillis(100), () -> {
      ConnectionJournal j = journal(m, id).orElseThrow(() -> new AssertionError("no journal of " + id));
      assertTrue(until.test(j), j.toString());
      return j;
    });
  }

  private static <E extends JournalEvent> List<E> events(ConnectionJournal j, Class<E> type) {
    return j.events().stream().map(JournalEntry::event).filter(type::isInstance).map(type::cast).toList();
  }

  private static List<ConnectionState> states(ConnectionJournal j) {
    return events(j, JournalEvent.StateChanged.class).stream().map(JournalEvent.StateChanged::to).toList();
  }

  @Test
  void statesRoundTripsAndAnAdminCloseWithItsClientAndOutcomeStayReadableAfterTheClose() {
    var m = managerWithEchoListener(fx.settings(), "echo");
    m.open("journaled", port, "test", pinging(Optional.empty(), 0));
    m.awaitState("journaled", ConnectionState.OPEN);
    awaitJournal(m, "journaled", j -> events(j, JournalEvent.RttMeasured.class).size() >= 2);

    TestProbe<ConnectionManager.CloseResult> closed = testKit.createTestProbe();
    m.ref.tell(new ConnectionManager.Close("journaled", Optional.of(CloseMode.GRACEFUL), Optional.of("203.0.113.7"),
        closed.getRef()));
    assertEquals(OutcomeKind.CLEAN, assertInstanceOf(ConnectionManager.Closed.class, closed.receiveMessage()).outcome().kind());

    // Removed, yet its journal is kept (journal-keep-removed).
    ConnectionJournal j = journal(m, "journaled").orElseThrow();
    assertEquals(ConnectionId.of("journaled"), j.id());
    assertEquals(ConnectionManagerSettings.DEFAULT_JOURNAL_SIZE, j.capacity());
    assertEquals(List.of(ConnectionState.CONNECTING, ConnectionState.HANDSHAKING, ConnectionState.OPEN,
        ConnectionState.CLOSING, ConnectionState.AWAITING_PEER_CLOSE), states(j));
    JournalEvent.StateChanged first = events(j, JournalEvent.StateChanged.class).get(0);
    assertEquals(Optional.empty(), first.from());
    assertEquals(Optional.of(ConnectionState.OPEN), events(j, JournalEvent.StateChanged.class).get(3).from());
    events(j, JournalEvent.RttMeasured.class).forEach(r -> assertTrue(!r.rtt().isNegative() && r.rtt().toSeconds() < 5, r.toString()));
    // The open (a library call that named nobody) is the first entry, before any state.
    assertEquals(List.of(new JournalEvent.AdminAction(JournalEvent.Action.OPEN, Optional.empty(), Optional.empty()),
        new JournalEvent.AdminAction(JournalEvent.Action.CLOSE, Optional.of(CloseMode.GRACEFUL),
        Optional.of("203.0.113.7"))), events(j, JournalEvent.AdminAction.class));
    assertInstanceOf(JournalEvent.AdminAction.class, j.events().get(0).event(), j.toString());
    List<JournalEvent.OutcomeRecorded> outcomes = events(j, JournalEvent.OutcomeRecorded.class);
    assertEquals(1, outcomes.size(), j.toString());
    assertEquals(OutcomeKind.CLEAN, outcomes.get(0).outcome().kind());
    // Oldest first, every entry of incarnation 1; the admin action before the outcome it caused.
    for (int i = 1; i < j.events().size(); i++) {
      assertTrue(!j.events().get(i).at().isBefore(j.events().get(i - 1).at()), j.toString());
    }
    assertTrue(j.events().stream().allMatch(e -> e.incarnation() == 1), j.toString());
    assertTrue(j.events().indexOf(lastEntryOf(j, JournalEvent.AdminAction.class))
        < j.events().indexOf(entryOf(j, JournalEvent.OutcomeRecorded.class)), j.toString());

    // The accepted side has a journal of its own: it answered our close_notify and was removed.
    ConnectionJournal inbound = awaitJournal(m, "echo-1", in -> !events(in, JournalEvent.OutcomeRecorded.class).isEmpty());
    assertEquals(ConnectionState.HANDSHAKING, states(inbound).get(0));
    assertTrue(states(inbound).contains(ConnectionState.OPEN), inbound.toString());
    assertEquals(OutcomeKind.CLEAN, events(inbound, JournalEvent.OutcomeRecorded.class).get(0).outcome().kind());

    assertEquals(Optional.empty(), journal(m, "never-opened"));
  }

  private static JournalEntry lastEntryOf(ConnectionJournal j, Class<? extends JournalEvent> type) {
    return j.events().stream().filter(e -> type.isInstance(e.event())).reduce((a, b) -> b).orElseThrow();
  }

  private static JournalEntry entryOf(ConnectionJournal j, Class<? extends JournalEvent> type) {
    return j.events().stream().filter(e -> type.isInstance(e.event())).findFirst().orElseThrow();
  }

  @Test
  void theJournalKeepsTheConfiguredNumberOfEventsDroppingTheOldest() {
    var m = managerWithEchoListener(fx.settings().withJournalSize(4), "small");
    m.open("small-journal", port, "test", pinging(Optional.empty(), 0));
    m.awaitState("small-journal", ConnectionState.OPEN);
    // connecting, handshaking, open, then round trips: the states are pushed out by the fourth one.
    ConnectionJournal j = awaitJournal(m, "small-journal", x -> events(x, JournalEvent.RttMeasured.class).size() == 4);
    assertEquals(4, j.capacity());
    assertEquals(4, j.events().size());
    assertEquals(List.of(), states(j));
    assertEquals(OutcomeKind.CLEAN, assertInstanceOf(ConnectionManager.Closed.class,
        m.close("small-journal", Optional.of(CloseMode.GRACEFUL))).outcome().kind());
  }

  @Test
  void keepaliveMissesTheOutcomeAndTheReconnectDelayChosenAndAReconnectRequest() {
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs(), "localhost", "TLSv1.3")) {
      var m = fx.manager();
      // The peer answers a ping with "GNIP": not the configured pong, so every ping is a miss.
      m.open("missing", peer.port(), "test", pinging(Optional.of("PONG"), 1));
      ConnectionJournal j = awaitJournal(m, "missing",
          x -> !events(x, JournalEvent.ReconnectDelayChosen.class).isEmpty());
      assertEquals(List.of(new JournalEvent.KeepaliveMissed(1, 1), new JournalEvent.KeepaliveMissed(2, 1)),
          events(j, JournalEvent.KeepaliveMissed.class));
      assertEquals(OutcomeKind.KEEPALIVE_TIMEOUT, events(j, JournalEvent.OutcomeRecorded.class).get(0).outcome().kind());
      JournalEvent.ReconnectDelayChosen delay = events(j, JournalEvent.ReconnectDelayChosen.class).get(0);
      assertEquals(1, delay.attempt());
      assertEquals(Duration.ofMillis(100), delay.delay(), "fast settings: min-backoff 100 ms, no jitter");
      assertEquals(ConnectionState.BACKOFF, states(j).get(states(j).indexOf(ConnectionState.BACKOFF)));

      // The failure counts against the restart budget, shown in the view.
      ConnectionView v = m.get("missing");
      assertTrue(v.failuresInWindow() >= 1, v.toString());
      assertEquals(fx.fastSettings().reconnect().maxFailures(), v.maxFailures());
      assertEquals(fx.fastSettings().reconnect().maxFailuresWithin(), v.failureWindow());

      TestProbe<Optional<ConnectionView>> reconnected = testKit.createTestProbe();
      m.ref.tell(new ConnectionManager.Reconnect("missing", Optional.of("198.51.100.2"), reconnected.getRef()));
      assertEquals(0, reconnected.receiveMessage().orElseThrow().failuresInWindow(), "a reconnect on request starts afresh");
      ConnectionJournal after = awaitJournal(m, "missing", x -> events(x, JournalEvent.AdminAction.class).size() >= 2);
      assertEquals(new JournalEvent.AdminAction(JournalEvent.Action.RECONNECT, Optional.empty(), Optional.of("198.51.100.2")),
          events(after, JournalEvent.AdminAction.class).get(1)); // after the open
      assertTrue(after.events().stream().anyMatch(e -> e.incarnation() >= 2), "spans incarnations: " + after);
      m.close("missing", Optional.of(CloseMode.ABORT));
    }
  }
}
