package dev.tether.connection;

import dev.tether.connection.journal.ConnectionJournal;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.tls.TlsProfileInfo;
import dev.tether.connection.internal.ConnectionRegistry;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.util.ByteString;

/**
 * The entry point of the library: its protocol, and the actor that speaks it. Every request names a
 * connection by id and is routed to that connection's supervisor, which owns its lifecycle: one
 * incarnation at a time, each started only after the previous one has terminated, so at most one
 * incarnation per id is alive at any moment.
 *
 * <p>Start it with {@link #create(ConnectionManagerSettings)} inside your own actor system, or use
 * the {@link Tether} extension.
 */
public final class ConnectionManager {
  private ConnectionManager() {}

  /** Messages the manager understands. */
  public interface Command {}

  /**
   * What is asked of one connection, by id: the manager routes each to that connection's
   * supervisor (on this node, or in cluster mode wherever the connection runs).
   */
  public sealed interface ConnectionRequest extends Command permits Send, Close, Reconnect, Get, GetJournal {
    ConnectionId id();
  }

  /**
   * Start managing a connection and open its first incarnation.
   *
   * @param requestedBy who asked, e.g. a REST client's IP address: recorded in the connection's journal
   */
  public record Open(ConnectionSpec spec, Optional<String> requestedBy, ActorRef<OpenResult> replyTo) implements Command {
    public Open {
      if (requestedBy == null) requestedBy = Optional.empty();
    }

    /** An open whose requester is not named (a library call). */
    public Open(ConnectionSpec spec, ActorRef<OpenResult> replyTo) {
      this(spec, Optional.empty(), replyTo);
    }
  }

  /**
   * Write bytes on a connection. Answered with {@link SendResult.Accepted} once the TLS stage of the
   * current incarnation has taken them: wait for it before the next send to respect backpressure.
   */
  public record Send(
      ConnectionId id,
      // Binary on the wire between cluster nodes (see ByteStringJacksonModule).
      @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = dev.tether.connection.internal.cluster.ByteStringJacksonModule.Writer.class)
      @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = dev.tether.connection.internal.cluster.ByteStringJacksonModule.Reader.class)
      ByteString bytes,
      ActorRef<SendResult> replyTo) implements ConnectionRequest {
    public Send(String id, ByteString bytes, ActorRef<SendResult> replyTo) {
      this(ConnectionId.of(id), bytes, replyTo);
    }
  }

  /**
   * Close a connection and stop managing it. Answered with the observed outcome once the close has
   * completed. The connection's own timers bound that (close-timeout to close, then an abort), and
   * its supervisor bounds it again, so a caller may ask without knowing the connection's settings.
   * An empty mode means the connection's configured close mode.
   */
  public record Close(ConnectionId id, Optional<CloseMode> mode, Optional<String> requestedBy, ActorRef<CloseResult> replyTo)
      implements ConnectionRequest {
    public Close {
      if (requestedBy == null) requestedBy = Optional.empty();
    }

    /** A close whose requester is not named (its journal entry has no client). */
    public Close(ConnectionId id, Optional<CloseMode> mode, ActorRef<CloseResult> replyTo) {
      this(id, mode, Optional.empty(), replyTo);
    }

    public Close(String id, Optional<CloseMode> mode, ActorRef<CloseResult> replyTo) {
      this(ConnectionId.of(id), mode, replyTo);
    }

    /** @param requestedBy who asked, e.g. a REST client's IP address: recorded in the connection's journal */
    public Close(String id, Optional<CloseMode> mode, Optional<String> requestedBy, ActorRef<CloseResult> replyTo) {
      this(ConnectionId.of(id), mode, requestedBy, replyTo);
    }
  }

  /**
   * Close the current incarnation gracefully, then start a fresh one at once; also leaves the
   * {@code failed} state. Answered with the view, or empty if the id is unknown. An inbound
   * connection is never reconnected (its client reconnects by itself): the request changes nothing
   * and is answered with its view, whose direction says so.
   */
  public record Reconnect(ConnectionId id, Optional<String> requestedBy, ActorRef<Optional<ConnectionView>> replyTo)
      implements ConnectionRequest {
    public Reconnect {
      if (requestedBy == null) requestedBy = Optional.empty();
    }

    /** A reconnect whose requester is not named (its journal entry has no client). */
    public Reconnect(ConnectionId id, ActorRef<Optional<ConnectionView>> replyTo) {
      this(id, Optional.empty(), replyTo);
    }

    public Reconnect(String id, ActorRef<Optional<ConnectionView>> replyTo) {
      this(ConnectionId.of(id), replyTo);
    }

    /** @param requestedBy who asked, e.g. a REST client's IP address: recorded in the connection's journal */
    public Reconnect(String id, Optional<String> requestedBy, ActorRef<Optional<ConnectionView>> replyTo) {
      this(ConnectionId.of(id), requestedBy, replyTo);
    }
  }

  /** One connection's view, or empty if the id is unknown. */
  public record Get(ConnectionId id, ActorRef<Optional<ConnectionView>> replyTo) implements ConnectionRequest {
    public Get(String id, ActorRef<Optional<ConnectionView>> replyTo) {
      this(ConnectionId.of(id), replyTo);
    }
  }

  /**
   * One connection's journal (its last events, across incarnations, oldest first), or empty if the
   * id is unknown. A connection closed on request keeps its journal for a while after it is gone
   * (the last {@code tether.journal-keep-removed} removed connections of each node).
   */
  public record GetJournal(ConnectionId id, ActorRef<Optional<ConnectionJournal>> replyTo) implements ConnectionRequest {
    public GetJournal(String id, ActorRef<Optional<ConnectionJournal>> replyTo) {
      this(ConnectionId.of(id), replyTo);
    }
  }

  /** All connections, ordered by id; in cluster mode every member's, asked of each (see {@link ConnectionList#missing}). */
  public record ListConnections(ActorRef<ConnectionList> replyTo) implements Command {}

  /**
   * Receive every state change and outcome of every connection, until unsubscribed or stopped. A
   * new subscriber first receives the current state of every connection, as {@link
   * ConnectionEvent.StateChanged} events.
   */
  public record Subscribe(ActorRef<ConnectionEvent> subscriber) implements Command {}

  public record Unsubscribe(ActorRef<ConnectionEvent> subscriber) implements Command {}

  /**
   * Close every connection, inbound and outbound, with its configured close mode; answered when all
   * have ended. At most {@code tether.max-concurrent-closes} close at a time (in id order), so that
   * each close-timeout measures its peer rather than our own queue. Listeners keep accepting: use
   * {@link Shutdown} to stop them first.
   */
  public record CloseAll(ActorRef<AllClosed> replyTo) implements Command {}

  /**
   * Stop accepting on every listener first, then close every connection, inbound and outbound, with
   * its close mode; answered when all have ended (each close is bounded by its close-timeout, or
   * its listener's linger-timeout).
   */
  public record Shutdown(ActorRef<AllClosed> replyTo) implements Command {}

  // --- listeners ---

  /**
   * Bind a listener and accept TLS connections on it; each accepted connection is managed like an
   * outbound one (never reconnected) and gets its own session handler.
   */
  public record StartListener(ListenerSpec spec, ActorRef<ListenerResult> replyTo) implements Command {}

  /**
   * Unbind a listener, then close its connections with {@code mode} (empty: each one's configured
   * mode). Answered once all of them have ended, with their outcomes.
   */
  public record StopListener(String name, Optional<CloseMode> mode, ActorRef<ListenerStopResult> replyTo)
      implements Command {}

  /** All listeners, ordered by name. */
  public record ListListeners(ActorRef<ListenerList> replyTo) implements Command {}

  /**
   * Cluster mode: every member's connection counts, asked of each member's manager; members that do
   * not answer within {@code timeout} are named in {@link NodeSummaries#missing()}, never left out
   * silently. On one node: this node's counts.
   */
  public record SummarizeNodes(java.time.Duration timeout, ActorRef<NodeSummaries> replyTo) implements Command {}

  // --- TLS profiles (this node's files; in cluster mode every member reloads its own) ---

  /** Every TLS profile of this node, ordered by name: what it holds and where it came from. */
  public record ListTlsProfiles(ActorRef<TlsProfileList> replyTo) implements Command {}

  /**
   * Read a profile's files again, check them (the key belongs to the certificate, the certificate is
   * valid now, the trust parses) and swap them in at once: every handshake that starts afterwards,
   * outbound and on listeners, uses the new material; open connections keep theirs. On any problem
   * nothing changes and the answer says why. Acts on this node only: in cluster mode each member
   * holds its own files and is reloaded on its own (or by its watch).
   *
   * @param rollingReconnect after a successful reload, reconnect every outbound connection on this
   *     node that uses the profile, a few at a time (at most {@code max-concurrent-handshakes} in
   *     flight, each after a random delay up to the profile's {@code rolling-reconnect-jitter}), so
   *     that they present or verify with the new material; inbound ones are left to their clients
   */
  public record ReloadTlsProfile(String name, boolean rollingReconnect, ActorRef<TlsProfileReloadResult> replyTo)
      implements Command {}

  /**
   * @param profiles ordered by name
   * @param node cluster mode: the member whose profiles these are ({@code host:port}); empty on one node
   */
  public record TlsProfileList(List<TlsProfileInfo> profiles, Optional<String> node) {
    public TlsProfileList {
      profiles = List.copyOf(profiles);
    }
  }

  /** The answer to {@link ReloadTlsProfile}. */
  public sealed interface TlsProfileReloadResult {
    String name();
  }

  /**
   * The new material is in use for new handshakes.
   *
   * @param profile the profile as it is now
   * @param reconnecting how many outbound connections the rolling reconnect will reconnect (0 without one)
   * @param inboundKept how many accepted connections use the profile and keep their material until
   *     their clients reconnect (counted with a rolling reconnect only; 0 otherwise)
   * @param node cluster mode: the member that reloaded; empty on one node
   */
  public record TlsProfileReloaded(TlsProfileInfo profile, int reconnecting, int inboundKept, Optional<String> node)
      implements TlsProfileReloadResult {
    @Override
    public String name() {
      return profile.name();
    }
  }

  /**
   * Nothing changed: the material loaded before stays in use.
   *
   * @param reason what is wrong, naming the configuration key of the file at fault
   * @param profile the profile as it is now (still the old material; its lastReloadError is this reason)
   */
  public record TlsProfileReloadFailed(String name, String reason, TlsProfileInfo profile, Optional<String> node)
      implements TlsProfileReloadResult {}

  /** No profile of that name is configured. */
  public record UnknownTlsProfile(String name) implements TlsProfileReloadResult {}

  // --- replies ---

  /** The answer to {@link Open}. */
  public sealed interface OpenResult {}

  public record Opened(ConnectionView view) implements OpenResult {}

  public record OpenRejected(OpenRejection reason, String message) implements OpenResult {}

  public enum OpenRejection {
    /** A connection with that id is already managed. */
    ALREADY_EXISTS,
    /** The spec names a TLS profile that is not configured. */
    UNKNOWN_TLS_PROFILE,
    /** The spec names a session handler that is not registered. */
    UNKNOWN_HANDLER,
    /** The id has the form {@code <id>@<host>:<port>}, which names accepted connections in cluster mode. */
    RESERVED_ID,
    /**
     * Cluster mode: the replicated store did not confirm the spec in time (a swamped or failing
     * store). The open was not started; the spec may be stored after all, and then a wake-up
     * starts it: look the id up before opening it again.
     */
    STORE_UNCONFIRMED
  }

  /** The answer to {@link Close}. */
  public sealed interface CloseResult {
    ConnectionId id();
  }

  /**
   * The connection was closed; {@code outcome} is how its last incarnation ended, {@code direction}
   * which side had opened it (so that a summary of many closes needs no listing).
   */
  public record Closed(ConnectionId id, Outcome outcome, Direction direction) implements CloseResult {}

  public record UnknownConnection(ConnectionId id) implements CloseResult {}

  /**
   * @param connections ordered by id
   * @param missing cluster mode: the members whose manager did not answer in time (their
   *     connections are not in the list); empty on one node
   */
  public record ConnectionList(List<ConnectionView> connections, List<String> missing) {
    public ConnectionList {
      connections = List.copyOf(connections);
      missing = missing == null ? List.of() : List.copyOf(missing);
    }

    public ConnectionList(List<ConnectionView> connections) {
      this(connections, List.of());
    }
  }

  public record AllClosed(List<Closed> closed) {}

  /** The answer to {@link StartListener}. */
  public sealed interface ListenerResult {}

  public record ListenerStarted(ListenerInfo info) implements ListenerResult {}

  public record ListenerRejected(ListenerRejection reason, String message) implements ListenerResult {}

  public enum ListenerRejection {
    /** A listener with that name exists. */
    ALREADY_EXISTS,
    /** The spec names a TLS profile that is not configured. */
    UNKNOWN_TLS_PROFILE,
    /** The TLS profile has no key-pem + cert-pem to serve with. */
    NO_SERVER_IDENTITY,
    /** The spec names a session handler that is not registered. */
    UNKNOWN_HANDLER,
    /** The address could not be bound (in use, not a local address, no permission). */
    BIND_FAILED
  }

  /** The answer to {@link StopListener}. */
  public sealed interface ListenerStopResult {
    String name();
  }

  /** The listener no longer accepts; {@code closed} are its connections' outcomes. */
  public record ListenerStopped(String name, List<Closed> closed) implements ListenerStopResult {}

  public record UnknownListener(String name) implements ListenerStopResult {}

  public record ListenerList(List<ListenerInfo> listeners) {}

  /** The answer to {@link SummarizeNodes}: the members that answered, ordered by node, and those that did not. */
  public record NodeSummaries(List<NodeSummary> nodes, List<String> missing) {}

  /** The manager's behavior, for a host application to spawn (once per actor system). */
  public static Behavior<Command> create(ConnectionManagerSettings settings) {
    return ConnectionRegistry.create(settings);
  }
}
