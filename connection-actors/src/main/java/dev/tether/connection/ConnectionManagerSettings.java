package dev.tether.connection;

import com.typesafe.config.Config;
import dev.tether.connection.internal.TlsProfiles;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Settings of a {@link ConnectionManager}, read once from the {@code tether} block. Creating them
 * loads every TLS profile's key material; invalid configuration fails here, with a message that
 * names the key.
 *
 * @param defaults {@code tether.connection-defaults}
 * @param tlsProfiles {@code tether.tls-profiles}, by name
 * @param historySize how many outcomes each connection remembers ({@code tether.history-size})
 */
public record ConnectionManagerSettings(ConnectionSettings defaults, Map<String, TlsProfile> tlsProfiles, int historySize) {

  public ConnectionManagerSettings {
    Objects.requireNonNull(defaults, "defaults");
    tlsProfiles = Map.copyOf(tlsProfiles);
    if (historySize < 1) throw new IllegalArgumentException("tether.history-size must be >= 1, was " + historySize);
  }

  /** Reads {@code tether} from the system's configuration. */
  public static ConnectionManagerSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  /** Reads the {@code tether} block of a full configuration (reference.conf included). */
  public static ConnectionManagerSettings create(Config root) {
    Config t = root.getConfig("tether");
    ConnectionSettings defaults = ConnectionSettings.fromConfig(t.getConfig("connection-defaults"), "tether.connection-defaults");
    Map<String, TlsProfile> profiles = TlsProfiles.load(t.getConfig("tls-profiles"), "tether.tls-profiles");
    int history = Settings.wrap("tether.history-size", () -> t.getInt("history-size"));
    return new ConnectionManagerSettings(defaults, profiles, history);
  }

  /** A copy with one more TLS profile (or a replaced one of the same name). */
  public ConnectionManagerSettings withTlsProfile(TlsProfile profile) {
    Map<String, TlsProfile> profiles = new java.util.HashMap<>(tlsProfiles);
    profiles.put(profile.name(), profile);
    return new ConnectionManagerSettings(defaults, profiles, historySize);
  }

  public ConnectionManagerSettings withDefaults(ConnectionSettings d) {
    return new ConnectionManagerSettings(d, tlsProfiles, historySize);
  }
}
