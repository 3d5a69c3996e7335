package dev.tether.admin;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import dev.tether.admin.json.ErrorCode;
import dev.tether.admin.json.ListenerJson;
import dev.tether.admin.json.ListenerListJson;
import dev.tether.admin.json.ListenerStoppedJson;
import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ListenerSpec;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code /listeners}: list them, and stop one (unbind, close its connections, count the outcomes). */
final class ListenerRoutes {
  private final ActorRef<ConnectionManager.Command> manager;
  private final ActorSystem<?> system;
  private final AdminSettings settings;

  ListenerRoutes(ActorRef<ConnectionManager.Command> manager, ActorSystem<?> system, AdminSettings settings) {
    this.manager = manager;
    this.system = system;
    this.settings = settings;
  }

  Route routes() {
    return concat(
        pathEndOrSingleSlash(() -> get(this::list)),
        pathPrefix(segment(), name -> pathEndOrSingleSlash(() ->
            delete(() -> parameterOptional(QueryParameters.CLOSE_MODE, "mode", mode -> stop(name, mode))))));
  }

  private Route list() {
    CompletionStage<ConnectionManager.ListenerList> all =
        AskPattern.ask(manager, ConnectionManager.ListListeners::new, settings.askTimeout(), system.scheduler());
    return onSuccess(all, list -> AdminRoutes.json(StatusCodes.OK, new ListenerListJson(
        list.listeners().stream().map(ListenerJson::of).toList())));
  }

  /** {@code mode} was read first: a bad one is refused whatever the name. */
  private Route stop(String name, Optional<CloseMode> mode) {
    // No listener can have an invalid name: answered without asking the manager.
    if (!ListenerSpec.NAME.matcher(name).matches()) return unknown(name);
    // Bounded by listener-stop-timeout: its connections close first, each within its own close-timeout.
    CompletionStage<ConnectionManager.ListenerStopResult> stopped = AskPattern.ask(manager,
        replyTo -> new ConnectionManager.StopListener(name, mode, replyTo), settings.listenerStopTimeout(), system.scheduler());
    return onSuccess(stopped, result -> result instanceof ConnectionManager.ListenerStopped s
        ? AdminRoutes.json(StatusCodes.OK, ListenerStoppedJson.of(s))
        : unknown(result.name()));
  }

  private static Route unknown(String name) {
    return AdminRoutes.error(ErrorCode.NOT_FOUND, "no listener named '" + name + "'");
  }
}
