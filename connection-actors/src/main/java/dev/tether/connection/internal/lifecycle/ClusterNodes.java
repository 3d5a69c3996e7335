package dev.tether.connection.internal.lifecycle;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;

/** INTERNAL API: names a node as {@code host:port} of its remoting address. */
public final class ClusterNodes {
  private ClusterNodes() {}

  /** {@code host:port}; a local address (an actor of this node) is this node's own. */
  public static String node(Address address, ActorSystem<?> system) {
    Address full = address.hasLocalScope() ? system.address() : address;
    return full.getHost().orElse("local") + ":" + full.getPort().map(String::valueOf).orElse("-");
  }
}
