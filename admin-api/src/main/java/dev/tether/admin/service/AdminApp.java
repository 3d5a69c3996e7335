package dev.tether.admin.service;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.tether.connection.settings.ConnectionManagerSettings;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The standalone service: {@code java [-Dconfig.file=application.conf] -jar tether.jar}.
 *
 * <p>Configuration is the usual Typesafe Config stack (system properties, then {@code
 * -Dconfig.file} or {@code application.conf}, then the service defaults in {@code
 * tether-service.conf}, then every {@code reference.conf}). With the demo on, the demo's TLS
 * profile is layered on it (see {@link DemoTlsProfile}) before anything reads the connection
 * manager's settings. Invalid configuration, or a public binding without a token, stops the start
 * with exit code 2 and a message that says why; a configured listener that cannot be bound stops
 * the service with exit code 3 (see {@link Guardian}).
 */
public final class AdminApp {
  private AdminApp() {}

  /** Why coordinated shutdown ran: the signal that asked for it. */
  private record SignalReason(String signal) implements CoordinatedShutdown.Reason {}

  public static void main(String[] args) {
    // Must be set before the first logger initializes, so before anything else.
    setIfAbsent("logback.configurationFile", "tether-logback.xml");
    Logger log = LoggerFactory.getLogger(AdminApp.class);

    Config config = loadConfig();
    ServiceSettings settings;
    ConnectionManagerSettings managerSettings;
    try {
      config = ClusterBootstrap.apply(config);
      settings = ServiceSettings.create(config);
      DemoTlsProfile.Layered layered = DemoTlsProfile.layer(config, settings.demo().enabled());
      layered.notes().forEach(log::info);
      config = layered.config();
      // Builds every TLS profile and checks each listener's profile: the demo's must exist by now.
      managerSettings = ConnectionManagerSettings.create(config);
    } catch (IllegalArgumentException | IllegalStateException | ConfigException e) {
      log.error("not starting: {}", e.getMessage());
      System.err.println("tether: not starting: " + e.getMessage());
      System.exit(2);
      return;
    }
    ActorSystem<Guardian.Command> system =
        ActorSystem.create(Guardian.create(settings, managerSettings), ClusterBootstrap.SYSTEM_NAME, config);
    handleTermination(system);
    if (ClusterBootstrap.enabled(config) && config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      // No seed nodes anywhere: this node is the first (or only) one; it joins itself.
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }

  /** The service's configuration, honouring {@code -Dconfig.file}, {@code -Dconfig.resource}, {@code -D} overrides. */
  static Config loadConfig() {
    return ConfigFactory.load(ConfigFactory.defaultApplication()
        .withFallback(ConfigFactory.parseResources(AdminApp.class.getClassLoader(), "tether-service.conf")));
  }

  /**
   * The JVM's own shutdown hook would run coordinated shutdown too, but a JVM that was terminated
   * by a signal exits with 143 whatever the hook does. Handling SIGTERM ourselves lets the shutdown
   * complete and {@code exit-jvm} exit with 0, as an orchestrator expects of a clean stop.
   */
  private static void handleTermination(ActorSystem<?> system) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), s -> CoordinatedShutdown.get(system).runAll(new SignalReason("SIG" + s.getName())));
      } catch (IllegalArgumentException e) {
        LoggerFactory.getLogger(AdminApp.class).warn("cannot handle SIG{}: {}; the JVM hook will shut down", name, e.getMessage());
      }
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) System.setProperty(key, value);
  }
}
