package dev.tether.admin.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterBootstrapTest {
  private static Config with(String text) {
    return ConfigFactory.parseString(text).withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void offLeavesTheConfigurationAlone() {
    Config c = with("tether.cluster.enabled = off, tether.cluster.seeds = \"a:1\"");
    assertSame(c, ClusterBootstrap.apply(c));
  }

  @Test
  void onSelectsTheClusterProviderAndTurnsSeedsIntoPekkoSeedNodes() {
    Config c = ClusterBootstrap.apply(with("tether.cluster.enabled = on, tether.cluster.seeds = \" 10.0.0.1:2552 ,host-b:2553\""));
    assertEquals("cluster", c.getString("pekko.actor.provider"));
    assertEquals(List.of("pekko://tether@10.0.0.1:2552", "pekko://tether@host-b:2553"), c.getStringList("pekko.cluster.seed-nodes"));
  }

  @Test
  void withoutSeedsPekkosOwnSeedNodesStay() {
    Config c = ClusterBootstrap.apply(with("tether.cluster.enabled = on, pekko.cluster.seed-nodes = [\"pekko://tether@x:1\"]"));
    assertEquals(List.of("pekko://tether@x:1"), c.getStringList("pekko.cluster.seed-nodes"));
  }

  @Test
  void aMalformedSeedNamesTheKey() {
    for (String bad : List.of("nohost", "h:", ":2552", "h:0", "h:70000", "h:port")) {
      String message = assertThrows(IllegalArgumentException.class,
          () -> ClusterBootstrap.seedNodes("ok:1," + bad)).getMessage();
      assertTrue(message.contains("tether.cluster.seeds") && message.contains("'" + bad + "'"), message);
    }
  }
}
