package dev.tether.connection.internal;

import dev.tether.connection.ConnectionId;
import dev.tether.connection.journal.ConnectionJournal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * INTERNAL API: the journals of the connections this node removed (closed on request), the most
 * recent {@code tether.journal-keep-removed} of them, so that what happened to a connection can
 * still be read after its close. Owned by the registry.
 */
final class RemovedJournals {
  private final int keep;
  // Insertion order: the eldest entry is the least recently removed connection.
  private final LinkedHashMap<ConnectionId, ConnectionJournal> journals = new LinkedHashMap<>();

  RemovedJournals(int keep) {
    this.keep = keep;
  }

  void removed(ConnectionJournal journal) {
    if (keep == 0) return;
    journals.remove(journal.id()); // re-inserted as the newest
    journals.put(journal.id(), journal);
    while (journals.size() > keep) {
      Map.Entry<ConnectionId, ConnectionJournal> eldest = journals.entrySet().iterator().next();
      journals.remove(eldest.getKey());
    }
  }

  /** The id is managed again: its new journal starts empty, and the old one is no longer shown. */
  void reopened(ConnectionId id) {
    journals.remove(id);
  }

  Optional<ConnectionJournal> get(ConnectionId id) {
    return Optional.ofNullable(journals.get(id));
  }
}
