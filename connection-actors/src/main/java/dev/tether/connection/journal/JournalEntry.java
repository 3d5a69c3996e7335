package dev.tether.connection.journal;

import java.util.Objects;
import java.time.Instant;

/**
 * One line of a connection's journal.
 *
 * @param at when it happened
 * @param incarnation the incarnation it happened to (the current one for an admin action; for a
 *     state after an incarnation ended, such as backoff, the one that ended)
 * @param event what happened
 */
public record JournalEntry(Instant at, long incarnation, JournalEvent event) {
  public JournalEntry {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(event, "event");
  }
}
