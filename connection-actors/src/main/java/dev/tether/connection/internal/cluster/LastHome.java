package dev.tether.connection.internal.cluster;

import dev.tether.connection.internal.lifecycle.Continuation;
import dev.tether.connection.Initiator;
import dev.tether.connection.Outcome;
import dev.tether.connection.OutcomeKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * INTERNAL API: where an outbound connection last ran in cluster mode, stored next to its spec
 * ({@link SpecStore#homes}), so that the member that starts it next knows how its last incarnation
 * ended: handed over (a rolling restart or a shard move), or lost with its member (a crash or a
 * downing, which nothing on that member could report).
 *
 * @param node the member, as {@code host:port}
 * @param uid the member's incarnation (its unique address uid): a member restarted on the same
 *     address is another one
 * @param incarnation the connection's last incarnation there
 * @param since when that incarnation was let in to connect
 * @param handedOff it was closed there on purpose, to be opened elsewhere
 */
record LastHome(String node, long uid, long incarnation, Instant since, boolean handedOff) {

  private static final String FORMAT = "1";

  /** {@code 1;node;uid;incarnation;since-millis;live|handed-off}: the node name has no ';'. */
  String encode() {
    return String.join(";", FORMAT, node, Long.toString(uid), Long.toString(incarnation),
        Long.toString(since.toEpochMilli()), handedOff ? "handed-off" : "live");
  }

  /** @throws IllegalArgumentException naming what is wrong, for text this class did not write */
  static LastHome decode(String text) {
    String[] f = text.split(";", -1);
    if (f.length != 6 || !FORMAT.equals(f[0])) throw new IllegalArgumentException("not a format-1 home record: '" + text + "'");
    if (!f[5].equals("live") && !f[5].equals("handed-off")) throw new IllegalArgumentException("unknown home state '" + f[5] + "'");
    try {
      return new LastHome(f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), Instant.ofEpochMilli(Long.parseLong(f[4])),
          f[5].equals("handed-off"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a number in the home record '" + text + "' is not one: " + e.getMessage());
    }
  }

  LastHome markedHandedOff() {
    return new LastHome(node, uid, incarnation, since, true);
  }

  /**
   * How a connection that last ran here goes on, started by member {@code selfUid}: its next
   * incarnation follows this one (so moves count as reconnects), and if its member died with it
   * running, that incarnation's end is the {@code node-lost} outcome nobody else could record.
   */
  Continuation continuation(long selfUid, String selfNode, Instant now) {
    if (handedOff || uid == selfUid) return new Continuation(incarnation + 1, Optional.empty());
    return new Continuation(incarnation + 1, Optional.of(new Outcome(OutcomeKind.NODE_LOST, Initiator.LOCAL,
        "its member " + node + " was lost (crashed, or downed while unreachable) with incarnation " + incarnation
            + " running there since " + since + "; started again on " + selfNode + "; counters of the lost incarnation unknown",
        now, incarnation, 0, 0, Duration.between(since, now).isNegative() ? Duration.ZERO : Duration.between(since, now))));
  }
}
