package dev.tether.admin;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The {@code tether.admin} block, read once.
 *
 * @param iface the address the admin server binds
 * @param port the admin port; 0 picks a free one
 * @param token when present, every request must carry {@code Authorization: Bearer <token>}
 * @param askTimeout bound on each request to the connection manager
 * @param closeAskMargin added to a connection's close-timeout for the ask of {@code DELETE}
 * @param maxRequestBody request bodies larger than this are answered with 413
 * @param shutdownCloseTimeout bound on closing every connection at shutdown
 * @param terminationDeadline at shutdown, how long requests in flight (and event streams) may run
 *     after the port was unbound
 * @param listenerStopTimeout bound on {@code DELETE /listeners/{name}}: unbinding, then closing every
 *     connection of the listener
 * @param listenerStartTimeout the standalone service's bound on its configured listeners all being
 *     bound (or reporting why not) at start
 */
public record AdminSettings(
    String iface,
    int port,
    Optional<String> token,
    Duration askTimeout,
    Duration closeAskMargin,
    long maxRequestBody,
    Duration shutdownCloseTimeout,
    Duration terminationDeadline,
    Duration listenerStopTimeout,
    Duration listenerStartTimeout) {

  public AdminSettings {
    Objects.requireNonNull(iface, "interface");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("tether.admin.port must be 0 to 65535, was " + port);
    token = token.filter(t -> !t.isEmpty());
    if (maxRequestBody < 1) throw new IllegalArgumentException("tether.admin.max-request-body must be > 0");
  }

  public static AdminSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  /** Reads {@code tether.admin} from a full configuration. */
  public static AdminSettings create(Config root) {
    Config c = root.getConfig("tether.admin");
    return new AdminSettings(
        c.getString("interface"),
        c.getInt("port"),
        Optional.of(c.getString("token")),
        c.getDuration("ask-timeout"),
        c.getDuration("close-ask-margin"),
        c.getBytes("max-request-body"),
        c.getDuration("shutdown-close-timeout"),
        c.getDuration("termination-deadline"),
        c.getDuration("listener-stop-timeout"),
        c.getDuration("listener-start-timeout"));
  }

  public AdminSettings withPort(int p) {
    return new AdminSettings(iface, p, token, askTimeout, closeAskMargin, maxRequestBody, shutdownCloseTimeout,
        terminationDeadline, listenerStopTimeout, listenerStartTimeout);
  }

  public AdminSettings withToken(Optional<String> t) {
    return new AdminSettings(iface, port, t, askTimeout, closeAskMargin, maxRequestBody, shutdownCloseTimeout,
        terminationDeadline, listenerStopTimeout, listenerStartTimeout);
  }

  public AdminSettings withInterface(String i) {
    return new AdminSettings(i, port, token, askTimeout, closeAskMargin, maxRequestBody, shutdownCloseTimeout,
        terminationDeadline, listenerStopTimeout, listenerStartTimeout);
  }

  /**
   * Refuses a binding that would expose the admin API without a token: the API can open
   * connections to arbitrary hosts and write bytes on them.
   *
   * @throws IllegalStateException saying why, when {@code interface} is not a loopback address
   *     and no token is set
   */
  public void requireSafeBinding() {
    if (token.isPresent() || isLoopback(iface)) return;
    throw new IllegalStateException("refusing to bind the admin API to " + iface + ":" + port
        + " without a token: it is not a loopback address, so anyone who can reach it could open connections"
        + " and send data. Set tether.admin.token (e.g. TETHER_ADMIN_TOKEN) or bind 127.0.0.1.");
  }

  private static boolean isLoopback(String address) {
    if (address.equalsIgnoreCase("localhost")) return true;
    try {
      // Only literal addresses are checked without DNS; a name is resolved once, at start.
      for (InetAddress a : InetAddress.getAllByName(address)) {
        if (!a.isLoopbackAddress()) return false;
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
