package dev.tether.admin.service;

import dev.tether.admin.AdminRoutes;
import dev.tether.admin.AdminSettings;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the admin routes and ties the binding to {@code CoordinatedShutdown}: at {@code
 * service-unbind} the port stops taking connections, at {@code service-requests-done} requests in
 * flight get {@code termination-deadline} to finish.
 */
public final class AdminHttpServer {
  private static final Logger log = LoggerFactory.getLogger(AdminHttpServer.class);

  private AdminHttpServer() {}

  /** Binds; if binding fails, logs why and shuts the service down with exit code 3. */
  public static CompletionStage<InetSocketAddress> start(Route routes, ActorSystem<?> system, AdminSettings settings) {
    CompletionStage<ServerBinding> bound = Http.get(system).newServerAt(settings.iface(), settings.port())
        // The client's address for connection journals (ClientAddress). Set here, not in
        // reference.conf: in the service's jar, pekko-http's own reference.conf (off) may come later.
        .adaptSettings(s -> s.withRemoteAddressAttribute(true))
        .bind(AdminRoutes.seal(routes));
    bound.whenComplete((binding, failure) -> {
      if (binding != null) {
        binding.addToCoordinatedShutdown(settings.terminationDeadline(), system);
        log.info("admin API listening on http://{}:{}{}", binding.localAddress().getHostString(),
            binding.localAddress().getPort(), settings.token().isPresent() ? " (bearer token required)" : "");
      } else {
        String why = "cannot bind the admin API to " + settings.iface() + ":" + settings.port() + ": " + failure.getMessage();
        log.error("{}; stopping", why);
        // Not system.terminate(): that exits 0, and an orchestrator would take a service that never
        // served for a clean stop. StartFailed maps to exit code 3 (tether-service.conf).
        CoordinatedShutdown.get(system).runAll(new Guardian.StartFailed(why));
      }
    });
    return bound.thenApply(ServerBinding::localAddress);
  }
}
