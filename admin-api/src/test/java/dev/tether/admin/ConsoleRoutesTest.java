package dev.tether.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionManagerSettings;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console page and its assets: served from the jar, without a token, with a strict policy. */
class ConsoleRoutesTest extends JUnit5RouteTest {

  private TestProbe<ConnectionManager.Command> manager;
  private TestRoute route;

  @BeforeEach
  void createRoutes() {
    manager = testKit().createTestProbe(ConnectionManager.Command.class);
    // With a token: the page must still be served without one, and data must not be.
    AdminSettings settings = AdminSettings.create(testKit().system()).withToken(Optional.of("s3cret"));
    route = testRoute(AdminRoutes.seal(AdminRoutes.create(manager.ref(), testKit().system(), settings,
        ConnectionManagerSettings.create(ConfigFactory.defaultReference()).defaults(), AdminMetrics.start(manager.ref(), testKit().system()))));
  }

  @Test
  void servesThePageAtTheRootAndUnderUiWithoutAToken() {
    for (String path : new String[] {"/", "/ui/"}) {
      TestRouteResult page = route.run(HttpRequest.GET(path)).assertStatusCode(200);
      assertEquals("text/html; charset=UTF-8", page.response().entity().getContentType().toString(), path);
      assertTrue(page.entityString().contains("<script src=\"/ui/console.js\""), page.entityString());
      String csp = page.response().getHeader("Content-Security-Policy").orElseThrow().value();
      assertTrue(csp.contains("default-src 'none'") && csp.contains("form-action 'none'"), csp);
    }
    route.run(HttpRequest.GET("/ui")).assertStatusCode(301).assertHeaderExists("Location", "/ui/");
  }

  @Test
  void servesTheAssetsWithTheirTypes() {
    TestRouteResult js = route.run(HttpRequest.GET("/ui/console.js")).assertStatusCode(200);
    assertTrue(js.response().entity().getContentType().toString().startsWith("application/javascript"));
    assertTrue(js.entityString().contains("sessionStorage"));
    TestRouteResult css = route.run(HttpRequest.GET("/ui/console.css")).assertStatusCode(200);
    assertTrue(css.response().entity().getContentType().toString().startsWith("text/css"));
  }

  @Test
  void servesNothingElseAndKeepsTheDataBehindTheToken() {
    route.run(HttpRequest.GET("/ui/index.html")).assertStatusCode(404);
    route.run(HttpRequest.GET("/ui/../reference.conf")).assertStatusCode(404);
    route.run(HttpRequest.GET("/ui/ConsoleRoutes.class")).assertStatusCode(404);
    route.run(HttpRequest.PUT("/nope")).assertStatusCode(404);
    route.run(HttpRequest.POST("/")).assertStatusCode(405);
    route.run(HttpRequest.GET("/connections")).assertStatusCode(401);
    route.run(HttpRequest.GET("/events")).assertStatusCode(401);
  }
}
