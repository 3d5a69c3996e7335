package dev.tether.admin.json;

import dev.tether.connection.journal.ConnectionJournal;
import dev.tether.connection.journal.JournalEntry;
import dev.tether.connection.journal.JournalEvent;
import java.util.List;

/**
 * {@code GET /connections/{id}/journal}: {@code {"id", "capacity", "events": [...]}}, oldest first.
 * Every event has {@code at} (ISO-8601 UTC), {@code incarnation} and {@code type}, then the fields
 * of its type:
 * <ul>
 *   <li>{@code state}: {@code from} (null for the first), {@code to};
 *   <li>{@code outcome}: {@code kind}, {@code initiator}, {@code detail};
 *   <li>{@code keepalive-miss}: {@code misses} (in a row, this one included), {@code allowedMisses};
 *   <li>{@code rtt}: {@code millis}, fractional;
 *   <li>{@code reconnect-delay}: {@code millis}, {@code attempt} (from 1);
 *   <li>{@code admin}: {@code action} ({@code close}, {@code reconnect}), {@code mode} (a close's,
 *       else null), {@code client} (the requester's IP address, or null if unknown).
 * </ul>
 */
public record JournalJson(String id, int capacity, List<Event> events) {

  /** One event; each type is its own record, so its fields are listed in one place. */
  public sealed interface Event {}

  public record State(String at, long incarnation, String type, String from, String to) implements Event {}

  public record Outcome(String at, long incarnation, String type, String kind, String initiator, String detail)
      implements Event {}

  public record KeepaliveMiss(String at, long incarnation, String type, int misses, int allowedMisses) implements Event {}

  public record Rtt(String at, long incarnation, String type, double millis) implements Event {}

  public record ReconnectDelay(String at, long incarnation, String type, long millis, int attempt) implements Event {}

  public record Admin(String at, long incarnation, String type, String action, String mode, String client)
      implements Event {}

  public static JournalJson of(ConnectionJournal j) {
    return new JournalJson(j.id().value(), j.capacity(), j.events().stream().map(JournalJson::event).toList());
  }

  private static Event event(JournalEntry e) {
    String at = e.at().toString();
    long n = e.incarnation();
    JournalEvent ev = e.event();
    if (ev instanceof JournalEvent.StateChanged s) {
      return new State(at, n, "state", s.from().map(f -> f.wireName()).orElse(null), s.to().wireName());
    }
    if (ev instanceof JournalEvent.OutcomeRecorded o) {
      return new Outcome(at, n, "outcome", o.outcome().kind().wireName(), o.outcome().initiator().wireName(),
          o.outcome().detail());
    }
    if (ev instanceof JournalEvent.KeepaliveMissed k) return new KeepaliveMiss(at, n, "keepalive-miss", k.misses(), k.allowed());
    if (ev instanceof JournalEvent.RttMeasured r) {
      return new Rtt(at, n, "rtt", Math.round(r.rtt().toNanos() / 1_000.0) / 1_000.0); // microsecond precision
    }
    if (ev instanceof JournalEvent.ReconnectDelayChosen d) {
      return new ReconnectDelay(at, n, "reconnect-delay", d.delay().toMillis(), d.attempt());
    }
    JournalEvent.AdminAction a = (JournalEvent.AdminAction) ev;
    return new Admin(at, n, "admin", a.action().wireName(), a.mode().map(m -> m.wireName()).orElse(null),
        a.client().orElse(null));
  }
}
