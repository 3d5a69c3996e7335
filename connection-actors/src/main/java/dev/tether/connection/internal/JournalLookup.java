package dev.tether.connection.internal;

import dev.tether.connection.internal.cluster.ClusterAsk;
import dev.tether.connection.internal.lifecycle.ClusterNodes;
import dev.tether.connection.internal.cluster.JournalOnMember;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.journal.ConnectionJournal;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.internal.lifecycle.ConnectionSupervisor;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * INTERNAL API: the registry's journals, one job: find a connection's journal, whether its
 * supervisor runs here, it was removed here recently ({@link RemovedJournals}, kept by this class),
 * or, in cluster mode, another member runs or removed it. Not an actor: the registry owns it and
 * calls it from its own thread, so that journal bookkeeping stays out of the registry's routing.
 */
final class JournalLookup {
  private final ActorContext<ConnectionManager.Command> ctx;
  /** The registry's supervisors by id (a read-only view: the registry alone changes it). */
  private final Map<ConnectionId, ActorRef<ConnectionSupervisor.Command>> supervisors;
  private final boolean clusterMode;
  private final RemovedJournals removed;

  /** {@code tether.cluster.members-timeout}. */
  private final Duration membersTimeout;

  JournalLookup(ActorContext<ConnectionManager.Command> ctx, Map<ConnectionId, ActorRef<ConnectionSupervisor.Command>> supervisors,
      boolean clusterMode, int keepRemoved, Duration membersTimeout) {
    this.membersTimeout = membersTimeout;
    this.ctx = ctx;
    this.supervisors = supervisors;
    this.clusterMode = clusterMode;
    this.removed = new RemovedJournals(keepRemoved);
  }

  /** A supervisor is about to be removed (closed on request): keep its journal for a while. */
  void removed(ConnectionJournal journal) {
    removed.removed(journal);
  }

  /** The id is managed here again: its removed journal is no longer shown. */
  void reopened(ConnectionId id) {
    removed.reopened(id);
  }

  /**
   * A journal: its supervisor answers if it runs here; else a journal kept after its removal here;
   * in cluster mode every member is asked (the one that runs it, or removed it, answers).
   */
  void get(ConnectionManager.GetJournal m) {
    ActorRef<ConnectionSupervisor.Command> supervisor = supervisors.get(m.id());
    Optional<ConnectionJournal> kept = removed.get(m.id());
    if (supervisor != null) {
      supervisor.tell(new ConnectionSupervisor.Request(m));
    } else if (!clusterMode || kept.isPresent()) {
      m.replyTo().tell(kept);
    } else {
      ctx.spawnAnonymous(ClusterAsk.create(membersTimeout, JournalOnMember.MemberJournal.class,
          replyTo -> new JournalOnMember(m.id(), replyTo), JournalOnMember.MemberJournal::node,
          (answers, missing) -> m.replyTo().tell(answers.stream()
              .filter(a -> a.journal().isPresent())
              .sorted(Comparator.comparing((JournalOnMember.MemberJournal a) -> !a.live())) // a live one first
              .findFirst().flatMap(JournalOnMember.MemberJournal::journal))));
    }
  }

  /** Cluster mode: another member looks for a journal. */
  void onMember(JournalOnMember m) {
    String node = ClusterNodes.node(ctx.getSelf().path().address(), ctx.getSystem());
    ActorRef<ConnectionSupervisor.Command> supervisor = supervisors.get(m.id());
    if (supervisor == null) {
      m.replyTo().tell(new JournalOnMember.MemberJournal(node, removed.get(m.id()), false));
      return;
    }
    // The supervisor's bare Optional cannot cross nodes: a one-off local ref wraps it.
    ActorRef<Optional<ConnectionJournal>> back = ctx.spawnAnonymous(
        Behaviors.<Optional<ConnectionJournal>>receiveMessage(journal -> {
          m.replyTo().tell(new JournalOnMember.MemberJournal(node, journal, true));
          return Behaviors.stopped();
        }));
    supervisor.tell(new ConnectionSupervisor.Request(new ConnectionManager.GetJournal(m.id(), back)));
  }
}
