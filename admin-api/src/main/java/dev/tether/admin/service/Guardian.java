package dev.tether.admin.service;

import dev.tether.admin.AdminMetrics;
import dev.tether.admin.AdminRoutes;
import dev.tether.admin.AdminSettings;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.Direction;
import dev.tether.connection.ListenerInfo;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's root actor: starts the connection manager (which starts the configured listeners),
 * the admin server and the configured connections; waits until every configured listener is bound,
 * stopping the service if one cannot be; then starts the demo, if enabled. It registers the shutdown
 * task that stops the listeners, closes every connection with its close mode and logs one summary
 * line.
 */
final class Guardian {
  private static final Logger log = LoggerFactory.getLogger(Guardian.class);
  /** How often the start-up check asks the manager for its listeners. */
  private static final Duration LISTENER_POLL_INTERVAL = Duration.ofMillis(100);
  /** The demo connections' keepalive: the jobs protocol answers {@code PING} with {@code PONG}. */
  private static final ByteString DEMO_PING = ByteString.fromString("PING\n", StandardCharsets.US_ASCII);
  private static final ByteString DEMO_PONG = ByteString.fromString("PONG", StandardCharsets.US_ASCII);

  private Guardian() {}

  public interface Command {}

  private record ListenersChecked(ListenerStartup.Result result) implements Command {}

  /**
   * Why the service stopped itself: a configured listener cannot accept. tether-service.conf maps
   * this reason to a non-zero exit code ({@code pekko.coordinated-shutdown.reason-overrides}).
   */
  record StartFailed(String message) implements CoordinatedShutdown.Reason {}

  /**
   * @param settings the service's own settings
   * @param managerSettings the connection manager's, read from the configuration with the demo's
   *     TLS profile already layered on it (see {@link DemoTlsProfile})
   */
  public static Behavior<Command> create(ServiceSettings settings, ConnectionManagerSettings managerSettings) {
    return Behaviors.setup(ctx -> {
      ActorSystem<?> system = ctx.getSystem();
      ActorRef<ConnectionManager.Command> manager = ctx.spawn(ConnectionManager.create(managerSettings), "connections");
      registerShutdown(manager, system, settings.admin());
      AdminMetrics metrics = AdminMetrics.start(manager, system);
      AdminHttpServer.start(AdminRoutes.create(manager, system, settings.admin(), managerSettings.defaults(), metrics),
          system, settings.admin());
      openAll(settings.connections(), manager, system, configuredOpenTimeout(settings, managerSettings));
      ActorRef<ListenerStartup.Result> checked = ctx.messageAdapter(ListenerStartup.Result.class, ListenersChecked::new);
      ctx.spawn(ListenerStartup.create(manager, managerSettings.listeners().values(), LISTENER_POLL_INTERVAL,
          settings.admin().listenerStartTimeout(), checked), "listener-startup");
      return Behaviors.receive(Command.class)
          .onMessage(ListenersChecked.class, m -> onListenersChecked(ctx, m.result(), settings, managerSettings, manager))
          .build();
    });
  }

  private static Behavior<Command> onListenersChecked(ActorContext<Command> ctx, ListenerStartup.Result result,
      ServiceSettings settings, ConnectionManagerSettings managerSettings, ActorRef<ConnectionManager.Command> manager) {
    if (result instanceof ListenerStartup.Failed failed) {
      log.error("not starting: {}", failed.message());
      System.err.println("tether: not starting: " + failed.message());
      CoordinatedShutdown.get(ctx.getSystem()).runAll(new StartFailed(failed.message()));
      return Behaviors.empty();
    }
    List<ListenerInfo> listeners = ((ListenerStartup.Ready) result).listeners();
    if (!listeners.isEmpty()) {
      log.info("all configured listeners bound: {}", listeners.stream()
          .map(i -> i.name() + " on " + i.iface() + ":" + i.port()).collect(Collectors.joining(", ")));
    }
    if (settings.demo().enabled() && managerSettings.cluster().enabled()) {
      // Each member makes its own throwaway identity: a demo connection placed on another member
      // would distrust the listener it connects to, and fail its handshake forever.
      log.info("demo: cluster mode: the demo opens no connections (its throwaway certificate is this member's own); "
          + "its listener '{}' still accepts", settings.demo().listener());
    } else if (settings.demo().enabled()) {
      startDemo(ctx, listeners, settings, managerSettings.defaults(), manager);
    }
    return Behaviors.empty();
  }

  /** Opens the demo connections to the demo's listener, which is bound by now, and keeps them busy. */
  private static void startDemo(ActorContext<Command> ctx, List<ListenerInfo> listeners, ServiceSettings settings,
      ConnectionSettings defaults, ActorRef<ConnectionManager.Command> manager) {
    DemoSettings demo = settings.demo();
    Optional<ListenerInfo> target = listeners.stream().filter(i -> i.name().equals(demo.listener())).findFirst();
    if (target.isEmpty()) {
      log.warn("demo: no listener '{}' under tether.listeners (tether.demo.listener); the demo opens no connections",
          demo.listener());
      return;
    }
    if (!target.get().tlsProfile().equals(DemoTlsProfile.NAME)) {
      log.warn("demo: listener '{}' serves tls-profile '{}', but the demo connections trust only profile '{}'",
          demo.listener(), target.get().tlsProfile(), DemoTlsProfile.NAME);
    }
    ConnectionSettings demoSettings = defaults.withKeepalive(defaults.keepalive()
        .withEnabled(true).withInterval(demo.keepaliveInterval()).withTimeout(demo.keepaliveTimeout())
        .withPing(DEMO_PING).withPong(Optional.of(DEMO_PONG)));
    List<String> ids = IntStream.rangeClosed(1, demo.connections()).mapToObj(i -> "demo-" + i).toList();
    // The last demo connection stays quiet, so its keepalive pings run and show lastPingRttMillis.
    List<String> busy = ids.size() > 1 ? ids.subList(0, ids.size() - 1) : ids;
    int port = target.get().port();
    List<ConnectionSpec> specs = ids.stream()
        .map(id -> new ConnectionSpec(id, "127.0.0.1", port, DemoTlsProfile.NAME, Optional.empty(),
            Optional.of(demoSettings)))
        .toList();
    log.info("demo: opening {} connections to listener '{}' on 127.0.0.1:{}: {}", specs.size(), demo.listener(), port, ids);
    openSpecs(specs, manager, ctx.getSystem(), settings.admin().askTimeout());
    ctx.spawn(DemoTraffic.create(manager, busy, demo.sendInterval()), "demo-traffic");
  }

  /**
   * In cluster mode an open is answered once this member has joined (sharding waits for it), which
   * can take far longer than an admin request may: the configured connections wait that long.
   */
  private static Duration configuredOpenTimeout(ServiceSettings settings, ConnectionManagerSettings managerSettings) {
    Duration join = Duration.ofMinutes(5);
    return managerSettings.cluster().enabled() && join.compareTo(settings.admin().askTimeout()) > 0
        ? join : settings.admin().askTimeout();
  }

  private static void openAll(List<ConnectionSpec> specs, ActorRef<ConnectionManager.Command> manager, ActorSystem<?> system,
      Duration timeout) {
    if (!specs.isEmpty()) log.info("opening {} configured connections", specs.size());
    openSpecs(specs, manager, system, timeout);
  }

  private static void openSpecs(List<ConnectionSpec> specs, ActorRef<ConnectionManager.Command> manager, ActorSystem<?> system,
      Duration timeout) {
    for (ConnectionSpec spec : specs) {
      CompletionStage<ConnectionManager.OpenResult> r =
          AskPattern.ask(manager, replyTo -> new ConnectionManager.Open(spec, replyTo), timeout, system.scheduler());
      r.whenComplete((result, failure) -> {
        if (result instanceof ConnectionManager.OpenRejected rejected
            && rejected.reason() == ConnectionManager.OpenRejection.ALREADY_EXISTS) {
          // In cluster mode every node opens the configured connections; the first one wins.
          log.info("connection {} is managed already: {}", spec.id(), rejected.message());
        } else if (result instanceof ConnectionManager.OpenRejected rejected) {
          log.error("cannot open connection {}: {}", spec.id(), rejected.message());
        } else if (failure != null) {
          log.error("cannot open connection {}: {}", spec.id(), failure.toString());
        }
      });
    }
  }

  /**
   * At {@code service-stop} (after the admin port is unbound and requests in flight are done): stop
   * every listener, then close every connection, inbound and outbound, with its close mode
   * ({@link ConnectionManager.Shutdown}), and log one summary line.
   */
  private static void registerShutdown(ActorRef<ConnectionManager.Command> manager, ActorSystem<?> system,
      AdminSettings admin) {
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "tether-close-connections", () ->
        AskPattern.<ConnectionManager.Command, ConnectionManager.AllClosed>ask(
                manager, ConnectionManager.Shutdown::new, admin.shutdownCloseTimeout(), system.scheduler())
            .handle((all, failure) -> {
              if (all != null) {
                log.info(summary(all.closed()));
              } else {
                log.warn("shutdown: connections not all closed within {}: {}", admin.shutdownCloseTimeout(),
                    failure.toString());
              }
              return Done.getInstance();
            }));
  }

  /** For example {@code shutdown: closed 3 connections (inbound 1, outbound 2): clean=2 close-timeout=1}. */
  static String summary(List<ConnectionManager.Closed> closed) {
    Map<String, Long> byKind = closed.stream()
        .collect(Collectors.groupingBy(c -> c.outcome().kind().wireName(), TreeMap::new, Collectors.counting()));
    String kinds = byKind.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    long inbound = closed.stream().filter(c -> c.direction() == Direction.INBOUND).count();
    return "shutdown: closed " + closed.size() + (closed.size() == 1 ? " connection" : " connections")
        + " (inbound " + inbound + ", outbound " + (closed.size() - inbound) + ")"
        + (kinds.isEmpty() ? "" : ": " + kinds);
  }
}
