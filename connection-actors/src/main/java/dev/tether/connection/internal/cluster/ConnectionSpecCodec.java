package dev.tether.connection.internal.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.settings.KeepaliveSettings;
import dev.tether.connection.settings.ReconnectSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: a {@link ConnectionSpec} as a self-contained HOCON text, so that a connection opened
 * over the REST API can be stored (as a plain String in Distributed Data) and reopened after a
 * restart.
 *
 * <p>The text holds {@code format = 1}, {@code id}, {@code host}, {@code port}, {@code tls-profile},
 * {@code handler} (only if the spec has one), {@code settings-overridden} (whether the spec carried
 * its own settings) and {@code settings { ... }}: the effective settings as a complete {@code
 * tether.connection-defaults} block. Decoding reads that block with {@link
 * ConnectionSettings#fromConfig}, so a decoded spec passed the same validation as configuration.
 * The reader is never stored: an {@code ActorRef} does not survive a restart.
 *
 * <p>Durations are written in the largest unit that holds them exactly ({@code 3h}, {@code 1500ms},
 * {@code 250us}, {@code 7ns}), so nothing is rounded.
 */
final class ConnectionSpecCodec {
  /** The version of the text written by {@link #encode}; {@link #decode} accepts only this one. */
  static final int FORMAT = 1;

  // Ping and pong are arbitrary bytes, but fromConfig reads them as UTF-8 text. The settings block
  // keeps the plain `ping`/`pong` keys anyway, as their UTF-8 reading, so that it stays a complete
  // connection-defaults block: fromConfig reads it unchanged (no key is special-cased) and an
  // operator can read it. Only that reading is lossy (bytes that are not UTF-8 become U+FFFD), so
  // decoding then replaces both from `ping-base64`/`pong-base64`, which are authoritative, through
  // withPing/withPong (which validate again). `pong-base64` is absent exactly when there is no
  // pong (Optional.empty(): any bytes count), so a present but empty pong survives as well.
  private static final String PING_BASE64 = "ping-base64";
  private static final String PONG_BASE64 = "pong-base64";

  /** Duration units from the largest, with their HOCON names. */
  private static final TimeUnit[] UNITS = {
    TimeUnit.DAYS, TimeUnit.HOURS, TimeUnit.MINUTES, TimeUnit.SECONDS,
    TimeUnit.MILLISECONDS, TimeUnit.MICROSECONDS, TimeUnit.NANOSECONDS
  };
  private static final String[] UNIT_NAMES = {"d", "h", "m", "s", "ms", "us", "ns"};

  private ConnectionSpecCodec() {}

  /**
   * A decoded spec: no reader, and settings only if the stored spec carried its own (otherwise
   * the connection runs with the current {@code tether.connection-defaults}).
   */
  record Decoded(ConnectionSpec spec) {}

  /**
   * The spec as HOCON text.
   *
   * @param effective the settings the connection runs with: {@code spec.settings()} if present,
   *     else the configured defaults
   * @throws IllegalArgumentException if {@code spec.settings()} is present and is not {@code
   *     effective}, or a duration is too long to be written in nanoseconds (over 292 years)
   */
  static String encode(ConnectionSpec spec, ConnectionSettings effective) {
    if (spec.settings().isPresent() && !spec.settings().get().equals(effective)) {
      throw new IllegalArgumentException("connection " + spec.id() + ": effective settings differ from the spec's own");
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", FORMAT);
    root.put("id", spec.id().value());
    root.put("host", spec.host());
    root.put("port", spec.port());
    root.put("tls-profile", spec.tlsProfile());
    spec.handler().ifPresent(h -> root.put("handler", h));
    root.put("settings-overridden", spec.settings().isPresent());
    root.put("settings", writeSettings(effective));
    return ConfigValueFactory.fromMap(root).render(ConfigRenderOptions.concise());
  }

  /**
   * The spec stored in {@code text}.
   *
   * @throws IllegalArgumentException naming the problem if the text does not parse, is of another
   *     format, or holds a value that configuration would reject
   */
  static Decoded decode(String text) {
    if (text == null) throw new IllegalArgumentException("invalid stored connection spec: no text");
    Config c;
    try {
      c = ConfigFactory.parseString(text);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid stored connection spec: does not parse: " + e.getMessage(), e);
    }
    try {
      int format = c.getInt("format");
      if (format != FORMAT) {
        throw new IllegalArgumentException("unsupported format " + format + ", expected " + FORMAT);
      }
      ConnectionId id = ConnectionId.of(c.getString("id"));
      ConnectionSettings settings = readSettings(c.getConfig("settings"));
      Optional<ConnectionSettings> own = c.getBoolean("settings-overridden") ? Optional.of(settings) : Optional.empty();
      Optional<String> handler = c.hasPath("handler") ? Optional.of(c.getString("handler")) : Optional.empty();
      return new Decoded(new ConnectionSpec(
          id, c.getString("host"), c.getInt("port"), c.getString("tls-profile"), Optional.empty(), own, handler));
    } catch (ConfigException | IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid stored connection spec" + idOf(c) + ": " + e.getMessage(), e);
    }
  }

  private static ConnectionSettings readSettings(Config s) {
    ConnectionSettings read = ConnectionSettings.fromConfig(s, "settings");
    KeepaliveSettings k = read.keepalive()
        .withPing(base64(s, "keepalive." + PING_BASE64))
        .withPong(s.hasPath("keepalive." + PONG_BASE64) ? Optional.of(base64(s, "keepalive." + PONG_BASE64)) : Optional.empty());
    return read.withKeepalive(k);
  }

  private static ByteString base64(Config s, String key) {
    try {
      return ByteString.fromArrayUnsafe(Base64.getDecoder().decode(s.getString(key)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("settings." + key + " is not base64: " + e.getMessage(), e);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("settings." + key + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> writeSettings(ConnectionSettings s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("connect-timeout", exact(s.connectTimeout(), "connect-timeout"));
    m.put("handshake-timeout", exact(s.handshakeTimeout(), "handshake-timeout"));
    m.put("close-timeout", exact(s.closeTimeout(), "close-timeout"));
    m.put("close-mode", s.closeMode().wireName());
    m.put("max-pending-writes", s.maxPendingWrites());
    m.put("inbound-window", s.readerAcknowledges() ? (Object) s.receiveWindow() : "unbounded");
    m.put("reconnect", writeReconnect(s.reconnect()));
    m.put("keepalive", writeKeepalive(s.keepalive()));
    return m;
  }

  private static Map<String, Object> writeReconnect(ReconnectSettings r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("min-backoff", exact(r.minBackoff(), "reconnect.min-backoff"));
    m.put("max-backoff", exact(r.maxBackoff(), "reconnect.max-backoff"));
    m.put("random-factor", r.randomFactor());
    m.put("reset-after", exact(r.resetAfter(), "reconnect.reset-after"));
    m.put("max-failures", r.maxFailures());
    m.put("max-failures-within", exact(r.maxFailuresWithin(), "reconnect.max-failures-within"));
    return m;
  }

  private static Map<String, Object> writeKeepalive(KeepaliveSettings k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("enabled", k.enabled());
    m.put("interval", exact(k.interval(), "keepalive.interval"));
    m.put("timeout", exact(k.timeout(), "keepalive.timeout"));
    m.put("ping", k.ping().decodeString(StandardCharsets.UTF_8));
    m.put(PING_BASE64, Base64.getEncoder().encodeToString(k.ping().toArray()));
    m.put("pong", k.pong().map(p -> p.decodeString(StandardCharsets.UTF_8)).orElse(""));
    k.pong().ifPresent(p -> m.put(PONG_BASE64, Base64.getEncoder().encodeToString(p.toArray())));
    m.put("allowed-misses", k.allowedMisses());
    KeepaliveSettings.TcpKeepalive t = k.tcp();
    Map<String, Object> tcp = new LinkedHashMap<>();
    tcp.put("enabled", t.enabled());
    tcp.put("idle", exact(t.idle(), "keepalive.tcp.idle"));
    tcp.put("interval", exact(t.interval(), "keepalive.tcp.interval"));
    tcp.put("count", t.count());
    m.put("tcp", tcp);
    return m;
  }

  /** {@code d} in the largest HOCON unit that holds it exactly; HOCON reads durations as long nanoseconds. */
  private static String exact(Duration d, String key) {
    long nanos;
    try {
      nanos = d.toNanos();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("settings." + key + " is too long to store: " + d, e);
    }
    for (int i = 0; i < UNITS.length; i++) {
      long unit = UNITS[i].toNanos(1);
      if (nanos % unit == 0) return (nanos / unit) + UNIT_NAMES[i];
    }
    throw new AssertionError("unreachable: every duration is a whole number of nanoseconds");
  }

  /** " 'id'" when the text names an id, for error messages; "" otherwise. */
  private static String idOf(Config c) {
    try {
      return c.hasPath("id") ? " '" + c.getString("id") + "'" : "";
    } catch (ConfigException e) {
      return "";
    }
  }
}
