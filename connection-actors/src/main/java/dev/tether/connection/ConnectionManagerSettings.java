package dev.tether.connection;

import com.typesafe.config.Config;
import dev.tether.connection.internal.TlsProfiles;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Settings of a {@link ConnectionManager}, read once from the {@code tether} block. Creating them
 * loads every TLS profile's key material; invalid configuration fails here, with a message that
 * names the key.
 *
 * @param defaults {@code tether.connection-defaults}
 * @param tlsProfiles {@code tether.tls-profiles}, by name
 * @param historySize how many outcomes each connection remembers ({@code tether.history-size})
 * @param maxConcurrentHandshakes how many connections may be connecting or handshaking at once
 *     ({@code tether.max-concurrent-handshakes}); more wait in a queue, in {@code connecting}
 * @param streamDispatcher the dispatcher of the connections' TLS and TCP streams ({@code
 *     tether.stream-dispatcher}); empty means the materializer's default
 */
public record ConnectionManagerSettings(
    ConnectionSettings defaults,
    Map<String, TlsProfile> tlsProfiles,
    int historySize,
    int maxConcurrentHandshakes,
    Optional<String> streamDispatcher) {

  public ConnectionManagerSettings {
    Objects.requireNonNull(defaults, "defaults");
    tlsProfiles = Map.copyOf(tlsProfiles);
    if (historySize < 1) throw new IllegalArgumentException("tether.history-size must be >= 1, was " + historySize);
    if (maxConcurrentHandshakes < 1) {
      throw new IllegalArgumentException("tether.max-concurrent-handshakes must be >= 1, was " + maxConcurrentHandshakes);
    }
    streamDispatcher = streamDispatcher == null ? Optional.empty() : streamDispatcher.filter(d -> !d.isBlank());
  }

  /** Settings with the default handshake limit (256) and the materializer's default dispatcher. */
  public ConnectionManagerSettings(ConnectionSettings defaults, Map<String, TlsProfile> tlsProfiles, int historySize) {
    this(defaults, tlsProfiles, historySize, 256, Optional.empty());
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
    int handshakes = Settings.wrap("tether.max-concurrent-handshakes", () -> t.getInt("max-concurrent-handshakes"));
    String dispatcher = Settings.wrap("tether.stream-dispatcher", () -> t.getString("stream-dispatcher"));
    if (!dispatcher.isBlank() && !root.hasPath(dispatcher)) {
      throw new IllegalArgumentException("invalid configuration at tether.stream-dispatcher: no dispatcher configured at '"
          + dispatcher + "'");
    }
    return new ConnectionManagerSettings(defaults, profiles, history, handshakes, Optional.of(dispatcher));
  }

  /** A copy with one more TLS profile (or a replaced one of the same name). */
  public ConnectionManagerSettings withTlsProfile(TlsProfile profile) {
    Map<String, TlsProfile> profiles = new java.util.HashMap<>(tlsProfiles);
    profiles.put(profile.name(), profile);
    return new ConnectionManagerSettings(defaults, profiles, historySize, maxConcurrentHandshakes, streamDispatcher);
  }

  public ConnectionManagerSettings withDefaults(ConnectionSettings d) {
    return new ConnectionManagerSettings(d, tlsProfiles, historySize, maxConcurrentHandshakes, streamDispatcher);
  }

  public ConnectionManagerSettings withMaxConcurrentHandshakes(int n) {
    return new ConnectionManagerSettings(defaults, tlsProfiles, historySize, n, streamDispatcher);
  }
}
