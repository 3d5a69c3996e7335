package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * INTERNAL API: what a supervisor reports upward to the registry of its node (the registry handles each;
 * this package depends on nothing above it). Its incarnations report to it through {@link
 * IncarnationReport}, one level down.
 */
public sealed interface SupervisorReport extends ConnectionManager.Command {

  /** A supervisor's event, to be published to every subscriber. */
  record Published(ConnectionEvent event) implements SupervisorReport {}

  /** A supervisor wants a handshake permit for an incarnation; answered with {@link ConnectionSupervisor.Admitted}. */
  record AdmissionRequested(ConnectionId id, long incarnation, ActorRef<ConnectionSupervisor.Command> supervisor)
      implements SupervisorReport {}

  /** A supervisor's incarnation left connecting/handshaking (or it stopped waiting for a permit). */
  record AdmissionReleased(ConnectionId id) implements SupervisorReport {}

  /** A supervisor is about to be removed (closed on request): keep its journal for a while. */
  record JournalOfRemoved(dev.tether.connection.journal.ConnectionJournal journal) implements SupervisorReport {}
}
