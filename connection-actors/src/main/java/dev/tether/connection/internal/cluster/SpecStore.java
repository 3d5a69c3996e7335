package dev.tether.connection.internal.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.tether.connection.settings.ClusterSettings;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.ReplicatorSettings;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * INTERNAL API: where cluster mode keeps what each outbound connection needs to start again: its
 * spec as {@link ConnectionSpecCodec} text, by id, in one {@code LWWMap} replicated by Distributed
 * Data and stored durably (LMDB) under {@code tether.cluster.durable-dir}; and, in a second one,
 * where it last ran ({@link LastHome}). A replicator of its own
 * (same path on every node), so that the host's Distributed Data settings are left alone.
 */
final class SpecStore {
  private SpecStore() {}

  /**
   * The maps are cut into buckets by id: a write replicates, and stores in LMDB, its bucket only,
   * not every connection's spec (one map made each open cost more the more connections there were:
   * 12 opens a second at 3000 in bench/cluster-scale).
   */
  static final int BUCKETS = 256;

  private static final java.util.List<Key<LWWMap<String, String>>> SPEC_KEYS = keys("tether-specs-");
  private static final java.util.List<Key<LWWMap<String, String>>> HOME_KEYS = keys("tether-homes-");

  private static java.util.List<Key<LWWMap<String, String>>> keys(String prefix) {
    java.util.List<Key<LWWMap<String, String>>> keys = new java.util.ArrayList<>();
    for (int i = 0; i < BUCKETS; i++) keys.add(LWWMapKey.create(prefix + i));
    return java.util.List.copyOf(keys);
  }

  private static int bucket(String id) {
    return Math.floorMod(id.hashCode(), BUCKETS); // String.hashCode is specified: the same on every node
  }

  /** The bucket of specs that holds {@code id}'s. */
  static Key<LWWMap<String, String>> specs(String id) {
    return SPEC_KEYS.get(bucket(id));
  }

  /** Where each connection last ran, as {@link LastHome} text by id: how its last incarnation ended. */
  static Key<LWWMap<String, String>> homes(String id) {
    return HOME_KEYS.get(bucket(id));
  }

  /** Every bucket of specs, to find every stored connection. */
  static java.util.List<Key<LWWMap<String, String>>> allSpecs() {
    return SPEC_KEYS;
  }
  /** Majority writes, so that a spec survives the loss of the node that stored it. */
  static final Replicator.WriteConsistency WRITE = new Replicator.WriteMajority(Duration.ofSeconds(3));
  /** A hand-off is marked on every reachable member, so that wherever the connection starts next knows it. */
  static final Replicator.WriteConsistency WRITE_ALL = new Replicator.WriteAll(Duration.ofSeconds(3));
  static final Replicator.ReadConsistency READ_LOCAL = Replicator.readLocal();

  static ActorRef<Replicator.Command> start(ActorSystem<?> system, ClusterSettings cluster) {
    Config ddata = system.settings().config().getConfig("pekko.cluster.distributed-data");
    // A directory that does not end in "ddata": Pekko would append the system name and port to it.
    Config ours = ConfigFactory.parseMap(Map.of(
        "name", "tetherReplicator",
        "durable.keys", java.util.List.of("tether-specs-*", "tether-homes-*"),
        // Writes to LMDB are batched: a crash loses at most this much locally, and a spec is on a
        // majority of members before an open is answered.
        "durable.lmdb.write-behind-interval", "200 ms",
        "durable.lmdb.dir", cluster.durableDir().resolve("specs").toAbsolutePath().toString()))
        .withFallback(ddata);
    return system.systemActorOf(Replicator.behavior(ReplicatorSettings.apply(ours)), "tether-replicator", Props.empty());
  }

  static LWWMap<String, String> empty() {
    return LWWMap.create();
  }
}
