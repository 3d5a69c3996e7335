package dev.tether.connection.internal.cluster;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Map;
import scala.collection.immutable.Set;
import scala.concurrent.Future;

/**
 * INTERNAL API: where connection shards go. A new shard goes where Pekko's least-shard strategy
 * puts it (the member with the fewest shards, never one that is leaving); a shard never moves to
 * even out the load. Sharding rebalances by handing a shard off, and for Tether a hand-off is a
 * close and a new handshake of every connection in it: a member that joins would cost each of
 * them a reconnect for nothing. So a connection moves only when its member leaves or is lost, and a
 * new member takes new connections.
 */
final class NoRebalancing extends ShardCoordinator.LeastShardAllocationStrategy {
  private static final long serialVersionUID = 1L;

  NoRebalancing() {
    super(1, 1); // the rebalance settings of the parent: unused, rebalance is never asked of it
  }

  @Override
  public Future<Set<String>> rebalance(Map<ActorRef, IndexedSeq<String>> currentShardAllocations,
      Set<String> rebalanceInProgress) {
    return Future.successful(scala.collection.immutable.Set$.MODULE$.<String>empty());
  }
}
