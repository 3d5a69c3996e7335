package dev.tether.connection.settings;

import dev.tether.connection.ListenerSpec;
import dev.tether.connection.session.SessionHandlerFactory;
import dev.tether.connection.tls.TlsProfile;
import dev.tether.connection.tls.TlsStage;
import com.typesafe.config.Config;
import dev.tether.connection.handlers.EchoHandler;
import dev.tether.connection.handlers.JobsHandler;
import dev.tether.connection.internal.tlsprofile.TlsProfiles;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * @param streamDispatcher the dispatcher of the data plane: the connections' TLS and TCP streams, each
 *     incarnation's actor and its session handler ({@code tether.stream-dispatcher}); empty means
 *     the default dispatcher
 * @param listeners {@code tether.listeners}, by name: started with the manager
 * @param handlers session handler factories by name: the built-in {@code echo} and {@code jobs},
 *     and any the host registers ({@link #withHandler})
 * @param cluster {@code tether.cluster}
 * @param tlsStage which TLS stage the connections' streams run ({@code tether.tls-stage})
 * @param journalSize how many events each connection's journal keeps ({@code tether.journal-size})
 * @param journalKeepRemoved how many journals of connections closed on request this node keeps
 *     after they are gone ({@code tether.journal-keep-removed}); 0 keeps none
 * @param maxConcurrentCloses how many connections a {@code CloseAll} (and a shutdown) closes at once
 *     ({@code tether.max-concurrent-closes}); the next starts as each ends
 */
public record ConnectionManagerSettings(
    ConnectionSettings defaults,
    Map<String, TlsProfile> tlsProfiles,
    int historySize,
    int maxConcurrentHandshakes,
    Optional<String> streamDispatcher,
    Map<String, ListenerSpec> listeners,
    Map<String, SessionHandlerFactory> handlers,
    ClusterSettings cluster,
    TlsStage tlsStage,
    int journalSize,
    int journalKeepRemoved,
    int maxConcurrentCloses) {

  /** {@code tether.history-size}'s default. */
  public static final int DEFAULT_HISTORY_SIZE = 20;

  /** {@code tether.max-concurrent-handshakes}'s default. */
  public static final int DEFAULT_MAX_CONCURRENT_HANDSHAKES = 256;

  /** {@code tether.journal-size}'s default. */
  public static final int DEFAULT_JOURNAL_SIZE = 200;

  /** {@code tether.journal-keep-removed}'s default. */
  public static final int DEFAULT_JOURNAL_KEEP_REMOVED = 100;

  /** {@code tether.max-concurrent-closes}'s default. */
  public static final int DEFAULT_MAX_CONCURRENT_CLOSES = 2048;

  /** The handlers every manager has: {@code echo} and {@code jobs} (see {@link dev.tether.connection.handlers}). */
  public static final Map<String, SessionHandlerFactory> BUILT_IN_HANDLERS =
      Map.of("echo", EchoHandler::create, "jobs", JobsHandler::create);

  public ConnectionManagerSettings {
    Objects.requireNonNull(defaults, "defaults");
    tlsProfiles = Map.copyOf(tlsProfiles);
    // The one check of these values, for configuration and for the builder alike.
    requireAtLeast(1, historySize, "tether.history-size");
    requireAtLeast(1, maxConcurrentHandshakes, "tether.max-concurrent-handshakes");
    requireAtLeast(1, journalSize, "tether.journal-size");
    requireAtLeast(0, journalKeepRemoved, "tether.journal-keep-removed");
    requireAtLeast(1, maxConcurrentCloses, "tether.max-concurrent-closes");
    streamDispatcher = streamDispatcher == null ? Optional.empty() : streamDispatcher.filter(d -> !d.isBlank());
    listeners = Map.copyOf(listeners == null ? Map.of() : listeners);
    Map<String, SessionHandlerFactory> h = new HashMap<>(BUILT_IN_HANDLERS);
    if (handlers != null) h.putAll(handlers);
    handlers = Map.copyOf(h);
    if (cluster == null) cluster = ClusterSettings.OFF;
    if (tlsStage == null) tlsStage = TlsStage.TETHER;
  }

  private static void requireAtLeast(int min, int value, String key) {
    if (value < min) {
      throw new IllegalArgumentException("invalid configuration at " + key + ": must be >= " + min + ", was " + value);
    }
  }

  // The shorter constructors below predate the builder; kept so that embedders' code still compiles.

  /**
   * Settings with the default {@code max-concurrent-closes}.
   *
   * @deprecated use {@link #builder(ConnectionSettings)}
   */
  @Deprecated(since = "0.1.0")
  public ConnectionManagerSettings(ConnectionSettings defaults, Map<String, TlsProfile> tlsProfiles, int historySize,
      int maxConcurrentHandshakes, Optional<String> streamDispatcher, Map<String, ListenerSpec> listeners,
      Map<String, SessionHandlerFactory> handlers, ClusterSettings cluster, TlsStage tlsStage, int journalSize,
      int journalKeepRemoved) {
    this(defaults, tlsProfiles, historySize, maxConcurrentHandshakes, streamDispatcher, listeners, handlers, cluster,
        tlsStage, journalSize, journalKeepRemoved, DEFAULT_MAX_CONCURRENT_CLOSES);
  }

  /**
   * Settings with the default journal sizes.
   *
   * @deprecated use {@link #builder(ConnectionSettings)}
   */
  @Deprecated(since = "0.1.0")
  public ConnectionManagerSettings(ConnectionSettings defaults, Map<String, TlsProfile> tlsProfiles, int historySize,
      int maxConcurrentHandshakes, Optional<String> streamDispatcher, Map<String, ListenerSpec> listeners,
      Map<String, SessionHandlerFactory> handlers, ClusterSettings cluster, TlsStage tlsStage) {
    this(defaults, tlsProfiles, historySize, maxConcurrentHandshakes, streamDispatcher, listeners, handlers, cluster,
        tlsStage, DEFAULT_JOURNAL_SIZE, DEFAULT_JOURNAL_KEEP_REMOVED);
  }

  /**
   * Settings with Tether's TLS stage (the default).
   *
   * @deprecated use {@link #builder(ConnectionSettings)}
   */
  @Deprecated(since = "0.1.0")
  public ConnectionManagerSettings(ConnectionSettings defaults, Map<String, TlsProfile> tlsProfiles, int historySize,
      int maxConcurrentHandshakes, Optional<String> streamDispatcher, Map<String, ListenerSpec> listeners,
      Map<String, SessionHandlerFactory> handlers, ClusterSettings cluster) {
    this(defaults, tlsProfiles, historySize, maxConcurrentHandshakes, streamDispatcher, listeners, handlers, cluster,
        TlsStage.TETHER);
  }

  /**
   * Settings on one node (cluster mode off).
   *
   * @deprecated use {@link #builder(ConnectionSettings)}
   */
  @Deprecated(since = "0.1.0")
  public ConnectionManagerSettings(ConnectionSettings defaults, Map<String, TlsProfile> tlsProfiles, int historySize,
      int maxConcurrentHandshakes, Optional<String> streamDispatcher, Map<String, ListenerSpec> listeners,
      Map<String, SessionHandlerFactory> handlers) {
    this(defaults, tlsProfiles, historySize, maxConcurrentHandshakes, streamDispatcher, listeners, handlers,
        ClusterSettings.OFF);
  }

  /**
   * Settings without listeners, with only the built-in handlers.
   *
   * @deprecated use {@link #builder(ConnectionSettings)}
   */
  @Deprecated(since = "0.1.0")
  public ConnectionManagerSettings(ConnectionSettings defaults, Map<String, TlsProfile> tlsProfiles, int historySize,
      int maxConcurrentHandshakes, Optional<String> streamDispatcher) {
    this(defaults, tlsProfiles, historySize, maxConcurrentHandshakes, streamDispatcher, Map.of(), Map.of());
  }

  /**
   * Settings with the default handshake limit (256) and the materializer's default dispatcher.
   *
   * @deprecated use {@link #builder(ConnectionSettings)}
   */
  @Deprecated(since = "0.1.0")
  public ConnectionManagerSettings(ConnectionSettings defaults, Map<String, TlsProfile> tlsProfiles, int historySize) {
    this(defaults, tlsProfiles, historySize, DEFAULT_MAX_CONCURRENT_HANDSHAKES, Optional.empty());
  }

  /** Reads {@code tether} from the system's configuration. */
  public static ConnectionManagerSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  /** Reads the {@code tether} block of a full configuration (reference.conf included). */
  public static ConnectionManagerSettings create(Config root) {
    return create(root, Map.of());
  }

  /**
   * Reads the {@code tether} block, with the host's own session handlers (by name) in addition to the
   * built-in ones; a configured listener may name any of them.
   */
  public static ConnectionManagerSettings create(Config root, Map<String, SessionHandlerFactory> hostHandlers) {
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
    Map<String, SessionHandlerFactory> handlers = new HashMap<>(BUILT_IN_HANDLERS);
    handlers.putAll(hostHandlers);
    Map<String, ListenerSpec> listeners = ListenerSpec.allFromConfig(t, profiles, handlers);
    ClusterSettings cluster = ClusterSettings.fromConfig(t.getConfig("cluster"), "tether.cluster");
    TlsStage tlsStage = Settings.wrap("tether.tls-stage", () -> TlsStage.fromWireName(t.getString("tls-stage")));
    int journalSize = Settings.wrap("tether.journal-size", () -> t.getInt("journal-size"));
    int keepRemoved = Settings.wrap("tether.journal-keep-removed", () -> t.getInt("journal-keep-removed"));
    int closes = Settings.wrap("tether.max-concurrent-closes", () -> t.getInt("max-concurrent-closes"));
    // Ranges are checked by the constructor, naming the key.
    return new ConnectionManagerSettings(defaults, profiles, history, handshakes, Optional.of(dispatcher), listeners,
        handlers, cluster, tlsStage, journalSize, keepRemoved, closes);
  }

  /** A builder holding these settings, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * A builder starting from {@code defaults} and, for everything else, the values reference.conf
   * ships (no TLS profile, no listener, the built-in handlers, one node, Tether's TLS stage), except
   * the stream dispatcher: none, so the streams run on the materializer's default dispatcher. Prefer
   * {@link #create(Config)} where a configuration is at hand: it reads and validates every key.
   */
  public static Builder builder(ConnectionSettings defaults) {
    return new Builder(defaults);
  }

  /** A copy with one more TLS profile (or a replaced one of the same name). */
  public ConnectionManagerSettings withTlsProfile(TlsProfile profile) {
    return toBuilder().tlsProfile(profile).build();
  }

  public ConnectionManagerSettings withDefaults(ConnectionSettings d) {
    return toBuilder().defaults(d).build();
  }

  public ConnectionManagerSettings withMaxConcurrentHandshakes(int n) {
    return toBuilder().maxConcurrentHandshakes(n).build();
  }

  /** A copy with one more session handler factory (or a replaced one of the same name). */
  public ConnectionManagerSettings withHandler(String name, SessionHandlerFactory factory) {
    return toBuilder().handler(name, factory).build();
  }

  /** A copy with one more listener to start with the manager (or a replaced one of the same name). */
  public ConnectionManagerSettings withListener(ListenerSpec spec) {
    return toBuilder().listener(spec).build();
  }

  /** A copy with other cluster settings. */
  public ConnectionManagerSettings withCluster(ClusterSettings c) {
    return toBuilder().cluster(c).build();
  }

  /** A copy running the given TLS stage. */
  public ConnectionManagerSettings withTlsStage(TlsStage stage) {
    return toBuilder().tlsStage(stage).build();
  }

  /** A copy whose {@code CloseAll} closes at most {@code n} connections at once. */
  public ConnectionManagerSettings withMaxConcurrentCloses(int n) {
    return toBuilder().maxConcurrentCloses(n).build();
  }

  /** A copy whose connections' journals keep {@code size} events each. */
  public ConnectionManagerSettings withJournalSize(int size) {
    return toBuilder().journalSize(size).build();
  }

  /** A copy without configured listeners (for a host that starts its own with StartListener). */
  public ConnectionManagerSettings withoutListeners() {
    return toBuilder().listeners(Map.of()).build();
  }

  /**
   * Settings one value at a time: {@link #builder(ConnectionSettings)} or {@link #toBuilder()}.
   * {@link #build()} validates as the record's constructor does (a new setting is added here once,
   * not in every copy method).
   */
  public static final class Builder {
    private ConnectionSettings defaults;
    private final Map<String, TlsProfile> tlsProfiles = new HashMap<>();
    private int historySize = DEFAULT_HISTORY_SIZE;
    private int maxConcurrentHandshakes = DEFAULT_MAX_CONCURRENT_HANDSHAKES;
    private Optional<String> streamDispatcher = Optional.empty();
    private final Map<String, ListenerSpec> listeners = new LinkedHashMap<>();
    private final Map<String, SessionHandlerFactory> handlers = new HashMap<>();
    private ClusterSettings cluster = ClusterSettings.OFF;
    private TlsStage tlsStage = TlsStage.TETHER;
    private int journalSize = DEFAULT_JOURNAL_SIZE;
    private int journalKeepRemoved = DEFAULT_JOURNAL_KEEP_REMOVED;
    private int maxConcurrentCloses = DEFAULT_MAX_CONCURRENT_CLOSES;

    private Builder(ConnectionSettings defaults) {
      this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    private Builder(ConnectionManagerSettings s) {
      this(s.defaults);
      tlsProfiles.putAll(s.tlsProfiles);
      historySize = s.historySize;
      maxConcurrentHandshakes = s.maxConcurrentHandshakes;
      streamDispatcher = s.streamDispatcher;
      listeners.putAll(s.listeners);
      handlers.putAll(s.handlers);
      cluster = s.cluster;
      tlsStage = s.tlsStage;
      journalSize = s.journalSize;
      journalKeepRemoved = s.journalKeepRemoved;
      maxConcurrentCloses = s.maxConcurrentCloses;
    }

    /** {@code tether.connection-defaults}. */
    public Builder defaults(ConnectionSettings d) {
      defaults = Objects.requireNonNull(d, "defaults");
      return this;
    }

    /** One more TLS profile, or a replaced one of the same name. */
    public Builder tlsProfile(TlsProfile profile) {
      tlsProfiles.put(profile.name(), profile);
      return this;
    }

    /** {@code tether.history-size}. */
    public Builder historySize(int n) {
      historySize = n;
      return this;
    }

    /** {@code tether.max-concurrent-handshakes}. */
    public Builder maxConcurrentHandshakes(int n) {
      maxConcurrentHandshakes = n;
      return this;
    }

    /** {@code tether.stream-dispatcher}: a dispatcher's configuration path; empty for the default dispatcher. */
    public Builder streamDispatcher(Optional<String> path) {
      streamDispatcher = Objects.requireNonNull(path, "streamDispatcher");
      return this;
    }

    /** One more listener started with the manager, or a replaced one of the same name. */
    public Builder listener(ListenerSpec spec) {
      listeners.put(spec.name(), spec);
      return this;
    }

    /** Exactly these listeners (an empty map for none). */
    public Builder listeners(Map<String, ListenerSpec> all) {
      listeners.clear();
      listeners.putAll(all);
      return this;
    }

    /** One more session handler factory by name, or a replaced one (the built-in ones are always there). */
    public Builder handler(String name, SessionHandlerFactory factory) {
      handlers.put(name, factory);
      return this;
    }

    /** {@code tether.cluster}. */
    public Builder cluster(ClusterSettings c) {
      cluster = Objects.requireNonNull(c, "cluster");
      return this;
    }

    /** {@code tether.tls-stage}. */
    public Builder tlsStage(TlsStage stage) {
      tlsStage = Objects.requireNonNull(stage, "tlsStage");
      return this;
    }

    /** {@code tether.journal-size}. */
    public Builder journalSize(int n) {
      journalSize = n;
      return this;
    }

    /** {@code tether.journal-keep-removed}. */
    public Builder journalKeepRemoved(int n) {
      journalKeepRemoved = n;
      return this;
    }

    /** {@code tether.max-concurrent-closes}. */
    public Builder maxConcurrentCloses(int n) {
      maxConcurrentCloses = n;
      return this;
    }

    /** The settings; fails naming the key of the first invalid value. */
    public ConnectionManagerSettings build() {
      return new ConnectionManagerSettings(defaults, tlsProfiles, historySize, maxConcurrentHandshakes, streamDispatcher,
          listeners, handlers, cluster, tlsStage, journalSize, journalKeepRemoved, maxConcurrentCloses);
    }
  }
}
