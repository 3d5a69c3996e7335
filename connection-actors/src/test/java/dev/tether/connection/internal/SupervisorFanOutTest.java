package dev.tether.connection.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.internal.lifecycle.ConnectionSupervisor;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fan-out behind {@code CloseAll} with a window ({@code tether.max-concurrent-closes}): probes
 * stand in for the supervisors, so the test sees exactly which were asked when. No TLS, no timer.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
class SupervisorFanOutTest {
  @JUnit5TestKit final ActorTestKit testKit = ActorTestKit.create("SupervisorFanOutTest");
  private static final Duration QUIET = Duration.ofMillis(200);

  private final Map<ConnectionId, TestProbe<ConnectionSupervisor.Command>> supervisors = new LinkedHashMap<>();
  private final TestProbe<List<ConnectionManager.CloseResult>> done = testKit.createTestProbe();

  private void start(int connections, int window) {
    // Inserted out of order: the fan-out asks in id order.
    for (int i = connections - 1; i >= 0; i--) supervisors.put(ConnectionId.of("c-" + i), testKit.createTestProbe());
    Map<ConnectionId, ActorRef<ConnectionSupervisor.Command>> refs =
        supervisors.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getRef()));
    testKit.spawn(SupervisorFanOut.create(refs, ConnectionManager.CloseResult.class,
        (id, replyTo) -> new ConnectionSupervisor.Request(new ConnectionManager.Close(id, Optional.empty(), replyTo)),
        r -> Optional.of(r.id()),
        done.getRef()::tell,
        window).narrow());
  }

  private ConnectionManager.Close asked(int i) {
    var request = supervisors.get(ConnectionId.of("c-" + i)).expectMessageClass(ConnectionSupervisor.Request.class);
    return (ConnectionManager.Close) request.request();
  }

  private void notAskedYet(int... indexes) {
    for (int i : indexes) supervisors.get(ConnectionId.of("c-" + i)).expectNoMessage(QUIET);
  }

  @Test
  void asksAtMostWindowAtOnceAndTheNextAsEachAnswers() {
    start(5, 2);
    ConnectionManager.Close first = asked(0);
    ConnectionManager.Close second = asked(1);
    notAskedYet(2, 3, 4);

    second.replyTo().tell(new ConnectionManager.UnknownConnection(second.id()));
    ConnectionManager.Close third = asked(2);
    notAskedYet(3, 4);

    first.replyTo().tell(new ConnectionManager.UnknownConnection(first.id()));
    third.replyTo().tell(new ConnectionManager.UnknownConnection(third.id()));
    ConnectionManager.Close fourth = asked(3);
    ConnectionManager.Close fifth = asked(4);
    done.expectNoMessage(QUIET);

    fourth.replyTo().tell(new ConnectionManager.UnknownConnection(fourth.id()));
    fifth.replyTo().tell(new ConnectionManager.UnknownConnection(fifth.id()));
    assertEquals(5, done.receiveMessage().size());
  }

  @Test
  void aSupervisorThatStopsFreesItsPlace() {
    start(3, 1);
    asked(0);
    notAskedYet(1, 2);
    supervisors.get(ConnectionId.of("c-0")).stop(); // its connection was closed meanwhile: no answer comes
    ConnectionManager.Close next = asked(1);
    next.replyTo().tell(new ConnectionManager.UnknownConnection(next.id()));
    ConnectionManager.Close last = asked(2);
    last.replyTo().tell(new ConnectionManager.UnknownConnection(last.id()));
    assertEquals(2, done.receiveMessage().size(), "the stopped one answered nothing");
  }

  @Test
  void withoutWindowEveryoneIsAskedAtOnce() {
    start(4, SupervisorFanOut.UNBOUNDED);
    List<ConnectionManager.Close> all = List.of(asked(0), asked(1), asked(2), asked(3));
    all.forEach(c -> c.replyTo().tell(new ConnectionManager.UnknownConnection(c.id())));
    assertEquals(4, done.receiveMessage().size());
  }

  @Test
  void noSupervisorsAnswersAtOnce() {
    start(0, 3);
    assertEquals(List.of(), done.receiveMessage());
  }
}
