package dev.tether.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The cluster-scale run's client of the nodes' REST API, one job: the requests it makes (each with
 * its own time bound) and the answers it reads: {@code POST /connections}, {@code GET
 * /connections[/{id}]} and {@code GET /cluster}. The phases decide what to ask and what the
 * answers mean.
 */
final class AdminClient {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .executor(Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "http");
        t.setDaemon(true);
        return t;
      }))
      .build();

  /** {@code POST /connections} of this body to {@code n}, answered within 30 s. */
  CompletableFuture<HttpResponse<String>> post(ScaleNode n, String body) {
    HttpRequest req = HttpRequest.newBuilder(n.uri("/connections"))
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
  }

  /** {@code GET /connections} of {@code n}: every connection of the cluster, answered within 120 s. */
  HttpResponse<byte[]> list(ScaleNode n) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(n.uri("/connections")).timeout(Duration.ofSeconds(120)).GET().build();
    return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
  }

  /** {@code GET /connections/{id}} of {@code n}, answered within 30 s. */
  HttpResponse<String> get(ScaleNode n, String id) throws IOException, InterruptedException {
    return http.send(byId(n, id), HttpResponse.BodyHandlers.ofString());
  }

  CompletableFuture<HttpResponse<String>> getAsync(ScaleNode n, String id) {
    return http.sendAsync(byId(n, id), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest byId(ScaleNode n, String id) {
    return HttpRequest.newBuilder(n.uri("/connections/" + id)).timeout(Duration.ofSeconds(30)).GET().build();
  }

  record Member(String node, String status, boolean reachable, Integer total, Map<String, Integer> byState) {}

  record ClusterView(String self, List<Member> members, boolean partial, List<String> missing) {
    long count(String state) {
      return members.stream().filter(m -> m.byState != null).mapToLong(m -> m.byState.getOrDefault(state, 0)).sum();
    }

    Optional<Member> member(String node) {
      return members.stream().filter(m -> m.node.equals(node)).findFirst();
    }

    String describe() {
      return members.stream().map(m -> m.node + " " + m.status + (m.reachable ? "" : "/unreachable") + " "
              + (m.byState == null ? "(no answer)" : m.byState.toString()))
          .collect(Collectors.joining("; ")) + (partial ? " partial, missing " + missing : "");
    }
  }

  ClusterView cluster(ScaleNode n, Duration timeout) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(n.uri("/cluster")).timeout(timeout).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IOException("GET /cluster on " + n.name() + ": " + r.statusCode() + " " + r.body());
    JsonNode body = JSON.readTree(r.body());
    List<Member> members = new ArrayList<>();
    for (JsonNode m : body.path("members")) {
      JsonNode c = m.path("connections");
      Map<String, Integer> byState = null;
      Integer count = null;
      if (c.isObject()) {
        byState = new TreeMap<>();
        Map<String, Integer> s = byState;
        c.path("byState").fields().forEachRemaining(e -> s.put(e.getKey(), e.getValue().asInt()));
        count = c.path("total").asInt();
      }
      members.add(new Member(m.path("node").asText(), m.path("status").asText(), m.path("reachable").asBoolean(), count, byState));
    }
    List<String> missing = new ArrayList<>();
    body.path("missing").forEach(m -> missing.add(m.asText()));
    return new ClusterView(body.path("self").asText(), members, body.path("partial").asBoolean(), missing);
  }

  /** The views of these ids: from a complete listing of a node if it has one, else one GET per id (16 in flight). */
  Map<String, JsonNode> viewsOf(List<String> ids, List<ScaleNode> askers) throws Exception {
    Map<String, JsonNode> views = new HashMap<>();
    for (ScaleNode asker : askers) {
      HttpResponse<byte[]> r = list(asker);
      if (r.statusCode() == 200) {
        JsonNode body = JSON.readTree(r.body());
        if (!body.path("partial").asBoolean()) {
          body.path("connections").forEach(c -> views.put(c.path("id").asText(), c));
          if (views.keySet().containsAll(ids)) return views;
        }
      }
    }
    views.clear();
    Semaphore window = new Semaphore(16);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    Map<String, JsonNode> got = Collections.synchronizedMap(new HashMap<>());
    int k = 0;
    for (String id : ids) {
      ScaleNode asker = askers.get(k++ % askers.size());
      window.acquire();
      all.add(getAsync(asker, id)
          .handle((r, e) -> {
            window.release();
            if (e == null && r.statusCode() == 200) {
              try {
                got.put(id, JSON.readTree(r.body()));
              } catch (IOException ignored) {
                // counted as no view
              }
            }
            return null;
          }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    return got;
  }
}
