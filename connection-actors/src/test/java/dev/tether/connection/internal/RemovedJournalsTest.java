package dev.tether.connection.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.connection.ConnectionId;
import dev.tether.connection.journal.ConnectionJournal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The journals of removed connections: newest kept, dropped when the id is reopened. */
class RemovedJournalsTest {
  @Test
  void removedConnectionsJournalsAreKeptNewestFirstOutAndDroppedWhenTheIdIsReopened() {
    RemovedJournals kept = new RemovedJournals(2);
    ConnectionJournal a = new ConnectionJournal(ConnectionId.of("a"), 5, List.of());
    ConnectionJournal b = new ConnectionJournal(ConnectionId.of("b"), 5, List.of());
    ConnectionJournal c = new ConnectionJournal(ConnectionId.of("c"), 5, List.of());
    kept.removed(a);
    kept.removed(b);
    kept.removed(c); // a was the least recently removed
    assertEquals(Optional.empty(), kept.get(a.id()));
    assertEquals(Optional.of(b), kept.get(b.id()));
    kept.reopened(b.id());
    assertEquals(Optional.empty(), kept.get(b.id()));
    assertEquals(Optional.of(c), kept.get(c.id()));
    RemovedJournals none = new RemovedJournals(0);
    none.removed(a);
    assertEquals(Optional.empty(), none.get(a.id()));
  }
}
