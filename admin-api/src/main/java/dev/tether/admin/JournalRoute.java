package dev.tether.admin;

import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;

import dev.tether.admin.json.ErrorCode;
import dev.tether.admin.json.JournalJson;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.journal.ConnectionJournal;
import dev.tether.connection.ConnectionManager;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /connections/{id}/journal}: the connection's last events, across its incarnations
 * ({@link JournalJson}); also for a connection closed on request a while ago. Unknown: 404.
 */
final class JournalRoute {
  private final ActorRef<ConnectionManager.Command> manager;
  private final ActorSystem<?> system;
  private final AdminSettings settings;

  JournalRoute(ActorRef<ConnectionManager.Command> manager, ActorSystem<?> system, AdminSettings settings) {
    this.manager = manager;
    this.system = system;
    this.settings = settings;
  }

  Route journal(ConnectionId id) {
    CompletionStage<Optional<ConnectionJournal>> journal = AskPattern.ask(manager,
        replyTo -> new ConnectionManager.GetJournal(id, replyTo), settings.askTimeout(), system.scheduler());
    return onSuccess(journal, j -> j
        .map(found -> AdminRoutes.json(StatusCodes.OK, JournalJson.of(found)))
        .orElseGet(() -> AdminRoutes.error(ErrorCode.NOT_FOUND, "no connection with id '" + id + "'")));
  }
}
