package dev.tether.connection.internal.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tether.connection.ConnectionId;
import dev.tether.connection.journal.ConnectionJournal;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.journal.JournalEntry;
import dev.tether.connection.journal.JournalEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The journal's ring: oldest first, the oldest dropped at capacity, states chained by their predecessor. */
class JournalTest {
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  private static final ConnectionId ID = ConnectionId.of("j");

  private static JournalEvent rtt(int millis) {
    return new JournalEvent.RttMeasured(Duration.ofMillis(millis));
  }

  private static List<Long> rttMillis(ConnectionJournal j) {
    return j.events().stream().map(e -> ((JournalEvent.RttMeasured) e.event()).rtt().toMillis()).toList();
  }

  @Test
  void keepsEverythingOldestFirstBelowCapacity() {
    Journal j = new Journal(200);
    for (int i = 0; i < 20; i++) j.add(T0.plusSeconds(i), 1, rtt(i)); // past the first growth (8, 16, 32)
    ConnectionJournal snapshot = j.snapshot(ID);
    assertEquals(200, snapshot.capacity());
    assertEquals(20, snapshot.events().size());
    assertEquals(java.util.stream.LongStream.range(0, 20).boxed().toList(), rttMillis(snapshot));
    assertEquals(T0, snapshot.events().get(0).at());
  }

  @Test
  void dropsTheOldestAtCapacityAndWrapsAroundRepeatedly() {
    Journal j = new Journal(5);
    for (int i = 0; i < 5; i++) j.add(T0, 1, rtt(i));
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), rttMillis(j.snapshot(ID)));
    j.add(T0, 2, rtt(5));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), rttMillis(j.snapshot(ID)));
    for (int i = 6; i < 13; i++) j.add(T0, 2, rtt(i));
    assertEquals(List.of(8L, 9L, 10L, 11L, 12L), rttMillis(j.snapshot(ID)));
  }

  @Test
  void aCapacityOfOneKeepsTheLatest() {
    Journal j = new Journal(1);
    j.add(T0, 1, rtt(1));
    j.add(T0, 1, rtt(2));
    assertEquals(List.of(2L), rttMillis(j.snapshot(ID)));
    assertThrows(IllegalArgumentException.class, () -> new Journal(0));
  }

  @Test
  void eachStateChangeNamesTheStateItLeft() {
    Journal j = new Journal(10);
    j.stateChanged(T0, 1, ConnectionState.CONNECTING);
    j.stateChanged(T0, 1, ConnectionState.OPEN);
    j.stateChanged(T0, 1, ConnectionState.BACKOFF);
    List<JournalEntry> events = j.entries();
    assertEquals(new JournalEvent.StateChanged(Optional.empty(), ConnectionState.CONNECTING), events.get(0).event());
    assertEquals(new JournalEvent.StateChanged(Optional.of(ConnectionState.CONNECTING), ConnectionState.OPEN),
        events.get(1).event());
    assertEquals(new JournalEvent.StateChanged(Optional.of(ConnectionState.OPEN), ConnectionState.BACKOFF),
        events.get(2).event());
  }
}
