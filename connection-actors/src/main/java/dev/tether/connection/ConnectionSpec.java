package dev.tether.connection;

import com.fasterxml.jackson.annotation.JsonAlias;
import dev.tether.connection.settings.ConnectionSettings;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What to connect to and how. Key material is never part of a spec: it names a TLS profile from
 * {@code tether.tls-profiles}.
 *
 * @param id unique id of the connection
 * @param host DNS name or IP literal; it is also the name the peer's certificate must match
 * @param port TCP port, 1 to 65535
 * @param tlsProfile name of a profile under {@code tether.tls-profiles}
 * @param reader the connection's reader: receives the decrypted bytes, in order, and the lifecycle of
 *     each incarnation; may be empty
 * @param settings per-connection settings; empty means {@code tether.connection-defaults}
 * @param handler the name of a session handler to spawn for each incarnation once it is open (it
 *     then receives the decrypted bytes with flow control); may be empty
 */
public record ConnectionSpec(
    ConnectionId id,
    String host,
    int port,
    String tlsProfile,
    // In cluster mode a spec crosses nodes (Open, a sharded entity's Start, views) through Jackson,
    // which names this field after the component. Nodes before the rename wrote "listener": still
    // read, so that a rolling upgrade keeps the reader of a spec sent by an old node.
    @JsonAlias("listener") Optional<ActorRef<ReaderEvent>> reader,
    Optional<ConnectionSettings> settings,
    Optional<String> handler) {

  public ConnectionSpec {
    Objects.requireNonNull(id, "id");
    if (host == null || host.isBlank()) throw new IllegalArgumentException("host must not be empty");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
    if (tlsProfile == null || tlsProfile.isBlank()) tlsProfile = "default";
    if (reader == null) reader = Optional.empty();
    if (settings == null) settings = Optional.empty();
    if (handler == null) handler = Optional.empty();
  }

  /** A spec without a session handler. */
  public ConnectionSpec(ConnectionId id, String host, int port, String tlsProfile,
      Optional<ActorRef<ReaderEvent>> reader, Optional<ConnectionSettings> settings) {
    this(id, host, port, tlsProfile, reader, settings, Optional.empty());
  }

  /** As the canonical constructor, with the id as text (checked by {@link ConnectionId#of}). */
  public ConnectionSpec(String id, String host, int port, String tlsProfile,
      Optional<ActorRef<ReaderEvent>> reader, Optional<ConnectionSettings> settings) {
    this(ConnectionId.of(id), host, port, tlsProfile, reader, settings, Optional.empty());
  }

  /** A spec with the {@code default} TLS profile, no reader and the configured defaults. */
  public static ConnectionSpec of(String id, String host, int port) {
    return new ConnectionSpec(ConnectionId.of(id), host, port, "default", Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** {@code host:port}, with IPv6 literals in brackets. */
  public String remote() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  public ConnectionSpec withTlsProfile(String profile) {
    return new ConnectionSpec(id, host, port, profile, reader, settings, handler);
  }

  public ConnectionSpec withReader(ActorRef<ReaderEvent> ref) {
    return new ConnectionSpec(id, host, port, tlsProfile, Optional.of(ref), settings, handler);
  }

  public ConnectionSpec withSettings(ConnectionSettings s) {
    return new ConnectionSpec(id, host, port, tlsProfile, reader, Optional.of(s), handler);
  }

  /** A spec whose incarnations each get a session handler made by the factory registered as {@code name}. */
  public ConnectionSpec withHandler(String name) {
    return new ConnectionSpec(id, host, port, tlsProfile, reader, settings, Optional.of(name));
  }
}
