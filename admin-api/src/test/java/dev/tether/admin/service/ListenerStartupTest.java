package dev.tether.admin.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import dev.tether.connection.tls.ClientAuth;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.ListenerInfo;
import dev.tether.connection.ListenerSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The start-up check of the configured listeners: its decision as a table, then the polling actor with a probe. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListenerStartupTest {
  private static final Map<String, String> JOBS_AND_ADMIN = new TreeMap<>(Map.of("jobs", "127.0.0.1:8443", "admin", "[::1]:9443"));
  private static final Duration POLL = Duration.ofMillis(20);

  @JUnit5TestKit final ActorTestKit testKit = ActorTestKit.create("ListenerStartupTest");

  // ---------------------------------------------------------------- the decision

  @Test
  void readyOnceEveryConfiguredListenerIsBoundInNameOrder() {
    var r = ListenerStartup.check(JOBS_AND_ADMIN, List.of(bound("jobs"), bound("admin"), bound("other")));
    ListenerStartup.Ready ready = assertInstanceOf(ListenerStartup.Ready.class, r.orElseThrow());
    assertEquals(List.of("admin", "jobs"), ready.listeners().stream().map(ListenerInfo::name).toList());
  }

  @Test
  void waitsWhileAListenerIsBindingOrNotListedYet() {
    assertEquals(Optional.empty(), ListenerStartup.check(JOBS_AND_ADMIN, List.of(bound("jobs"), binding("admin"))));
    assertEquals(Optional.empty(), ListenerStartup.check(JOBS_AND_ADMIN, List.of(bound("jobs"))));
    assertEquals(Optional.empty(), ListenerStartup.check(JOBS_AND_ADMIN, List.of()));
  }

  @Test
  void failsAsSoonAsAnyListenerHasAProblemNamingItAndItsAddress() {
    var r = ListenerStartup.check(JOBS_AND_ADMIN, List.of(binding("admin"), failed("jobs", "Address already in use")));
    assertEquals(Optional.of(new ListenerStartup.Failed("listener 'jobs' cannot accept on 127.0.0.1:8443: Address already in use")), r);
    var both = ListenerStartup.check(JOBS_AND_ADMIN, List.of(failed("admin", "Permission denied"), failed("jobs", "in use")));
    assertEquals(Optional.of(new ListenerStartup.Failed("listener 'admin' cannot accept on [::1]:9443: Permission denied; "
        + "listener 'jobs' cannot accept on 127.0.0.1:8443: in use")), both);
    // A listener that is not configured is not the service's business.
    assertEquals(Optional.empty(), ListenerStartup.check(JOBS_AND_ADMIN, List.of(bound("jobs"), failed("host-own", "x"))));
  }

  @Test
  void theDeadlineNamesTheListenersNotBoundInTheLastListing() {
    assertEquals(new ListenerStartup.Failed("listeners not bound within 10s: 'admin' on [::1]:9443"),
        ListenerStartup.timedOut(JOBS_AND_ADMIN, List.of(bound("jobs"), binding("admin")), Duration.ofSeconds(10)));
    assertEquals(new ListenerStartup.Failed("listeners not bound within 1500ms: 'admin' on [::1]:9443, 'jobs' on 127.0.0.1:8443"),
        ListenerStartup.timedOut(JOBS_AND_ADMIN, List.of(), Duration.ofMillis(1500)));
  }

  // ---------------------------------------------------------------- the actor

  @Test
  void pollsUntilBound() {
    TestProbe<ConnectionManager.Command> manager = testKit.createTestProbe(ConnectionManager.Command.class);
    TestProbe<ListenerStartup.Result> result = testKit.createTestProbe(ListenerStartup.Result.class);
    testKit.spawn(ListenerStartup.create(manager.ref(), List.of(spec("jobs")), POLL, Duration.ofSeconds(30), result.ref()));
    manager.expectMessageClass(ConnectionManager.ListListeners.class).replyTo()
        .tell(new ConnectionManager.ListenerList(List.of()));
    manager.expectMessageClass(ConnectionManager.ListListeners.class).replyTo()
        .tell(new ConnectionManager.ListenerList(List.of(binding("jobs"))));
    result.expectNoMessage(Duration.ofMillis(50));
    manager.expectMessageClass(ConnectionManager.ListListeners.class).replyTo()
        .tell(new ConnectionManager.ListenerList(List.of(bound("jobs"))));
    assertEquals(new ListenerStartup.Ready(List.of(bound("jobs"))), result.receiveMessage());
    manager.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void reportsABindFailure() {
    TestProbe<ConnectionManager.Command> manager = testKit.createTestProbe(ConnectionManager.Command.class);
    TestProbe<ListenerStartup.Result> result = testKit.createTestProbe(ListenerStartup.Result.class);
    testKit.spawn(ListenerStartup.create(manager.ref(), List.of(spec("jobs")), POLL, Duration.ofSeconds(30), result.ref()));
    manager.expectMessageClass(ConnectionManager.ListListeners.class).replyTo()
        .tell(new ConnectionManager.ListenerList(List.of(failed("jobs", "Address already in use"))));
    assertEquals(new ListenerStartup.Failed("listener 'jobs' cannot accept on 127.0.0.1:8443: Address already in use"),
        result.receiveMessage());
  }

  @Test
  void aManagerThatDoesNotAnswerIsAskedAgainUntilTheDeadline() {
    TestProbe<ConnectionManager.Command> manager = testKit.createTestProbe(ConnectionManager.Command.class);
    TestProbe<ListenerStartup.Result> result = testKit.createTestProbe(ListenerStartup.Result.class);
    testKit.spawn(ListenerStartup.create(manager.ref(), List.of(spec("jobs")), POLL, Duration.ofMillis(500), result.ref()));
    manager.expectMessageClass(ConnectionManager.ListListeners.class); // never answered: the ask times out
    manager.expectMessageClass(ConnectionManager.ListListeners.class);
    assertEquals(new ListenerStartup.Failed("listeners not bound within 500ms: 'jobs' on 127.0.0.1:8443"),
        result.receiveMessage(Duration.ofSeconds(5)));
  }

  @Test
  void noConfiguredListenersIsReadyAtOnceWithoutAsking() {
    TestProbe<ConnectionManager.Command> manager = testKit.createTestProbe(ConnectionManager.Command.class);
    TestProbe<ListenerStartup.Result> result = testKit.createTestProbe(ListenerStartup.Result.class);
    testKit.spawn(ListenerStartup.create(manager.ref(), List.of(), POLL, Duration.ofSeconds(30), result.ref()));
    assertEquals(new ListenerStartup.Ready(List.of()), result.receiveMessage());
    manager.expectNoMessage(Duration.ofMillis(100));
  }

  // ---------------------------------------------------------------- helpers

  private static ListenerSpec spec(String name) {
    return ListenerSpec.of(name, "127.0.0.1", 8443, "demo", "jobs",
        ConnectionManagerSettings.create(ConfigFactory.defaultReference()).defaults());
  }

  private static ListenerInfo bound(String name) {
    return info(name, true, Optional.empty());
  }

  private static ListenerInfo binding(String name) {
    return info(name, false, Optional.empty());
  }

  private static ListenerInfo failed(String name, String problem) {
    return info(name, false, Optional.of(problem));
  }

  private static ListenerInfo info(String name, boolean bound, Optional<String> problem) {
    return new ListenerInfo(name, "127.0.0.1", 8443, "demo", ClientAuth.NONE, "jobs", bound, 0, 1024, 0, 0, problem);
  }
}
