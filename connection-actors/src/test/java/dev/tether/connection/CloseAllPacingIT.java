package dev.tether.connection;

import org.junit.jupiter.api.Tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.PeerProcess;
import dev.tether.testing.TetherFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code tether.max-concurrent-closes} paces a {@code CloseAll} (and so a shutdown): at most that
 * many connections are closing at once, the next one asked as each ends, in id order. Against a real
 * TLS peer (Python's ssl, many connections at once), seen through the manager's own events.
 *
 * <p>Why the events show the window exactly: a supervisor publishes {@code Removed} before it
 * answers the close, and the next supervisor is asked only once that answer has arrived, so the
 * manager relays one connection's {@code Removed} before the next one's {@code CLOSING}.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("peer")
class CloseAllPacingIT {
  final TetherFixture fx = new TetherFixture("CloseAllPacingIT");
  @JUnit5TestKit final ActorTestKit testKit = fx.testKit;
  private PeerProcess peer;
  private int port;

  @BeforeAll
  void startPeer() throws IOException, URISyntaxException {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path script = Path.of(Objects.requireNonNull(getClass().getResource("/peers/tls_many.py")).toURI());
    peer = PeerProcess.start("python3", script.toString(), String.valueOf(port),
        fx.certs().cert("localhost").toString(), fx.certs().key("localhost").toString());
    peer.awaitOutput("READY", TetherFixture.MAX);
  }

  @AfterAll
  void stopPeer() {
    if (peer != null) peer.close();
  }

  @Test
  void aWindowOfOneClosesOneConnectionAtATimeInIdOrder() {
    List<String> ids = List.of("one-a", "one-b", "one-c", "one-d");
    List<String> closingOrder = closeAllAndTrace(1, ids);
    assertEquals(ids, closingOrder);
  }

  @Test
  void aWindowOfTwoNeverHasMoreThanTwoClosing() {
    List<String> ids = List.of("two-a", "two-b", "two-c", "two-d", "two-e", "two-f");
    List<String> closingOrder = closeAllAndTrace(2, ids);
    assertEquals(new TreeSet<>(ids), new TreeSet<>(closingOrder));
  }

  /**
   * Opens {@code ids}, closes them all with {@code CloseAll} under {@code window}, and checks from
   * the events that no more than {@code window} were closing at once and that each closed cleanly.
   * Returns the order in which they entered closing.
   */
  private List<String> closeAllAndTrace(int window, List<String> ids) {
    TetherFixture.Manager m = fx.manager(fx.settings().withMaxConcurrentCloses(window));
    for (String id : ids) m.open(id, port, "test", fx.fastSettings());
    Set<String> open = new HashSet<>();
    while (open.size() < ids.size()) {
      if (m.events.receiveMessage(TetherFixture.MAX) instanceof ConnectionEvent.StateChanged s
          && s.state() == ConnectionState.OPEN) {
        open.add(s.connectionId().value());
      }
    }

    TestProbe<ConnectionManager.AllClosed> reply = testKit.createTestProbe();
    m.ref.tell(new ConnectionManager.CloseAll(reply.getRef()));

    List<String> closingOrder = new ArrayList<>();
    Set<String> closing = new HashSet<>();
    Set<String> removed = new HashSet<>();
    while (removed.size() < ids.size()) {
      ConnectionEvent e = m.events.receiveMessage(TetherFixture.MAX);
      if (e instanceof ConnectionEvent.StateChanged s && s.state() == ConnectionState.CLOSING) {
        String id = s.connectionId().value();
        closingOrder.add(id);
        closing.add(id);
        assertTrue(closing.size() <= window, "closing at once " + closing + " with max-concurrent-closes " + window);
      }
      if (e instanceof ConnectionEvent.OutcomeReported o) {
        assertEquals(OutcomeKind.CLEAN, o.outcome().kind(), o.connectionId() + ": " + o.outcome());
      }
      if (e instanceof ConnectionEvent.Removed r) {
        closing.remove(r.connectionId().value());
        removed.add(r.connectionId().value());
      }
    }
    ConnectionManager.AllClosed all = reply.receiveMessage(TetherFixture.MAX);
    assertEquals(ids.size(), all.closed().size(), all.toString());
    return closingOrder;
  }
}
