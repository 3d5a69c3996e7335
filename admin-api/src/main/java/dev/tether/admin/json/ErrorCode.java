package dev.tether.admin.json;

import com.fasterxml.jackson.annotation.JsonValue;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The {@code error} of every error response: a stable, kebab-case code ({@link #wireName()}) and
 * the HTTP status the admin API answers it with.
 *
 * <p>Pekko HTTP's own rejections (unknown path, wrong method, malformed JSON, ...) are answered
 * with a code too, chosen by {@link #ofRejection}. Such a response keeps the status Pekko chose,
 * which for {@link #INTERNAL_ERROR} and {@link #REQUEST_REJECTED} may differ from {@link #status()}.
 */
public enum ErrorCode {
  /** A body (or its absence) that the API cannot use; a bad POST body lists each bad field. */
  INVALID_REQUEST("invalid-request", StatusCodes.BAD_REQUEST),
  /** A query parameter with a value the API does not know. */
  INVALID_PARAMETER("invalid-parameter", StatusCodes.BAD_REQUEST),
  /** No connection with the id in the path (or that field of the body) is managed; or no listener or TLS profile of that name. */
  NOT_FOUND("not-found", StatusCodes.NOT_FOUND),
  /** A connection with the requested id is already managed. */
  ALREADY_EXISTS("already-exists", StatusCodes.CONFLICT),
  /** A send to a connection that is not open. */
  NOT_OPEN("not-open", StatusCodes.CONFLICT),
  /** A reconnect asked of an inbound connection: its client reconnects by itself. */
  NOT_RECONNECTABLE("not-reconnectable", StatusCodes.CONFLICT),
  /** Too many writes are pending on the connection; retry later. */
  BUFFER_FULL("buffer-full", StatusCodes.SERVICE_UNAVAILABLE),
  /** A TLS profile's files could not be reloaded (key not matching, expired, unreadable trust, ...); the old material stays. */
  RELOAD_FAILED("reload-failed", StatusCodes.BAD_REQUEST),
  /** The connection manager did not answer within the ask timeout. */
  MANAGER_TIMEOUT("manager-timeout", StatusCodes.SERVICE_UNAVAILABLE),
  /** Cluster mode: the replicated store did not confirm a new connection's spec in time. */
  STORE_UNCONFIRMED("store-unconfirmed", StatusCodes.SERVICE_UNAVAILABLE),
  /** The bearer token is missing or wrong. */
  UNAUTHORIZED("unauthorized", StatusCodes.UNAUTHORIZED),
  /** The request body is larger than {@code tether.admin.max-request-body}. */
  PAYLOAD_TOO_LARGE("payload-too-large", StatusCodes.CONTENT_TOO_LARGE),
  /** Rejected by Pekko HTTP: e.g. malformed JSON. */
  BAD_REQUEST("bad-request", StatusCodes.BAD_REQUEST),
  /** Rejected by Pekko HTTP: the path exists, the method does not. */
  METHOD_NOT_ALLOWED("method-not-allowed", StatusCodes.METHOD_NOT_ALLOWED),
  /** Rejected by Pekko HTTP: no acceptable representation. */
  NOT_ACCEPTABLE("not-acceptable", StatusCodes.NOT_ACCEPTABLE),
  /** Rejected by Pekko HTTP: the body's content type is not the one expected. */
  UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", StatusCodes.UNSUPPORTED_MEDIA_TYPE),
  /** Rejected by Pekko HTTP with a server error (5xx). */
  INTERNAL_ERROR("internal-error", StatusCodes.INTERNAL_SERVER_ERROR),
  /** Rejected by Pekko HTTP for any other reason (any other 4xx). */
  REQUEST_REJECTED("request-rejected", StatusCodes.BAD_REQUEST);

  private final String wireName;
  private final StatusCode status;

  ErrorCode(String wireName, StatusCode status) {
    this.wireName = wireName;
    this.status = status;
  }

  /** The code as it appears in the JSON {@code error} field, e.g. {@code not-found}. */
  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** The HTTP status of a response with this code. */
  public StatusCode status() {
    return status;
  }

  /** The code of a response that Pekko HTTP's rejection handling answered with {@code status}. */
  public static ErrorCode ofRejection(StatusCode status) {
    return switch (status.intValue()) {
      case 400 -> BAD_REQUEST;
      case 401 -> UNAUTHORIZED;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 406 -> NOT_ACCEPTABLE;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      default -> status.intValue() >= 500 ? INTERNAL_ERROR : REQUEST_REJECTED;
    };
  }

  @Override
  public String toString() {
    return wireName;
  }
}
