package dev.tether.admin;

import dev.tether.admin.demo.DemoPeer;
import dev.tether.admin.demo.DemoSettings;
import dev.tether.admin.demo.DemoTraffic;
import dev.tether.admin.demo.ThrowawayCertificate;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionManagerSettings;
import dev.tether.connection.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.Outcome;
import dev.tether.connection.TlsProfile;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's root actor: starts the connection manager, the admin server, the configured
 * connections and (if enabled) the demo, and registers the shutdown task that closes every
 * connection with its close mode and logs one summary line.
 */
public final class Guardian {
  private static final Logger log = LoggerFactory.getLogger(Guardian.class);
  /** The TLS profile of the demo connections: trusts the demo peer's throwaway certificate only. */
  static final String DEMO_PROFILE = "tether-demo";

  private Guardian() {}

  public static Behavior<Void> create(ServiceSettings settings) {
    return Behaviors.setup(ctx -> {
      ActorSystem<?> system = ctx.getSystem();
      ConnectionManagerSettings configured = ConnectionManagerSettings.create(system);
      Optional<ThrowawayCertificate> demoCert = settings.demo().enabled()
          ? Optional.of(ThrowawayCertificate.generate()) : Optional.empty();
      ConnectionManagerSettings managerSettings = demoCert.map(c -> withDemoProfile(configured, c)).orElse(configured);

      ActorRef<ConnectionManager.Command> manager = ctx.spawn(ConnectionManager.create(managerSettings), "connections");
      registerShutdown(manager, system, settings.admin());
      AdminMetrics metrics = AdminMetrics.start(manager, system);
      AdminHttpServer.start(AdminRoutes.create(manager, system, settings.admin(), configured.defaults(), metrics),
          system, settings.admin());
      openAll(settings.connections(), manager, system, settings.admin());
      demoCert.ifPresent(cert -> startDemo(ctx, cert, settings, configured.defaults(), manager));
      return Behaviors.empty();
    });
  }

  private static ConnectionManagerSettings withDemoProfile(ConnectionManagerSettings s, ThrowawayCertificate cert) {
    return s.withTlsProfile(new TlsProfile(DEMO_PROFILE, cert.clientContext(), List.of("TLSv1.3"), true));
  }

  /** Starts the echo peer, then opens the demo connections to it once it is bound. */
  private static void startDemo(ActorContext<Void> ctx, ThrowawayCertificate cert, ServiceSettings settings,
      ConnectionSettings defaults, ActorRef<ConnectionManager.Command> manager) {
    ActorSystem<?> system = ctx.getSystem();
    DemoSettings demo = settings.demo();
    ConnectionSettings demoSettings = defaults.withKeepalive(defaults.keepalive()
        .withEnabled(true).withInterval(demo.keepaliveInterval()).withTimeout(demo.keepaliveTimeout()));
    List<String> ids = IntStream.rangeClosed(1, demo.connections()).mapToObj(i -> "demo-" + i).toList();
    // The last demo connection stays quiet, so its keepalive pings run and show lastPingRttMillis.
    List<String> busy = ids.size() > 1 ? ids.subList(0, ids.size() - 1) : ids;
    ctx.spawn(DemoTraffic.create(manager, busy, demo.sendInterval()), "demo-traffic");
    DemoPeer.start(system, cert.serverContext()).whenComplete((InetSocketAddress address, Throwable failure) -> {
      if (failure != null) {
        log.error("demo: cannot start the TLS echo peer: {}", failure.toString());
        return;
      }
      List<ConnectionSpec> specs = ids.stream()
          .map(id -> new ConnectionSpec(id, "127.0.0.1", address.getPort(), DEMO_PROFILE, Optional.empty(), Optional.of(demoSettings)))
          .toList();
      log.info("demo: opening {} connections to the echo peer: {}", specs.size(), ids);
      openSpecs(specs, manager, system, settings.admin().askTimeout());
    });
  }

  private static void openAll(List<ConnectionSpec> specs, ActorRef<ConnectionManager.Command> manager, ActorSystem<?> system,
      AdminSettings admin) {
    if (!specs.isEmpty()) log.info("opening {} configured connections", specs.size());
    openSpecs(specs, manager, system, admin.askTimeout());
  }

  private static void openSpecs(List<ConnectionSpec> specs, ActorRef<ConnectionManager.Command> manager, ActorSystem<?> system,
      Duration timeout) {
    for (ConnectionSpec spec : specs) {
      CompletionStage<ConnectionManager.OpenResult> r =
          AskPattern.ask(manager, replyTo -> new ConnectionManager.Open(spec, replyTo), timeout, system.scheduler());
      r.whenComplete((result, failure) -> {
        if (result instanceof ConnectionManager.OpenRejected rejected) {
          log.error("cannot open connection {}: {}", spec.id(), rejected.message());
        } else if (failure != null) {
          log.error("cannot open connection {}: {}", spec.id(), failure.toString());
        }
      });
    }
  }

  /**
   * At {@code service-stop} (after the admin port is unbound and requests in flight are done):
   * close every connection with its close mode and log one summary line.
   */
  private static void registerShutdown(ActorRef<ConnectionManager.Command> manager, ActorSystem<?> system, AdminSettings admin) {
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "tether-close-connections", () ->
        AskPattern.<ConnectionManager.Command, ConnectionManager.AllClosed>ask(
                manager, ConnectionManager.CloseAll::new, admin.shutdownCloseTimeout(), system.scheduler())
            .handle((all, failure) -> {
              if (all != null) log.info(summary(all.closed().stream().map(ConnectionManager.Closed::outcome).toList()));
              else log.warn("shutdown: connections not all closed within {}: {}", admin.shutdownCloseTimeout(), failure.toString());
              return Done.getInstance();
            }));
  }

  /** For example {@code shutdown: closed 3 connections: clean=2 close-timeout=1}. */
  static String summary(List<Outcome> outcomes) {
    Map<String, Long> byKind = outcomes.stream()
        .collect(Collectors.groupingBy(o -> o.kind().wireName(), TreeMap::new, Collectors.counting()));
    String kinds = byKind.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    return "shutdown: closed " + outcomes.size() + (outcomes.size() == 1 ? " connection" : " connections")
        + (kinds.isEmpty() ? "" : ": " + kinds);
  }
}
