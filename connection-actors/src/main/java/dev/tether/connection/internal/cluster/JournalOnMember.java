package dev.tether.connection.internal.cluster;

import dev.tether.connection.ConnectionId;
import dev.tether.connection.journal.ConnectionJournal;
import dev.tether.connection.ConnectionManager;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * INTERNAL API: cluster mode: one member's manager is asked for a connection's journal, which it
 * has if it runs the connection (outbound entities it hosts and its own inbound ones) or removed it
 * recently. Every member is asked (see {@link ClusterAsk}): cheaper than waking a sharded entity
 * for an id that may be gone, and the only way to find a removed connection's journal.
 */
public record JournalOnMember(ConnectionId id, ActorRef<MemberJournal> replyTo) implements ConnectionManager.Command, ClusterMessage {

  /**
   * @param node the member, {@code host:port}
   * @param live the connection runs on that member (else the journal is a removed connection's)
   */
  public record MemberJournal(String node, Optional<ConnectionJournal> journal, boolean live) implements ClusterMessage {}
}
