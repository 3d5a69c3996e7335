package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.Outcome;
import java.util.Optional;

/**
 * INTERNAL API: where a connection's supervisor starts counting: at incarnation 1 for a new
 * connection, after the last one for a connection that ran elsewhere in the cluster before (its
 * earlier incarnations count as reconnects), with the outcome of the one that died with its member.
 *
 * @param firstIncarnation the number of the first incarnation this supervisor starts
 * @param previousEnd how the incarnation before it ended, if nobody could record it
 */
public record Continuation(long firstIncarnation, Optional<Outcome> previousEnd) {
  public static final Continuation FRESH = new Continuation(1, Optional.empty());

  public Continuation {
    if (firstIncarnation < 1) throw new IllegalArgumentException("firstIncarnation must be at least 1: " + firstIncarnation);
  }
}
