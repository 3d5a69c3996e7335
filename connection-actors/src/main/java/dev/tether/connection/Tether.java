package dev.tether.connection;

import dev.tether.connection.settings.ConnectionManagerSettings;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;

/**
 * The one-call way to embed Tether: {@code Tether.get(system).manager()} starts (once per actor
 * system) a {@link ConnectionManager} as a system actor, configured from the system's {@code tether}
 * block. Invalid configuration fails here with a message naming the key.
 */
public final class Tether implements Extension {

  private static final class Id extends ExtensionId<Tether> {
    @Override
    public Tether createExtension(ActorSystem<?> system) {
      return new Tether(system);
    }
  }

  private static final Id ID = new Id();

  /** The extension for this actor system, starting the manager on first use. */
  public static Tether get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final ConnectionManagerSettings settings;
  private final ActorRef<ConnectionManager.Command> manager;

  private Tether(ActorSystem<?> system) {
    this.settings = ConnectionManagerSettings.create(system);
    this.manager = system.systemActorOf(ConnectionManager.create(settings), "tether-connections", Props.empty());
  }

  /** The manager of this actor system's connections. */
  public ActorRef<ConnectionManager.Command> manager() {
    return manager;
  }

  /** The settings the manager was started with. */
  public ConnectionManagerSettings settings() {
    return settings;
  }
}
