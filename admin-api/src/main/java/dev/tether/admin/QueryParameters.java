package dev.tether.admin;

import dev.tether.admin.json.ErrorCode;
import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.Direction;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The values of the admin API's query parameters, one reader per type: each an {@link Unmarshaller}
 * for Pekko HTTP's {@code parameter}/{@code parameterOptional} directives. A value a reader refuses
 * becomes Pekko's {@link MalformedQueryParamRejection}, which {@link #REJECTIONS} answers as {@code
 * invalid-parameter} with the message {@code "<name>: <why>"}, so every route refuses a bad value
 * the same way. Wire names only, as everywhere in the API.
 */
final class QueryParameters {
  private QueryParameters() {}

  /** {@code ?reconnect=} of a TLS profile reload. */
  static final String ROLLING = "rolling";
  static final String NONE = "none";

  static final Unmarshaller<String, ConnectionState> STATE = Unmarshaller.sync(ConnectionState::fromWireName);
  static final Unmarshaller<String, Direction> DIRECTION = Unmarshaller.sync(Direction::fromWireName);
  static final Unmarshaller<String, CloseMode> CLOSE_MODE = Unmarshaller.sync(CloseMode::fromWireName);
  /** {@code ?reconnect=rolling|none}: whether a reload is followed by a rolling reconnect. */
  static final Unmarshaller<String, Boolean> ROLLING_RECONNECT = Unmarshaller.sync(QueryParameters::rolling);
  /** {@code ?all=true}, the only value: a bulk action meant for every connection its other parameters match. */
  static final Unmarshaller<String, Boolean> ALL = Unmarshaller.sync(QueryParameters::all);

  /** A value that a reader refused, as {@code invalid-parameter}; other rejections are left to the fallback. */
  static final RejectionHandler REJECTIONS = RejectionHandler.newBuilder()
      .handle(MalformedQueryParamRejection.class,
          r -> AdminRoutes.error(ErrorCode.INVALID_PARAMETER, message(r.parameterName(), r.errorMsg())))
      .build();

  /** The message of a refused value. */
  static String message(String name, String why) {
    return name + ": " + why;
  }

  /** A refused value, read outside a directive (a bulk action's query, checked as a whole). */
  static final class InvalidValue extends Exception {
    private final String parameter;

    InvalidValue(String parameter, String message) {
      super(message, null, false, false);
      this.parameter = parameter;
    }

    String parameter() {
      return parameter;
    }
  }

  /**
   * The first value of {@code name} in {@code query} read by {@code reader} (one of the functions the
   * unmarshallers above wrap), or empty if it is not given.
   */
  static <T> Optional<T> read(Map<String, List<String>> query, String name, Function<String, T> reader)
      throws InvalidValue {
    List<String> values = query.get(name);
    if (values == null || values.isEmpty()) return Optional.empty();
    try {
      return Optional.of(reader.apply(values.get(0)));
    } catch (IllegalArgumentException e) {
      throw new InvalidValue(name, message(name, e.getMessage()));
    }
  }

  static boolean rolling(String text) {
    if (text.equals(ROLLING)) return true;
    if (text.equals(NONE)) return false;
    throw new IllegalArgumentException("unknown value '" + text + "', expected " + ROLLING + " or " + NONE);
  }

  static boolean all(String text) {
    if (text.equals("true")) return true;
    throw new IllegalArgumentException(
        "must be true (to act on every connection the other parameters match), was '" + text + "'");
  }
}
