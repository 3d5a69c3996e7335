package dev.tether.admin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.RouteResult;
import org.apache.pekko.http.javadsl.testkit.RouteTest;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import scala.concurrent.Future;

/**
 * Route tests on JUnit 5. Pekko HTTP 1.x's {@code JUnitRouteTestBase} asserts through JUnit 4's
 * {@code org.junit.Assert} and its {@code ActorSystemResource} is a JUnit 4 rule, so this base
 * extends {@link RouteTest} directly: one typed {@link ActorTestKit} per test, and results that
 * assert with JUnit 5. No JUnit 4 is on the classpath.
 */
@ExtendWith(LogCapturingExtension.class)
public abstract class JUnit5RouteTest extends RouteTest {
  private ActorTestKit testKit;

  /** The configuration of each test's actor system; override to add keys. */
  protected Config config() {
    return ConfigFactory.load();
  }

  @BeforeEach
  void startTestKit() {
    testKit = ActorTestKit.create(getClass().getSimpleName(), config());
  }

  @AfterEach
  void shutdownTestKit() {
    testKit.shutdownTestKit();
  }

  protected ActorTestKit testKit() {
    return testKit;
  }

  @Override
  public ActorSystem system() {
    return Adapter.toClassic(testKit.system());
  }

  @Override
  public Materializer materializer() {
    return Materializer.matFromSystem(testKit.system());
  }

  @Override
  public TestRouteResult createTestRouteResultAsync(HttpRequest request, Future<RouteResult> result) {
    return new TestRouteResult(result, awaitDuration(), system().dispatcher(), materializer()) {
      @Override
      public void fail(String message) {
        Assertions.fail(message);
      }

      @Override
      public void assertEquals(Object expected, Object actual, String message) {
        Assertions.assertEquals(expected, actual, message);
      }

      @Override
      public void assertEquals(int expected, int actual, String message) {
        Assertions.assertEquals(expected, actual, message);
      }

      @Override
      public void assertTrue(boolean predicate, String message) {
        Assertions.assertTrue(predicate, message);
      }
    };
  }
}
