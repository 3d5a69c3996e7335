package dev.tether.connection.journal;

import dev.tether.connection.ConnectionId;
import java.util.List;

/**
 * The last events of one connection, across its incarnations: states, outcomes, keepalive misses
 * and round-trip times, the reconnect delays chosen, and admin actions. Kept by the connection's
 * supervisor in a ring of {@code capacity} entries ({@code tether.journal-size}), so the oldest
 * are dropped first.
 *
 * @param events oldest first, at most {@code capacity}
 */
public record ConnectionJournal(ConnectionId id, int capacity, List<JournalEntry> events) {
  public ConnectionJournal {
    events = List.copyOf(events);
  }
}
