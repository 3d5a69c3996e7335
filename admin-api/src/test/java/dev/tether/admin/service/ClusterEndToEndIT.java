package dev.tether.admin.service;

import org.junit.jupiter.api.Tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.admin.json.JsonSupport;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode with three real service processes on loopback, configured only through the
 * environment variables of the root application.conf: they form one cluster, every node's
 * {@code GET /cluster} shows the three, and after {@code kill -9} of one the Split Brain Resolver
 * removes it (stable-after shortened for the test). Each member's connection counts come from its own
 * manager; an unreachable member's are reported missing. A connection opened through one node runs
 * where sharding places it, is reached by id from any node, and after {@code kill -9} of its node
 * is managed again by a survivor. ({@link ClusterFailoverEndToEndIT} does the same with real peers.)
 */
@Tag("cluster")
@Tag("service")
class ClusterEndToEndIT {
  @TempDir Path dir;
  private ServiceCluster cluster;

  @AfterEach
  void stop() throws InterruptedException {
    if (cluster != null) cluster.close();
  }

  @Test
  void threeNodesFormOneClusterAndACrashedOneIsRemoved() throws Exception {
    cluster = new ServiceCluster(dir, 3, List.of("-Dpekko.cluster.split-brain-resolver.stable-after=10s"));
    for (int i = 0; i < 3; i++) cluster.start(i);
    List<String> nodes = List.of(cluster.node(0), cluster.node(1), cluster.node(2));
    for (int i = 0; i < 3; i++) {
      cluster.awaitAllUp(i, 3);
      assertEquals(new TreeSet<>(nodes), cluster.awaitMembers(i, m -> true, "members").keySet());
      assertEquals(nodes.get(i), cluster.getJson(i, "/cluster").get("self").asText());
    }

    // A connection opened through node 2 (to a port where nothing listens, so it keeps retrying)
    // runs wherever sharding places it; its view says where, and every member's counts agree.
    HttpResponse<String> opened = cluster.request(1, "POST", "/connections",
        "{\"id\":\"sharded-1\",\"host\":\"127.0.0.1\",\"port\":" + ServiceCluster.freePort() + "}");
    assertEquals(201, opened.statusCode(), opened.body());
    String hostNode = JsonSupport.mapper().readTree(opened.body()).get("node").asText();
    int host = nodes.indexOf(hostNode);
    assertTrue(host >= 0, "views name their member: " + opened.body());
    int asker = (host + 1) % 3;
    int third = (host + 2) % 3;
    // The first answers between fresh JVMs can be slow (cold serializers): wait for a complete view.
    JsonNode view = cluster.await(asker, "/cluster", v -> !v.get("partial").asBoolean(), "a complete view");
    for (JsonNode member : view.get("members")) {
      int expected = member.get("node").asText().equals(hostNode) ? 1 : 0;
      assertEquals(expected, member.get("connections").get("total").asInt(), view.toString());
    }
    // Reached by id from a member that does not run it, and listed by every member.
    assertEquals(hostNode, cluster.getJson(third, "/connections/sharded-1").get("node").asText());
    JsonNode listed = cluster.getJson(third, "/connections");
    assertEquals(false, listed.get("partial").asBoolean(), listed.toString());
    assertEquals(List.of("sharded-1"), ids(listed.get("connections")), listed.toString());

    cluster.kill9(host);
    cluster.awaitMembers(asker, m -> "up:false".equals(m.get(hostNode)), "the host seen unreachable");
    // While it is unreachable, its counts cannot be had: said so, not left out.
    JsonNode partial = cluster.await(asker, "/cluster", v -> v.get("partial").asBoolean(), "the host missing");
    assertEquals(hostNode, partial.get("missing").get(0).asText(), partial.toString());
    SortedMap<String, String> after = cluster.awaitMembers(asker, m -> !m.containsKey(hostNode) && m.size() == 2,
        "the host removed by the Split Brain Resolver");
    assertEquals(new TreeSet<>(List.of(nodes.get(asker), nodes.get(third))), after.keySet());
    // Its connection is managed again, by a survivor (its spec was stored on a majority).
    JsonNode moved = cluster.await(third, "/connections/sharded-1", v -> !v.get("node").asText().equals(hostNode),
        "sharded-1 managed by a survivor");
    assertTrue(List.of(nodes.get(asker), nodes.get(third)).contains(moved.get("node").asText()), moved.toString());
  }

  static List<String> ids(JsonNode connections) {
    List<String> ids = new ArrayList<>();
    connections.forEach(c -> ids.add(c.get("id").asText()));
    return ids;
  }
}
