package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.ConnectionId;
import dev.tether.connection.journal.ConnectionJournal;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.journal.JournalEntry;
import dev.tether.connection.journal.JournalEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * INTERNAL API: one connection's journal, a ring of at most {@code capacity} entries owned by its
 * supervisor. The array grows with the entries (from 8, doubling, up to the capacity), so a quiet
 * connection pays for the few events it had, not for the whole ring; once full, each new entry
 * overwrites the oldest. Never shared: others get a {@link ConnectionJournal} copy.
 */
final class Journal {
  private static final int INITIAL_SLOTS = 8;
  private static final JournalEntry[] NONE = new JournalEntry[0];

  private final int capacity;
  private JournalEntry[] slots = NONE;
  /** Where the next entry goes once the ring is full (the oldest entry's slot). */
  private int next;
  private int size;
  /** The last state journaled, the next state change's {@code from}. */
  private Optional<ConnectionState> state = Optional.empty();

  Journal(int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("a journal keeps at least 1 entry, was " + capacity);
    this.capacity = capacity;
  }

  void add(Instant at, long incarnation, JournalEvent event) {
    JournalEntry entry = new JournalEntry(at, incarnation, event);
    if (size < capacity) {
      if (size == slots.length) slots = Arrays.copyOf(slots, Math.min(capacity, Math.max(INITIAL_SLOTS, slots.length * 2)));
      slots[size++] = entry;
      return;
    }
    slots[next] = entry;
    next = (next + 1) % capacity;
  }

  /** The connection entered {@code to}: journaled with the state it left. */
  void stateChanged(Instant at, long incarnation, ConnectionState to) {
    add(at, incarnation, new JournalEvent.StateChanged(state, to));
    state = Optional.of(to);
  }

  /** The entries, oldest first. */
  List<JournalEntry> entries() {
    List<JournalEntry> all = new ArrayList<>(size);
    for (int i = 0; i < size; i++) all.add(slots[(next + i) % size]);
    return all;
  }

  ConnectionJournal snapshot(ConnectionId id) {
    return new ConnectionJournal(id, capacity, entries());
  }
}
