package dev.tether.admin;

import dev.tether.admin.service.AdminHttpServer;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.admin.json.JsonSupport;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ListenerSpec;
import dev.tether.testing.TetherFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;

/**
 * The admin routes for real: a manager with Tether's own echo listener as the peer (so there are
 * connections in both directions), the routes bound by {@link AdminHttpServer} on 127.0.0.1 (the
 * fixture's configuration must set {@code tether.admin.port = 0}), and a JDK HTTP client, so that
 * requests come from a real socket with a real client address.
 */
final class LiveAdmin {
  final TetherFixture fx;
  final TetherFixture.Manager manager;
  /** The echo listener's port. */
  final int echoPort;
  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A JSON answer. */
  record Answer(int status, JsonNode body) {}

  LiveAdmin(TetherFixture fx, ConnectionManagerSettings settings) {
    this.fx = fx;
    this.manager = fx.manager(settings.withTlsProfile(
        fx.certs().identityProfile("server", "localhost", "other", List.of("TLSv1.3"))));
    TestProbe<ConnectionManager.ListenerResult> started = fx.testKit.createTestProbe();
    manager.ref.tell(new ConnectionManager.StartListener(ListenerSpec.of("echo", "127.0.0.1", 0, "server", "echo",
        fx.fastSettings()), started.getRef()));
    this.echoPort = assertInstanceOf(ConnectionManager.ListenerStarted.class, started.receiveMessage(TetherFixture.MAX))
        .info().port();
    var system = fx.testKit.system();
    ConnectionSettings defaults = settings.defaults();
    var routes = AdminRoutes.create(manager.ref, system, AdminSettings.create(system), defaults,
        AdminMetrics.start(manager.ref, system));
    // Bound as the service binds them (which also turns on the client address attribute).
    var address = AdminHttpServer.start(routes, system, AdminSettings.create(system)).toCompletableFuture().join();
    this.base = "http://127.0.0.1:" + address.getPort();
  }

  /** {@code http://127.0.0.1:<port>}. */
  String base() {
    return base;
  }

  Answer get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  Answer delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  Answer post(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** Opens an outbound connection over REST: to the echo listener, or to {@code port}. */
  Answer open(String id, int port, String extraJson) {
    return send(HttpRequest.newBuilder(URI.create(base + "/connections")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\": \"" + id + "\", \"host\": \"localhost\", \"port\": " + port
            + ", \"tlsProfile\": \"test\"" + extraJson + "}")));
  }

  private Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), JsonSupport.mapper().readTree(r.body()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
