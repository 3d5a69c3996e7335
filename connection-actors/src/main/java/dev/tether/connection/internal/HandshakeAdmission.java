package dev.tether.connection.internal;

import dev.tether.connection.ConnectionId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * INTERNAL API: {@code tether.max-concurrent-handshakes}. A connection holds a permit from the start
 * of an incarnation until it leaves connecting/handshaking; the rest wait, first come first served.
 * A peer that restarts under thousands of connections then gets a paced storm, not a pile of
 * timeouts. Decisions only: the registry does the telling.
 *
 * @param <G> whom to tell when a waiting connection is let in
 */
final class HandshakeAdmission<G> {

  /** A connection let in, and whom to tell. */
  record Grant<G>(ConnectionId id, G grantTo) {}

  private final int limit;
  private final Set<ConnectionId> holders = new HashSet<>();
  private final LinkedHashMap<ConnectionId, G> waiting = new LinkedHashMap<>();

  HandshakeAdmission(int limit) {
    this.limit = limit;
  }

  /** True if {@code id} may start now (it then holds a permit); otherwise it waits its turn. */
  boolean request(ConnectionId id, G grantTo) {
    if (holders.contains(id)) return true;
    if (holders.size() < limit && waiting.isEmpty()) {
      holders.add(id);
      return true;
    }
    waiting.put(id, grantTo);
    return false;
  }

  /** {@code id} left connecting/handshaking, or gave up waiting: the connections let in now. */
  List<Grant<G>> release(ConnectionId id) {
    waiting.remove(id);
    if (!holders.remove(id)) return List.of();
    List<Grant<G>> granted = new ArrayList<>();
    var it = waiting.entrySet().iterator();
    while (holders.size() < limit && it.hasNext()) {
      Map.Entry<ConnectionId, G> next = it.next();
      it.remove();
      holders.add(next.getKey());
      granted.add(new Grant<>(next.getKey(), next.getValue()));
    }
    return granted;
  }

  int inUse() {
    return holders.size();
  }

  int waiting() {
    return waiting.size();
  }
}
