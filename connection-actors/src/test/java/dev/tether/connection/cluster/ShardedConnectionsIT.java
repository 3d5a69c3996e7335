package dev.tether.connection.cluster;

import org.junit.jupiter.api.Tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.tether.connection.settings.ClusterSettings;
import dev.tether.connection.CloseMode;
import dev.tether.connection.journal.ConnectionJournal;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.Direction;
import dev.tether.connection.journal.JournalEvent;
import dev.tether.connection.ListenerSpec;
import dev.tether.connection.Outcome;
import dev.tether.connection.OutcomeKind;
import dev.tether.connection.SendResult;
import dev.tether.testing.OpenSslServer;
import dev.tether.testing.PeerProcess;
import dev.tether.testing.TestCerts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode's protocol with two actor systems in one JVM (artery on 127.0.0.1, port 0) and a
 * real {@code openssl s_server} peer: a connection opened through one node is reached, sent to and
 * closed through the other; one whose node is lost opens again on the survivor; one managed before a
 * restart is managed again after it (its spec was stored durably).
 */
@Tag("peer")
@Tag("cluster")
class ShardedConnectionsIT {
  private static final Duration MAX = Duration.ofSeconds(30);
  private final List<ActorTestKit> kits = new ArrayList<>();
  private TestCerts certs;

  @AfterEach
  void stop() {
    // A leaving node hands its connections off (close_notify first): more than the default 10 s.
    kits.forEach(k -> ActorTestKit.shutdown(k.system(), Duration.ofSeconds(40), false));
  }

  private static Config config() {
    return ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.cluster.downing-provider-class = ""
        pekko.coordinated-shutdown.terminate-actor-system = on
        pekko.actor.testkit.typed.single-expect-default = 10s
        """).withFallback(ConfigFactory.load());
  }

  private record Node(ActorTestKit kit, ActorRef<ConnectionManager.Command> manager) {
    Address address() {
      return Cluster.get(kit.system()).selfMember().address();
    }
  }

  private Node node(Path dir) {
    if (certs == null) certs = TestCerts.generate();
    ActorTestKit kit = ActorTestKit.create("ShardedConnectionsIT", config());
    kits.add(kit);
    ConnectionManagerSettings s = ConnectionManagerSettings.create(kit.system().settings().config())
        .withTlsProfile(certs.profileTrusting("test", "localhost", List.of("TLSv1.3"), true))
        .withTlsProfile(certs.identityProfile("server", "localhost", "other", List.of("TLSv1.3")))
        .withCluster(new ClusterSettings(true, dir));
    return new Node(kit, kit.spawn(ConnectionManager.create(s), "tether"));
  }

  private static void join(Node node, Node seed) {
    Cluster.get(node.kit().system()).manager().tell(Join.create(seed.address()));
  }

  private static void awaitUp(Node node, int members) {
    node.kit().createTestProbe().awaitAssert(MAX, () -> {
      long up = java.util.stream.StreamSupport.stream(Cluster.get(node.kit().system()).state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up()).count();
      assertEquals(members, up);
      return null;
    });
  }

  private static ConnectionView awaitOpen(Node via, String id) {
    TestProbe<Optional<ConnectionView>> reply = via.kit().createTestProbe();
    return reply.awaitAssert(MAX, Duration.ofMillis(200), () -> {
      via.manager().tell(new ConnectionManager.Get(id, reply.getRef()));
      ConnectionView v = reply.receiveMessage().orElseThrow(() -> new AssertionError(id + " unknown"));
      assertEquals(ConnectionState.OPEN, v.state(), v.toString());
      return v;
    });
  }

  private static Optional<ConnectionJournal> journal(Node via, String id) {
    TestProbe<Optional<ConnectionJournal>> reply = via.kit().createTestProbe();
    via.manager().tell(new ConnectionManager.GetJournal(id, reply.getRef()));
    return reply.receiveMessage(MAX);
  }

  private static void open(Node via, String id, int port) {
    TestProbe<ConnectionManager.OpenResult> reply = via.kit().createTestProbe();
    via.manager().tell(new ConnectionManager.Open(ConnectionSpec.of(id, "localhost", port).withTlsProfile("test"), reply.getRef()));
    assertInstanceOf(ConnectionManager.Opened.class, reply.receiveMessage(MAX));
  }

  @Test
  void aConnectionOpenedThroughOneNodeIsReachedThroughTheOtherAndALostNodesConnectionsOpenOnTheSurvivor()
      throws Exception {
    Node a = node(Files.createTempDirectory("tether-node-a"));
    Node b = node(Files.createTempDirectory("tether-node-b"));
    join(a, a);
    join(b, a);
    awaitUp(a, 2);
    awaitUp(b, 2);
    try (OpenSslServer peer = OpenSslServer.startRev(certs, "localhost", "TLSv1.3")) {
      open(a, "c1", peer.port());
      ConnectionView seenFromB = awaitOpen(b, "c1");
      TestProbe<SendResult> sent = b.kit().createTestProbe();
      b.manager().tell(new ConnectionManager.Send("c1", ByteString.fromString("through b\n"), sent.getRef()));
      assertInstanceOf(SendResult.Accepted.class, sent.receiveMessage(MAX));
      TestProbe<Optional<ConnectionView>> counted = b.kit().createTestProbe();
      counted.awaitAssert(MAX, Duration.ofMillis(200), () -> { // the peer reverses the line and sends it back
        b.manager().tell(new ConnectionManager.Get("c1", counted.getRef()));
        ConnectionView v = counted.receiveMessage().orElseThrow();
        assertEquals(10, v.counters().bytesOut(), v.toString());
        assertEquals(10, v.counters().bytesIn(), v.toString());
        return null;
      });

      // Listed through either node, whichever runs it.
      TestProbe<ConnectionManager.ConnectionList> list = a.kit().createTestProbe();
      a.manager().tell(new ConnectionManager.ListConnections(list.getRef()));
      ConnectionManager.ConnectionList all = list.receiveMessage(MAX);
      assertEquals(List.of("c1"), all.connections().stream().map(v -> v.id().value()).toList());
      assertEquals(List.of(), all.missing());

      // A duplicate open, from either node, is refused.
      TestProbe<ConnectionManager.OpenResult> again = b.kit().createTestProbe();
      b.manager().tell(new ConnectionManager.Open(ConnectionSpec.of("c1", "localhost", peer.port()).withTlsProfile("test"),
          again.getRef()));
      assertEquals(ConnectionManager.OpenRejection.ALREADY_EXISTS,
          assertInstanceOf(ConnectionManager.OpenRejected.class, again.receiveMessage(MAX)).reason());

      // Its journal, asked of the member that does not run it: the member that does answers.
      Node other = seenFromB.node().orElseThrow().endsWith(":" + a.address().getPort().get()) ? b : a;
      ConnectionJournal live = journal(other, "c1").orElseThrow(() -> new AssertionError("no journal of c1"));
      assertTrue(live.events().stream().anyMatch(e -> e.event() instanceof JournalEvent.StateChanged s
          && s.to() == ConnectionState.OPEN), live.toString());

      // Closed through the other node than the one that runs it: close_notify, gone everywhere.
      TestProbe<ConnectionManager.CloseResult> closed = other.kit().createTestProbe();
      other.manager().tell(new ConnectionManager.Close("c1", Optional.of(CloseMode.GRACEFUL), Optional.of("192.0.2.1"),
          closed.getRef()));
      assertEquals(OutcomeKind.CLEAN,
          assertInstanceOf(ConnectionManager.Closed.class, closed.receiveMessage(MAX)).outcome().kind());
      // Its journal stays readable from either member: the close with who asked, and the outcome.
      for (Node n : List.of(a, b)) {
        ConnectionJournal kept = journal(n, "c1").orElseThrow(() -> new AssertionError("no kept journal of c1"));
        assertTrue(kept.events().stream().anyMatch(e -> e.event().equals(new JournalEvent.AdminAction(
            JournalEvent.Action.CLOSE, Optional.of(CloseMode.GRACEFUL), Optional.of("192.0.2.1")))), kept.toString());
        assertTrue(kept.events().stream().anyMatch(e -> e.event() instanceof JournalEvent.OutcomeRecorded o
            && o.outcome().kind() == OutcomeKind.CLEAN), kept.toString());
      }
      assertTrue(journal(a, "never-opened").isEmpty());
      TestProbe<Optional<ConnectionView>> gone = a.kit().createTestProbe();
      gone.awaitAssert(MAX, Duration.ofMillis(200), () -> {
        a.manager().tell(new ConnectionManager.Get("c1", gone.getRef()));
        assertTrue(gone.receiveMessage().isEmpty());
        return null;
      });

      // Lose the node that runs c2: it opens again on the survivor.
      open(a, "c2", peer.port());
      ConnectionView c2 = awaitOpen(a, "c2");
      Node host = c2.node().orElseThrow().endsWith(":" + a.address().getPort().get()) ? a : b;
      Node survivor = host == a ? b : a;
      Cluster.get(survivor.kit().system()).manager().tell(new Down(host.address()));
      awaitUp(survivor, 1);
      // The downed member's system lives on in this JVM for a moment, and may still answer.
      String survivorPort = ":" + survivor.address().getPort().get();
      ConnectionView moved = survivor.kit().createTestProbe().awaitAssert(MAX, Duration.ofMillis(200), () -> {
        ConnectionView v = awaitOpen(survivor, "c2");
        assertTrue(v.node().orElseThrow().endsWith(survivorPort), v.toString());
        return v;
      });
      // A new incarnation, counted as a reconnect, and the lost one's end recorded as node-lost.
      assertEquals(c2.incarnation() + 1, moved.incarnation(), moved.toString());
      assertEquals(c2.incarnation(), moved.restarts().reconnects(), moved.toString());
      Outcome lost = moved.restarts().history().get(0);
      assertEquals(OutcomeKind.NODE_LOST, lost.kind(), moved.restarts().history().toString());
      assertEquals(c2.incarnation(), lost.incarnation());
      assertTrue(lost.detail().contains(c2.node().orElseThrow()), lost.detail());
    }
  }

  @Test
  void aConnectionManagedBeforeARestartIsManagedAgainAfterIt() throws Exception {
    Path dir = Files.createTempDirectory("tether-node-restart");
    try (OpenSslServer peer = OpenSslServer.startRev(TestCertsHolder.certs(this), "localhost", "TLSv1.3")) {
      Node first = node(dir);
      join(first, first);
      awaitUp(first, 1);
      open(first, "durable-1", peer.port());
      awaitOpen(first, "durable-1");
      // A service shutdown is not a close request: the spec stays.
      ActorTestKit.shutdown(first.kit().system(), Duration.ofSeconds(40), true);
      kits.remove(first.kit());

      Node again = node(dir);
      join(again, again);
      awaitUp(again, 1);
      ConnectionView back = awaitOpen(again, "durable-1");
      // Handed over at shutdown, not lost: the next incarnation, counted as a reconnect, no node-lost.
      assertEquals(2, back.incarnation(), back.toString());
      assertEquals(1, back.restarts().reconnects(), back.toString());
      assertTrue(back.restarts().history().stream().noneMatch(o -> o.kind() == OutcomeKind.NODE_LOST), back.restarts().history().toString());
    }
  }

  @Test
  void anAcceptedConnectionIsNamedAfterItsMemberAndReachedAndClosedThroughAnother() throws Exception {
    Node a = node(Files.createTempDirectory("tether-node-a"));
    Node b = node(Files.createTempDirectory("tether-node-b"));
    join(a, a);
    join(b, a);
    awaitUp(a, 2);
    awaitUp(b, 2);
    TestProbe<ConnectionManager.ListenerResult> started = a.kit().createTestProbe();
    a.manager().tell(new ConnectionManager.StartListener(ListenerSpec.of("echo", "127.0.0.1", 0, "server", "echo",
        ConnectionManagerSettings.create(a.kit().system().settings().config()).defaults()), started.getRef()));
    int port = assertInstanceOf(ConnectionManager.ListenerStarted.class, started.receiveMessage(MAX)).info().port();
    String nodeA = "127.0.0.1:" + a.address().getPort().get();
    String id = "echo-1@" + nodeA;
    try (PeerProcess client = PeerProcess.start("openssl", "s_client", "-connect", "127.0.0.1:" + port,
        "-CAfile", certs.cert("localhost").toString(), "-verify_return_error", "-ign_eof", "-msg", "-tls1_3")) {
      ConnectionView seen = awaitOpen(b, id); // asked of b, answered by a's manager
      assertEquals(Optional.of(nodeA), seen.node());
      assertEquals(Direction.INBOUND, seen.direction());
      TestProbe<ConnectionManager.ConnectionList> list = b.kit().createTestProbe();
      b.manager().tell(new ConnectionManager.ListConnections(list.getRef()));
      assertEquals(List.of(id), list.receiveMessage(MAX).connections().stream().map(v -> v.id().value()).toList());

      TestProbe<ConnectionManager.CloseResult> closed = b.kit().createTestProbe();
      b.manager().tell(new ConnectionManager.Close(id, Optional.of(CloseMode.GRACEFUL), closed.getRef()));
      assertEquals(OutcomeKind.CLEAN,
          assertInstanceOf(ConnectionManager.Closed.class, closed.receiveMessage(MAX)).outcome().kind());
      client.awaitOutput(OpenSslServer.closeNotifyReceived("TLSv1.3"), MAX);
      TestProbe<Optional<ConnectionView>> gone = b.kit().createTestProbe();
      b.manager().tell(new ConnectionManager.Get(id, gone.getRef()));
      assertTrue(gone.receiveMessage(MAX).isEmpty());
    }
    // Such ids are Tether's: an open with one is refused.
    TestProbe<ConnectionManager.OpenResult> refused = a.kit().createTestProbe();
    a.manager().tell(new ConnectionManager.Open(ConnectionSpec.of("x@" + nodeA, "localhost", 1).withTlsProfile("test"),
        refused.getRef()));
    assertEquals(ConnectionManager.OpenRejection.RESERVED_ID,
        assertInstanceOf(ConnectionManager.OpenRejected.class, refused.receiveMessage(MAX)).reason());
  }

  /** The certificates, made once per test instance. */
  private static final class TestCertsHolder {
    static TestCerts certs(ShardedConnectionsIT t) {
      if (t.certs == null) t.certs = TestCerts.generate();
      return t.certs;
    }
  }
}
