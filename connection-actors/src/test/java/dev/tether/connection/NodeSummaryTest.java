package dev.tether.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.testing.TetherFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** On one node (cluster mode off), SummarizeNodes answers with this node's own counts. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
class NodeSummaryTest {
  final TetherFixture fx = new TetherFixture("NodeSummaryTest");
  @JUnit5TestKit final ActorTestKit testKit = fx.testKit;

  @Test
  void oneNodeSummarizesItself() throws Exception {
    var m = fx.managerWithoutPeer();
    int nobody;
    try (var s = new java.net.ServerSocket(0)) {
      nobody = s.getLocalPort(); // closed again: connecting there is refused
    }
    m.open("lonely", nobody, "test", fx.fastSettings());
    m.awaitState("lonely", ConnectionState.BACKOFF);
    TestProbe<ConnectionManager.NodeSummaries> reply = testKit.createTestProbe();
    m.ref.tell(new ConnectionManager.SummarizeNodes(Duration.ofSeconds(3), reply.getRef()));
    ConnectionManager.NodeSummaries s = reply.receiveMessage();
    assertEquals(List.of(), s.missing());
    assertEquals(1, s.nodes().size());
    assertEquals(1, s.nodes().get(0).total());
    assertEquals(Map.of("outbound", 1), s.nodes().get(0).byDirection());
  }
}
