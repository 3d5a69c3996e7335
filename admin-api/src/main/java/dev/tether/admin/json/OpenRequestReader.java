package dev.tether.admin.json;

import static dev.tether.connection.settings.ReconnectSettings.MAX_RANDOM_FACTOR;
import static dev.tether.connection.settings.ReconnectSettings.MIN_RANDOM_FACTOR;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.admin.json.ErrorJson.FieldError;
import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.settings.KeepaliveSettings;
import dev.tether.connection.settings.ReconnectSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.util.ByteString;

/**
 * Reads the body of {@code POST /connections} into a {@link ConnectionSpec}, field by field, so that
 * every bad field is reported with its own message (a data-binding mapper stops at the first one).
 * Unknown fields are rejected. Omitted fields take the configured defaults.
 */
public final class OpenRequestReader {

  /** The result of reading a request body. */
  public sealed interface Result {}

  /** A valid request. */
  public record Valid(ConnectionSpec spec) implements Result {}

  /** An invalid request, with one entry per bad field. */
  public record Invalid(List<FieldError> errors) implements Result {}

  private static final Set<String> FIELDS = Set.of(
      "id", "host", "port", "tlsProfile", "closeMode", "connectTimeout", "handshakeTimeout", "closeTimeout",
      "keepalive", "reconnect", "handler");
  private static final Set<String> KEEPALIVE_FIELDS = Set.of("enabled", "interval", "timeout", "ping", "allowedMisses");
  private static final Set<String> RECONNECT_FIELDS = Set.of("minBackoff", "maxBackoff", "randomFactor");

  private final ConnectionSettings defaults;
  private final Supplier<String> idGenerator;

  /**
   * @param defaults the configured {@code tether.connection-defaults}
   * @param idGenerator supplies an id when the request names none
   */
  public OpenRequestReader(ConnectionSettings defaults, Supplier<String> idGenerator) {
    this.defaults = defaults;
    this.idGenerator = idGenerator;
  }

  public Result read(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    if (body == null || !body.isObject()) {
      return new Invalid(List.of(new FieldError("", "the body must be a JSON object")));
    }
    unknownFields(body, FIELDS, "", errors);

    String id = text(body, "id", "id", errors).orElse(null);
    if (id != null) ConnectionId.problem(id).ifPresent(p -> errors.add(new FieldError("id", p)));
    String host = text(body, "host", "host", errors).orElse(null);
    if (host == null && present(body, "host") == null) errors.add(new FieldError("host", "is required"));
    if (host != null && host.isBlank()) errors.add(new FieldError("host", "must not be empty"));
    Integer port = integer(body, "port", "port", 1, 65535, errors).orElse(null);
    if (port == null && present(body, "port") == null) errors.add(new FieldError("port", "is required"));
    String profile = text(body, "tlsProfile", "tlsProfile", errors).orElse("default");
    if (profile.isBlank()) errors.add(new FieldError("tlsProfile", "must not be empty"));
    Optional<String> handler = text(body, "handler", "handler", errors);
    if (handler.isPresent() && handler.get().isBlank()) errors.add(new FieldError("handler", "must not be empty"));

    ConnectionSettings s = defaults;
    boolean overridden = false;
    Optional<CloseMode> mode = parsed(body, "closeMode", "closeMode", CloseMode::fromWireName, errors);
    if (mode.isPresent()) s = s.withCloseMode(mode.get());
    Optional<Duration> connect = duration(body, "connectTimeout", "connectTimeout", errors);
    if (connect.isPresent()) s = s.withConnectTimeout(connect.get());
    Optional<Duration> handshake = duration(body, "handshakeTimeout", "handshakeTimeout", errors);
    if (handshake.isPresent()) s = s.withHandshakeTimeout(handshake.get());
    Optional<Duration> close = duration(body, "closeTimeout", "closeTimeout", errors);
    if (close.isPresent()) s = s.withCloseTimeout(close.get());
    overridden |= mode.isPresent() || connect.isPresent() || handshake.isPresent() || close.isPresent();

    JsonNode ka = present(body, "keepalive");
    if (ka != null) {
      Optional<KeepaliveSettings> k = keepalive(ka, s.keepalive(), errors);
      if (k.isPresent()) s = s.withKeepalive(k.get());
      overridden = true;
    }
    JsonNode rc = present(body, "reconnect");
    if (rc != null) {
      Optional<ReconnectSettings> r = reconnect(rc, s.reconnect(), errors);
      if (r.isPresent()) s = s.withReconnect(r.get());
      overridden = true;
    }

    if (!errors.isEmpty()) return new Invalid(List.copyOf(errors));
    ConnectionSpec spec = new ConnectionSpec(ConnectionId.of(id != null ? id : idGenerator.get()), host, port, profile,
        Optional.empty(), overridden ? Optional.of(s) : Optional.empty(), handler);
    return new Valid(spec);
  }

  private Optional<KeepaliveSettings> keepalive(JsonNode ka, KeepaliveSettings base, List<FieldError> errors) {
    if (!ka.isObject()) {
      errors.add(new FieldError("keepalive", "must be an object {\"interval\", \"timeout\", \"ping\", \"allowedMisses\"}"));
      return Optional.empty();
    }
    int before = errors.size();
    unknownFields(ka, KEEPALIVE_FIELDS, "keepalive.", errors);
    Optional<Boolean> enabled = bool(ka, "enabled", "keepalive.enabled", errors);
    Optional<Duration> interval = duration(ka, "interval", "keepalive.interval", errors);
    Optional<Duration> timeout = duration(ka, "timeout", "keepalive.timeout", errors);
    Optional<String> ping = text(ka, "ping", "keepalive.ping", errors);
    if (ping.isPresent() && ping.get().isEmpty()) errors.add(new FieldError("keepalive.ping", "must not be empty"));
    Optional<Integer> misses = integer(ka, "allowedMisses", "keepalive.allowedMisses", 0, 1_000_000, errors);
    if (errors.size() > before) return Optional.empty();
    // Giving a keepalive object turns keepalive on, unless it says "enabled": false.
    KeepaliveSettings k = base.withEnabled(enabled.orElse(true));
    if (interval.isPresent()) k = k.withInterval(interval.get());
    if (timeout.isPresent()) k = k.withTimeout(timeout.get());
    if (ping.isPresent()) k = k.withPing(ByteString.fromString(ping.get(), StandardCharsets.UTF_8));
    if (misses.isPresent()) k = k.withAllowedMisses(misses.get());
    return Optional.of(k);
  }

  private Optional<ReconnectSettings> reconnect(JsonNode rc, ReconnectSettings base, List<FieldError> errors) {
    if (!rc.isObject()) {
      errors.add(new FieldError("reconnect", "must be an object {\"minBackoff\", \"maxBackoff\", \"randomFactor\"}"));
      return Optional.empty();
    }
    int before = errors.size();
    unknownFields(rc, RECONNECT_FIELDS, "reconnect.", errors);
    Optional<Duration> min = duration(rc, "minBackoff", "reconnect.minBackoff", errors);
    Optional<Duration> max = duration(rc, "maxBackoff", "reconnect.maxBackoff", errors);
    Optional<Double> factor = Optional.empty();
    JsonNode f = present(rc, "randomFactor");
    if (f != null) {
      String range = "between " + MIN_RANDOM_FACTOR + " and " + MAX_RANDOM_FACTOR;
      if (!f.isNumber()) errors.add(new FieldError("reconnect.randomFactor", "must be a number " + range));
      else if (!ReconnectSettings.isValidRandomFactor(f.asDouble())) {
        errors.add(new FieldError("reconnect.randomFactor", "must be " + range + ", was " + f.asText()));
      } else {
        factor = Optional.of(f.asDouble());
      }
    }
    if (errors.size() > before) return Optional.empty();
    // Only a raised minBackoff: withMinBackoff lifts the default maxBackoff with it rather than reject the request.
    ReconnectSettings withMin = min.map(base::withMinBackoff).orElse(base);
    if (max.isPresent() && !ReconnectSettings.isValidBackoffRange(withMin.minBackoff(), max.get())) {
      errors.add(new FieldError("reconnect", "maxBackoff (" + Durations.format(max.get()) + ") must be >= minBackoff ("
          + Durations.format(withMin.minBackoff()) + ")"));
      return Optional.empty();
    }
    try {
      ReconnectSettings withMax = max.map(withMin::withMaxBackoff).orElse(withMin);
      return Optional.of(factor.map(withMax::withRandomFactor).orElse(withMax));
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError("reconnect", e.getMessage()));
      return Optional.empty();
    }
  }

  // ---------------------------------------------------------------- field readers

  /** The field's node, or null if it is absent or JSON null (both mean "take the default"). */
  private static JsonNode present(JsonNode obj, String name) {
    JsonNode n = obj.get(name);
    return n == null || n.isNull() ? null : n;
  }

  private static void unknownFields(JsonNode obj, Set<String> known, String prefix, List<FieldError> errors) {
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        errors.add(new FieldError(prefix + name, "unknown field; known fields are " + known.stream().sorted().toList()));
      }
    }
  }

  private static Optional<String> text(JsonNode obj, String name, String path, List<FieldError> errors) {
    JsonNode n = present(obj, name);
    if (n == null) return Optional.empty();
    if (!n.isTextual()) {
      errors.add(new FieldError(path, "must be a string, was " + n.getNodeType().name().toLowerCase()));
      return Optional.empty();
    }
    return Optional.of(n.textValue());
  }

  private static Optional<Boolean> bool(JsonNode obj, String name, String path, List<FieldError> errors) {
    JsonNode n = present(obj, name);
    if (n == null) return Optional.empty();
    if (!n.isBoolean()) {
      errors.add(new FieldError(path, "must be true or false"));
      return Optional.empty();
    }
    return Optional.of(n.booleanValue());
  }

  private static Optional<Integer> integer(JsonNode obj, String name, String path, int min, int max, List<FieldError> errors) {
    JsonNode n = present(obj, name);
    if (n == null) return Optional.empty();
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
      errors.add(new FieldError(path, "must be an integer between " + min + " and " + max + ", was " + n));
      return Optional.empty();
    }
    return Optional.of(n.intValue());
  }

  private static Optional<Duration> duration(JsonNode obj, String name, String path, List<FieldError> errors) {
    Optional<Duration> d = parsed(obj, name, path, Durations::parse, errors);
    if (d.isPresent() && d.get().isZero()) {
      errors.add(new FieldError(path, "must be greater than zero"));
      return Optional.empty();
    }
    return d;
  }

  private static <T> Optional<T> parsed(JsonNode obj, String name, String path, Function<String, T> parser, List<FieldError> errors) {
    Optional<String> t = text(obj, name, path, errors);
    if (t.isEmpty()) return Optional.empty();
    try {
      return Optional.of(parser.apply(t.get()));
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError(path, e.getMessage()));
      return Optional.empty();
    }
  }
}
