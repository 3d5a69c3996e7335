package dev.tether.admin;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOrDefault;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import dev.tether.admin.json.ErrorCode;
import dev.tether.admin.json.TlsProfileJson;
import dev.tether.admin.json.TlsProfileListJson;
import dev.tether.admin.json.TlsProfileReloadFailedJson;
import dev.tether.admin.json.TlsProfileReloadedJson;
import dev.tether.connection.ConnectionManager;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /tls-profiles}: what each TLS profile of this node holds, and reloading one from its files
 * without a restart (optionally followed by a paced reconnect of its connections). Each node holds
 * its own files: in cluster mode these act on the node that receives the request, which every answer
 * names ({@code node}).
 */
final class TlsProfileRoutes {
  private final ActorRef<ConnectionManager.Command> manager;
  private final ActorSystem<?> system;
  private final AdminSettings settings;

  TlsProfileRoutes(ActorRef<ConnectionManager.Command> manager, ActorSystem<?> system, AdminSettings settings) {
    this.manager = manager;
    this.system = system;
    this.settings = settings;
  }

  Route routes() {
    return concat(
        pathEndOrSingleSlash(() -> get(this::list)),
        pathPrefix(segment(), name -> concat(
            pathEndOrSingleSlash(() -> get(() -> one(name))),
            path("reload", () -> post(() ->
                parameterOrDefault(QueryParameters.ROLLING_RECONNECT, false, "reconnect", rolling -> reload(name, rolling)))))));
  }

  private Route list() {
    return onSuccess(profiles(), list -> AdminRoutes.json(StatusCodes.OK, new TlsProfileListJson(list.node().orElse(null),
        list.profiles().stream().map(p -> TlsProfileJson.of(p, list.node(), Instant.now())).toList())));
  }

  private Route one(String name) {
    return onSuccess(profiles(), list -> list.profiles().stream().filter(p -> p.name().equals(name)).findFirst()
        .map(p -> AdminRoutes.json(StatusCodes.OK, TlsProfileJson.of(p, list.node(), Instant.now())))
        .orElseGet(() -> unknown(name)));
  }

  private Route reload(String name, boolean rolling) {
    String mode = rolling ? QueryParameters.ROLLING : QueryParameters.NONE;
    CompletionStage<ConnectionManager.TlsProfileReloadResult> result = AskPattern.ask(manager,
        replyTo -> new ConnectionManager.ReloadTlsProfile(name, rolling, replyTo), settings.askTimeout(),
        system.scheduler());
    return onSuccess(result, r -> {
      if (r instanceof ConnectionManager.TlsProfileReloaded ok) {
        return AdminRoutes.json(StatusCodes.OK, new TlsProfileReloadedJson(ok.node().orElse(null),
            TlsProfileJson.of(ok.profile(), ok.node(), Instant.now()), mode, ok.reconnecting(), ok.inboundKept()));
      }
      if (r instanceof ConnectionManager.TlsProfileReloadFailed failed) {
        return AdminRoutes.json(ErrorCode.RELOAD_FAILED.status(), new TlsProfileReloadFailedJson(ErrorCode.RELOAD_FAILED,
            "TLS profile '" + name + "' was not reloaded; the material loaded before stays in use: " + failed.reason(),
            TlsProfileJson.of(failed.profile(), failed.node(), Instant.now())));
      }
      return unknown(name);
    });
  }

  private CompletionStage<ConnectionManager.TlsProfileList> profiles() {
    return AskPattern.ask(manager, ConnectionManager.ListTlsProfiles::new, settings.askTimeout(), system.scheduler());
  }

  private static Route unknown(String name) {
    return AdminRoutes.error(ErrorCode.NOT_FOUND, "no TLS profile named '" + name + "'");
  }
}
