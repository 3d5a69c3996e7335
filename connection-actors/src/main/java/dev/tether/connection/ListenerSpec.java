package dev.tether.connection;

import dev.tether.connection.session.SessionHandlerFactory;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.settings.Settings;
import dev.tether.connection.tls.ClientAuth;
import dev.tether.connection.tls.TlsProfile;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A TLS listener: where to accept, with which server identity, and which handler runs each session.
 * Configured under {@code tether.listeners.<name>} (see reference.conf), or built in code and started
 * with {@link ConnectionManager.StartListener}.
 *
 * @param name the listener's name; its connections are {@code <name>-1}, {@code <name>-2}, ...
 * @param iface the interface (IP literal or host name) to bind
 * @param port the TCP port; 0 binds an ephemeral port (see {@link ListenerInfo#port()})
 * @param tlsProfile a profile with {@code key-pem} + {@code cert-pem}: the server identity; its trust
 *     verifies client certificates
 * @param clientAuth whether clients must present a certificate
 * @param handler the name of the session handler spawned for each connection
 * @param maxConnections open connections at most; a client beyond that is refused at once
 * @param lingerTimeout after our close_notify, how long a graceful close keeps reading (and
 *     discarding) the client's bytes while waiting for its close_notify
 * @param settings the connections' settings (handshake-timeout, close-timeout, close-mode,
 *     keepalive, max-pending-writes; connect-timeout and reconnect do not apply)
 * @param options the listener's configuration block, handed to each session's handler ({@code
 *     auth-token}, {@code max-line-length}, {@code handler-options})
 */
public record ListenerSpec(
    String name,
    String iface,
    int port,
    String tlsProfile,
    ClientAuth clientAuth,
    String handler,
    int maxConnections,
    Duration lingerTimeout,
    ConnectionSettings settings,
    Config options) {

  /** Listener names: short enough that {@code <name>-<n>} is still a valid connection id. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,40}");

  /** The keys a {@code tether.listeners.<name>} block may hold. */
  public static final Set<String> KEYS = Set.of("interface", "port", "tls-profile", "client-auth", "handler",
      "max-connections", "handshake-timeout", "close-timeout", "close-mode", "linger-timeout", "keepalive",
      "max-pending-writes", "auth-token", "max-line-length", "handler-options");

  public ListenerSpec {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("listener name must match " + NAME.pattern() + ", was '" + name + "'");
    }
    if (iface == null || iface.isBlank()) throw new IllegalArgumentException("interface must not be empty");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
    if (tlsProfile == null || tlsProfile.isBlank()) throw new IllegalArgumentException("tls-profile must not be empty");
    Objects.requireNonNull(clientAuth, "client-auth");
    if (handler == null || handler.isBlank()) throw new IllegalArgumentException("handler must not be empty");
    if (maxConnections < 1) throw new IllegalArgumentException("max-connections must be >= 1, was " + maxConnections);
    Settings.requirePositive(lingerTimeout, "linger-timeout");
    Objects.requireNonNull(settings, "settings");
    if (options == null) options = ConfigFactory.empty();
  }

  /** A listener with the library's listener defaults (reference.conf) and the given connection settings. */
  public static ListenerSpec of(String name, String iface, int port, String tlsProfile, String handler,
      ConnectionSettings settings) {
    return new ListenerSpec(name, iface, port, tlsProfile, ClientAuth.NONE, handler, 1024, Duration.ofSeconds(5),
        settings, ConfigFactory.empty());
  }

  /**
   * Reads every {@code tether.listeners.<name>} block of the {@code tether} block {@code t}, in name
   * order, checking that each names a TLS profile with an identity and a registered handler.
   */
  public static Map<String, ListenerSpec> allFromConfig(Config t, Map<String, TlsProfile> profiles,
      Map<String, SessionHandlerFactory> handlers) {
    Config all = Settings.wrap("tether.listeners", () -> t.getConfig("listeners"));
    Config listenerDefaults = Settings.wrap("tether.listener-defaults", () -> t.getConfig("listener-defaults"));
    Config connectionDefaults = t.getConfig("connection-defaults");
    Map<String, ListenerSpec> result = new LinkedHashMap<>();
    for (String name : new TreeSet<>(all.root().keySet())) {
      String at = "tether.listeners." + name;
      if (all.root().get(name).valueType() != ConfigValueType.OBJECT) {
        throw new IllegalArgumentException("invalid configuration at " + at + ": a listener must be an object { ... }");
      }
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("invalid configuration at " + at + ": a listener name must match "
            + NAME.pattern());
      }
      ListenerSpec spec = fromConfig(name, all.getConfig("\"" + name + "\""), listenerDefaults,
          connectionDefaults, at);
      TlsProfile profile = profiles.get(spec.tlsProfile());
      if (profile == null) {
        throw new IllegalArgumentException("invalid configuration at " + at + ".tls-profile: unknown TLS profile '"
            + spec.tlsProfile() + "'; configured profiles: " + new TreeSet<>(profiles.keySet()));
      }
      if (!profile.hasIdentity()) {
        throw new IllegalArgumentException("invalid configuration at " + at + ".tls-profile: profile '" + spec.tlsProfile()
            + "' has no key-pem and cert-pem, so it cannot serve as a server identity");
      }
      if (!handlers.containsKey(spec.handler())) {
        throw new IllegalArgumentException("invalid configuration at " + at + ".handler: unknown handler '"
            + spec.handler() + "'; registered handlers: " + new TreeSet<>(handlers.keySet()));
      }
      result.put(name, spec);
    }
    return result;
  }

  /**
   * Reads one {@code tether.listeners.<name>} block. Keys it does not set come from {@code
   * tether.listener-defaults}, then (timeouts, close mode, keepalive) from {@code
   * tether.connection-defaults}.
   */
  public static ListenerSpec fromConfig(String name, Config block, Config listenerDefaults,
      Config connectionDefaults, String path) {
    return Settings.wrap(path, () -> {
      Set<String> unknown = new TreeSet<>(block.root().keySet());
      unknown.removeAll(KEYS);
      if (!unknown.isEmpty()) {
        String key = unknown.iterator().next();
        throw new IllegalArgumentException("invalid configuration at " + path + "." + key
            + ": unknown key; known keys are " + new TreeSet<>(KEYS));
      }
      Config c = block.withFallback(listenerDefaults).withFallback(connectionDefaults);
      if (!c.hasPath("port")) throw new IllegalArgumentException("invalid configuration at " + path + ".port: missing");
      if (!c.hasPath("tls-profile") || c.getString("tls-profile").isBlank()) {
        throw new IllegalArgumentException("invalid configuration at " + path
            + ".tls-profile: missing; name a profile with key-pem and cert-pem (the server identity)");
      }
      int maxLine = Settings.wrap(path + ".max-line-length", () -> c.getInt("max-line-length"));
      if (maxLine < 1) {
        throw new IllegalArgumentException("invalid configuration at " + path + ".max-line-length: must be >= 1, was " + maxLine);
      }
      return new ListenerSpec(
          name,
          Settings.wrap(path + ".interface", () -> c.getString("interface")),
          Settings.wrap(path + ".port", () -> c.getInt("port")),
          c.getString("tls-profile"),
          Settings.wrap(path + ".client-auth", () -> ClientAuth.fromWireName(c.getString("client-auth"))),
          Settings.wrap(path + ".handler", () -> c.getString("handler")),
          Settings.wrap(path + ".max-connections", () -> c.getInt("max-connections")),
          Settings.wrap(path + ".linger-timeout", () -> c.getDuration("linger-timeout")),
          ConnectionSettings.fromConfig(c, path),
          c);
    });
  }

  /** The bound address as {@code interface:port}, IPv6 literals in brackets. */
  public String address() {
    return (iface.indexOf(':') >= 0 ? "[" + iface + "]" : iface) + ":" + port;
  }

  public ListenerSpec withPort(int p) {
    return new ListenerSpec(name, iface, p, tlsProfile, clientAuth, handler, maxConnections, lingerTimeout, settings, options);
  }

  public ListenerSpec withClientAuth(ClientAuth a) {
    return new ListenerSpec(name, iface, port, tlsProfile, a, handler, maxConnections, lingerTimeout, settings, options);
  }

  public ListenerSpec withMaxConnections(int n) {
    return new ListenerSpec(name, iface, port, tlsProfile, clientAuth, handler, n, lingerTimeout, settings, options);
  }

  public ListenerSpec withLingerTimeout(Duration d) {
    return new ListenerSpec(name, iface, port, tlsProfile, clientAuth, handler, maxConnections, d, settings, options);
  }

  public ListenerSpec withSettings(ConnectionSettings s) {
    return new ListenerSpec(name, iface, port, tlsProfile, clientAuth, handler, maxConnections, lingerTimeout, s, options);
  }

  /** Handler options (e.g. {@code auth-token}) on top of the current ones. */
  public ListenerSpec withOptions(Config o) {
    return new ListenerSpec(name, iface, port, tlsProfile, clientAuth, handler, maxConnections, lingerTimeout, settings,
        o.withFallback(options));
  }
}
