package dev.tether.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.connection.tls.ClientAuth;
import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.Direction;
import dev.tether.connection.Initiator;
import dev.tether.connection.ListenerInfo;
import dev.tether.connection.Outcome;
import dev.tether.connection.OutcomeKind;
import dev.tether.connection.tls.TlsProfileInfo;
import dev.tether.testing.Views;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The metrics subscriber, with a probe as the manager: each event's direction labels every
 * per-connection metric, without asking the manager; listener metrics are polled.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminMetricsTest {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
  private static final Duration WAIT = Duration.ofSeconds(5);
  @JUnit5TestKit final ActorTestKit testKit = ActorTestKit.create("AdminMetricsTest");

  private TestProbe<ConnectionManager.Command> manager;
  private AdminMetrics metrics;
  private ActorRef<ConnectionEvent> events;

  @BeforeEach
  void start() {
    manager = testKit.createTestProbe(ConnectionManager.Command.class);
    metrics = AdminMetrics.start(manager.ref(), testKit.system());
    events = manager.expectMessageClass(ConnectionManager.Subscribe.class).subscriber();
  }

  @Test
  void labelsEveryPerConnectionMetricWithTheDirectionItsEventsCarryWithoutAskingTheManager() {
    events.tell(state("jobs-1", 1, ConnectionState.HANDSHAKING, T0, Direction.INBOUND));
    events.tell(state("jobs-1", 1, ConnectionState.OPEN, T0.plusMillis(250), Direction.INBOUND));
    events.tell(state("api", 1, ConnectionState.CONNECTING, T0, Direction.OUTBOUND));
    events.tell(new ConnectionEvent.OutcomeReported(ConnectionId.of("api"), outcome(OutcomeKind.CONNECT_FAILED),
        Direction.OUTBOUND));
    events.tell(state("api", 2, ConnectionState.CONNECTING, T0.plusSeconds(1), Direction.OUTBOUND));

    awaitMetrics(
        "tether_connections{direction=\"inbound\",state=\"open\"} 1.0",
        "tether_connections{direction=\"inbound\",state=\"handshaking\"} 0.0",
        "tether_connections{direction=\"outbound\",state=\"open\"} 0.0",
        "tether_connections{direction=\"outbound\",state=\"connecting\"} 1.0",
        "tether_handshake_duration_seconds_count{direction=\"inbound\"} 1",
        "tether_handshake_duration_seconds_sum{direction=\"inbound\"} 0.25",
        "tether_handshake_duration_seconds_count{direction=\"outbound\"} 0",
        "tether_outcomes_total{direction=\"outbound\",kind=\"connect-failed\"} 1.0",
        "tether_outcomes_total{direction=\"inbound\",kind=\"connect-failed\"} 0.0",
        "tether_reconnects_total{direction=\"outbound\"} 1.0",
        "tether_reconnects_total{direction=\"inbound\"} 0.0");

    // Removed: the gauge goes down.
    events.tell(new ConnectionEvent.OutcomeReported(ConnectionId.of("jobs-1"), outcome(OutcomeKind.CLEAN), Direction.INBOUND));
    events.tell(new ConnectionEvent.Removed(ConnectionId.of("jobs-1"), T0.plusSeconds(2), Direction.INBOUND));
    awaitMetrics(
        "tether_connections{direction=\"inbound\",state=\"open\"} 0.0",
        "tether_outcomes_total{direction=\"inbound\",kind=\"clean\"} 1.0");
    manager.expectNoMessage(Duration.ofMillis(200)); // events alone: no Get, no ListListeners
  }

  @Test
  void aConnectionGoneAtOnceIsCountedUnderItsOwnDirectionWhateverItsId() {
    // A client that failed its handshake at once: handshaking, outcome and removal come together.
    events.tell(state("jobs-7", 1, ConnectionState.HANDSHAKING, T0, Direction.INBOUND));
    events.tell(new ConnectionEvent.OutcomeReported(ConnectionId.of("jobs-7"), outcome(OutcomeKind.HANDSHAKE_FAILED),
        Direction.INBOUND));
    events.tell(new ConnectionEvent.Removed(ConnectionId.of("jobs-7"), T0, Direction.INBOUND));
    // An outbound connection whose id looks like a listener's connection: its event says outbound.
    events.tell(new ConnectionEvent.OutcomeReported(ConnectionId.of("jobs-8"), outcome(OutcomeKind.HANDSHAKE_FAILED),
        Direction.OUTBOUND));

    awaitMetrics(
        "tether_outcomes_total{direction=\"inbound\",kind=\"handshake-failed\"} 1.0",
        "tether_outcomes_total{direction=\"outbound\",kind=\"handshake-failed\"} 1.0",
        "tether_connections{direction=\"inbound\",state=\"handshaking\"} 0.0");
    manager.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void eachScrapePollsTheListenersAndDropsTheMetricsOfOnesNoLongerListed() throws Exception {
    CompletionStage<String> first = metrics.scrape(WAIT);
    manager.expectMessageClass(ConnectionManager.ListListeners.class).replyTo().tell(new ConnectionManager.ListenerList(
        List.of(listener("jobs", 3, 10, 2, true), listener("spare", 0, 0, 0, false))));
    answerNoTlsProfiles();
    String text = first.toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertContains(text,
        "tether_listener_open_connections{listener=\"jobs\"} 3",
        "tether_listener_accepted_total{listener=\"jobs\"} 10",
        "tether_listener_rejected_total{listener=\"jobs\"} 2",
        "tether_listener_bound{listener=\"jobs\"} 1",
        "tether_listener_bound{listener=\"spare\"} 0",
        "# TYPE tether_listener_accepted_total counter");

    CompletionStage<String> second = metrics.scrape(WAIT);
    manager.expectMessageClass(ConnectionManager.ListListeners.class).replyTo()
        .tell(new ConnectionManager.ListenerList(List.of(listener("jobs", 1, 12, 2, true))));
    answerNoTlsProfiles();
    String later = second.toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertContains(later, "tether_listener_open_connections{listener=\"jobs\"} 1", "tether_listener_accepted_total{listener=\"jobs\"} 12");
    assertFalse(later.contains("listener=\"spare\""), later);
  }

  @Test
  void aScrapeTheManagerDoesNotAnswerStillRendersTheLastListenerValues() throws Exception {
    CompletionStage<String> first = metrics.scrape(WAIT);
    manager.expectMessageClass(ConnectionManager.ListListeners.class).replyTo()
        .tell(new ConnectionManager.ListenerList(List.of(listener("jobs", 3, 10, 2, true))));
    answerNoTlsProfiles();
    first.toCompletableFuture().get(5, TimeUnit.SECONDS);

    CompletionStage<String> unanswered = metrics.scrape(Duration.ofMillis(200));
    manager.expectMessageClass(ConnectionManager.ListListeners.class); // no reply
    manager.expectMessageClass(ConnectionManager.ListTlsProfiles.class); // no reply
    assertContains(unanswered.toCompletableFuture().get(5, TimeUnit.SECONDS),
        "tether_listener_open_connections{listener=\"jobs\"} 3", "tether_connections{direction=\"outbound\",state=\"open\"} 0");
  }

  @Test
  void eachScrapeShowsTheSecondsUntilEachProfilesCertificateExpires() throws Exception {
    Instant notAfter = Instant.now().plus(Duration.ofHours(1));
    CompletionStage<String> first = metrics.scrape(WAIT);
    manager.expectMessageClass(ConnectionManager.ListListeners.class).replyTo()
        .tell(new ConnectionManager.ListenerList(List.of()));
    manager.expectMessageClass(ConnectionManager.ListTlsProfiles.class).replyTo().tell(new ConnectionManager.TlsProfileList(
        List.of(profile("client", Optional.of(notAfter)), profile("trust-only", Optional.empty())), Optional.empty()));
    String text = first.toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertContains(text, "# TYPE tether_tls_certificate_expiry_seconds gauge");
    double seconds = gauge(text, "tether_tls_certificate_expiry_seconds{profile=\"client\"}");
    assertTrue(seconds > 3500 && seconds <= 3600, text);
    assertFalse(text.contains("profile=\"trust-only\""), text); // no certificate, nothing to expire

    // After a reload with an expired certificate: negative; a profile no longer listed loses its meter.
    CompletionStage<String> second = metrics.scrape(WAIT);
    manager.expectMessageClass(ConnectionManager.ListListeners.class).replyTo()
        .tell(new ConnectionManager.ListenerList(List.of()));
    manager.expectMessageClass(ConnectionManager.ListTlsProfiles.class).replyTo().tell(new ConnectionManager.TlsProfileList(
        List.of(profile("client", Optional.of(Instant.now().minus(Duration.ofMinutes(10))))), Optional.empty()));
    double expired = gauge(second.toCompletableFuture().get(5, TimeUnit.SECONDS),
        "tether_tls_certificate_expiry_seconds{profile=\"client\"}");
    assertTrue(expired < -500 && expired >= -700, "expired " + expired);

    CompletionStage<String> third = metrics.scrape(WAIT);
    manager.expectMessageClass(ConnectionManager.ListListeners.class).replyTo()
        .tell(new ConnectionManager.ListenerList(List.of()));
    answerNoTlsProfiles();
    assertFalse(third.toCompletableFuture().get(5, TimeUnit.SECONDS).contains("tether_tls_certificate_expiry_seconds{"));
  }

  // ---------------------------------------------------------------- helpers

  private void answerNoTlsProfiles() {
    manager.expectMessageClass(ConnectionManager.ListTlsProfiles.class).replyTo()
        .tell(new ConnectionManager.TlsProfileList(List.of(), Optional.empty()));
  }

  private static TlsProfileInfo profile(String name, Optional<Instant> notAfter) {
    return new TlsProfileInfo(name, true, notAfter.map(t -> "CN=" + name), notAfter.map(t -> "CN=ca"), notAfter,
        Optional.of(1), Optional.of(T0), java.util.Map.of(), false, 0, Optional.empty(), Optional.empty());
  }

  /** The value of one sample line of the exposition. */
  private static double gauge(String text, String sample) {
    return text.lines().filter(l -> l.startsWith(sample + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(sample.length() + 1).trim()))
        .orElseThrow(() -> new AssertionError("missing: " + sample + "\n" + text));
  }

  /** Waits (bounded) until the recorder has applied what the assertions need. */
  private void awaitMetrics(String... lines) {
    manager.awaitAssert(WAIT, () -> {
      assertContains(metrics.scrapeNow(), lines);
      return null;
    });
  }

  private static void assertContains(String text, String... lines) {
    for (String line : lines) assertTrue(text.contains(line), "missing: " + line + "\n" + text);
  }

  private static ConnectionEvent.StateChanged state(String id, long incarnation, ConnectionState s, Instant at,
      Direction direction) {
    return new ConnectionEvent.StateChanged(ConnectionId.of(id), incarnation, s, at, direction, Optional.empty());
  }

  private static Outcome outcome(OutcomeKind kind) {
    return new Outcome(kind, Initiator.PEER, "test", T0, 1, 0, 0, Duration.ofSeconds(1));
  }

  private static ListenerInfo listener(String name, int open, long accepted, long rejected, boolean bound) {
    return new ListenerInfo(name, "127.0.0.1", 8443, "demo", ClientAuth.NONE, "jobs", bound, open, 1024, accepted, rejected,
        bound ? Optional.empty() : Optional.of("stopped"));
  }

  private static ConnectionView view(String id, Direction direction) {
    return Views.of(id, "127.0.0.1", 1).since(T0).direction(direction)
        .listener(direction == Direction.INBOUND ? Optional.of("jobs") : Optional.empty()).build();
  }
}
