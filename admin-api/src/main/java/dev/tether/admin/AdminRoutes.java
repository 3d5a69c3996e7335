package dev.tether.admin;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.admin.json.ClosedJson;
import dev.tether.admin.json.ConnectionJson;
import dev.tether.admin.json.ConnectionListJson;
import dev.tether.admin.json.ErrorCode;
import dev.tether.admin.json.ErrorJson;
import dev.tether.admin.json.EventJson;
import dev.tether.admin.json.HealthJson;
import dev.tether.admin.json.JsonSupport;
import dev.tether.admin.json.OpenRequestReader;
import dev.tether.admin.json.OutcomeJson;
import dev.tether.admin.json.SentJson;
import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.Direction;
import dev.tether.connection.SendResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.pattern.AskTimeoutException;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;

/**
 * The admin REST API over a {@link ConnectionManager}. Routes only: every decision is the
 * manager's; this class translates HTTP and JSON into its protocol and back.
 *
 * <p>A host application mounts {@link #create} in its own server. Requests outside the admin paths
 * are left to the host's other routes; inside them, every error is answered here as JSON {@code
 * {"error", "message"}}, with an {@link ErrorCode}.
 */
public final class AdminRoutes {

  private final ActorRef<ConnectionManager.Command> manager;
  private final ActorSystem<?> system;
  private final AdminSettings settings;
  private final AdminMetrics metrics;
  private final OpenRequestReader requestReader;
  private final BearerTokenCheck tokenCheck;
  private final ListenerRoutes listenerRoutes;
  private final TlsProfileRoutes tlsProfileRoutes;
  private final BulkRoutes bulkRoutes;
  private final JournalRoute journalRoute;

  private AdminRoutes(ActorRef<ConnectionManager.Command> manager, ActorSystem<?> system, AdminSettings settings,
      ConnectionSettings defaults, AdminMetrics metrics) {
    this.manager = manager;
    this.system = system;
    this.settings = settings;
    this.metrics = metrics;
    this.requestReader = new OpenRequestReader(defaults, AdminRoutes::generateId);
    this.tokenCheck = new BearerTokenCheck(settings.token());
    this.listenerRoutes = new ListenerRoutes(manager, system, settings);
    this.tlsProfileRoutes = new TlsProfileRoutes(manager, system, settings);
    this.bulkRoutes = new BulkRoutes(manager, system, settings);
    this.journalRoute = new JournalRoute(manager, system, settings);
  }

  /**
   * The admin routes over {@code manager}. Reads no configuration and starts nothing: a host
   * application builds what they need once, for example
   *
   * <pre>{@code
   * ActorRef<ConnectionManager.Command> manager = Tether.get(system).manager();
   * AdminSettings settings = AdminSettings.create(system);                  // tether.admin
   * ConnectionSettings defaults = Tether.get(system).settings().defaults(); // tether.connection-defaults
   * AdminMetrics metrics = AdminMetrics.start(manager, system);             // feeds GET /metrics
   * Route route = AdminRoutes.create(manager, system, settings, defaults, metrics);
   * }</pre>
   *
   * @param manager the connection manager that the routes ask
   * @param system runs the asks and the event streams
   * @param settings the admin API's settings: token, ask timeouts, body size limit
   * @param connectionDefaults the settings that {@code POST /connections} overrides field by field
   *     (normally the manager's {@code tether.connection-defaults})
   * @param metrics what {@code GET /metrics} shows; started on the same {@code manager}
   */
  public static Route create(ActorRef<ConnectionManager.Command> manager, ActorSystem<?> system, AdminSettings settings,
      ConnectionSettings connectionDefaults, AdminMetrics metrics) {
    return new AdminRoutes(manager, system, settings, connectionDefaults, metrics).routes();
  }

  /** The JSON error handlers for a whole server: also answers unknown paths with JSON. */
  public static Route seal(Route route) {
    return handleExceptions(EXCEPTIONS, () -> handleRejections(REJECTIONS, () -> route));
  }

  private Route routes() {
    return concat(
        ConsoleRoutes.routes(), // GET / and /ui/: the static console page; no token (it holds no data)
        pathPrefix("connections", () -> guarded(this::connectionRoutes)),
        pathPrefix("listeners", () -> guarded(listenerRoutes::routes)),
        pathPrefix("tls-profiles", () -> guarded(tlsProfileRoutes::routes)),
        path("events", () -> guarded(() -> get(this::events))),
        path("cluster", () -> guarded(() -> get(() -> ClusterRoute.get(manager, system, settings)))),
        path("health", () -> guarded(() -> get(() -> json(StatusCodes.OK, HealthJson.UP)))),
        path("metrics", () -> guarded(() -> get(this::metricsText))));
  }

  private Route connectionRoutes() {
    return concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> parameterOptional(QueryParameters.STATE, "state", state ->
                parameterOptional(QueryParameters.DIRECTION, "direction", direction -> list(state, direction)))),
            post(() -> ClientAddress.extract(client -> entity(JsonSupport.treeUnmarshaller(), body -> open(body, client)))),
            delete(() -> ClientAddress.extract(bulkRoutes::closeMatching)))),
        // Before the id routes; only POST, so a connection named "reconnect" is still reached by GET and DELETE.
        path("reconnect", () -> post(() -> ClientAddress.extract(bulkRoutes::reconnectMatching))),
        pathPrefix(segment(), id -> concat(
            pathEndOrSingleSlash(() -> concat(
                get(() -> withConnectionId(id, this::getOne)),
                delete(() -> parameterOptional(QueryParameters.CLOSE_MODE, "mode", mode -> ClientAddress.extract(client -> close(id, mode, client)))))),
            path("reconnect", () -> post(() -> withConnectionId(id, cid -> ClientAddress.extract(client -> reconnect(cid, client))))),
            path("journal", () -> get(() -> withConnectionId(id, journalRoute::journal))),
            path("send", () -> post(() -> entity(Unmarshaller.entityToByteString(), bytes -> send(id, bytes)))))));
  }

  // ---------------------------------------------------------------- handlers

  private Route list(Optional<ConnectionState> state, Optional<Direction> direction) {
    return onSuccess(listAll(), list -> json(StatusCodes.OK, new ConnectionListJson(
        list.connections().stream()
            .filter(v -> state.map(s -> v.state() == s).orElse(true))
            .filter(v -> direction.map(d -> v.direction() == d).orElse(true))
            .map(ConnectionJson::of)
            .toList(), !list.missing().isEmpty(), list.missing())));
  }

  private Route open(JsonNode body, Optional<String> client) {
    OpenRequestReader.Result result = requestReader.read(body);
    if (result instanceof OpenRequestReader.Invalid invalid) return invalidRequest(invalid.errors());
    ConnectionSpec spec = ((OpenRequestReader.Valid) result).spec();
    return onSuccess(openConnection(spec, client), reply -> {
      if (reply instanceof ConnectionManager.Opened opened) {
        return extractUri(uri -> respondWithHeader(Location.create(location(uri, spec.id().value())),
            () -> json(StatusCodes.CREATED, ConnectionJson.of(opened.view()))));
      }
      var rejected = (ConnectionManager.OpenRejected) reply;
      return switch (rejected.reason()) {
        case ALREADY_EXISTS -> error(ErrorCode.ALREADY_EXISTS, rejected.message());
        case UNKNOWN_TLS_PROFILE -> invalidRequest(List.of(new ErrorJson.FieldError("tlsProfile", rejected.message())));
        case UNKNOWN_HANDLER -> invalidRequest(List.of(new ErrorJson.FieldError("handler", rejected.message())));
        case RESERVED_ID -> invalidRequest(List.of(new ErrorJson.FieldError("id", rejected.message())));
        case STORE_UNCONFIRMED -> error(ErrorCode.STORE_UNCONFIRMED, rejected.message());
      };
    });
  }

  private Route getOne(ConnectionId id) {
    return onSuccess(view(id), view -> view
        .map(v -> json(StatusCodes.OK, ConnectionJson.of(v)))
        .orElseGet(() -> unknown(id)));
  }

  /**
   * One ask: the connection's supervisor bounds the close itself (its close-timeout, then an abort),
   * so the route need not learn the connection's settings first. The ask's own timeout is only a
   * guard: no HTTP request outlives the server's request-timeout anyway.
   */
  private Route close(String idSegment, Optional<CloseMode> mode, Optional<String> client) {
    return withConnectionId(idSegment, id -> onSuccess(closeConnection(id, mode, client, closeAskGuard()), this::closed));
  }

  private Route closed(ConnectionManager.CloseResult result) {
    if (result instanceof ConnectionManager.Closed c) {
      return json(StatusCodes.OK, new ClosedJson(c.id().value(), OutcomeJson.of(c.outcome())));
    }
    return unknown(result.id());
  }

  private Route reconnect(ConnectionId id, Optional<String> client) {
    return onSuccess(reconnectConnection(id, client), view -> view
        .map(v -> v.direction() == Direction.INBOUND
            ? error(ErrorCode.NOT_RECONNECTABLE, "connection '" + id + "' was accepted by listener '"
                + v.listener().orElse("?") + "': inbound connections are never reconnected (the client reconnects"
                + " by itself); close it with DELETE /connections/" + id)
            : json(StatusCodes.ACCEPTED, ConnectionJson.of(v)))
        .orElseGet(() -> unknown(id)));
  }

  private Route send(String idSegment, ByteString bytes) {
    if (bytes.isEmpty()) return error(ErrorCode.INVALID_REQUEST, "the body is empty: nothing to send");
    return withConnectionId(idSegment, id -> onSuccess(sendBytes(id, bytes), result -> {
      if (result instanceof SendResult.Accepted a) return json(StatusCodes.ACCEPTED, new SentJson(a.bytes()));
      var r = (SendResult.Rejected) result;
      return switch (r.reason()) {
        case UNKNOWN_CONNECTION -> unknown(id);
        case NOT_OPEN, ENDED -> error(ErrorCode.NOT_OPEN, r.message());
        case BUFFER_FULL -> respondWithHeader(RawHeader.create("Retry-After", "1"),
            () -> error(ErrorCode.BUFFER_FULL, r.message()));
      };
    }));
  }

  private Route events() {
    Source<ServerSentEvent, NotUsed> events = ActorSource.<ConnectionEvent>actorRef(
            e -> false, e -> Optional.empty(), 256, OverflowStrategy.dropHead())
        .mapMaterializedValue(ref -> {
          manager.tell(new ConnectionManager.Subscribe(ref));
          return NotUsed.getInstance();
        })
        .mapConcat(AdminRoutes::toServerSentEvent)
        .keepAlive(Duration.ofSeconds(15), ServerSentEvent::heartbeat);
    return completeOK(events, EventStreamMarshalling.toEventStream());
  }

  private static List<ServerSentEvent> toServerSentEvent(ConnectionEvent e) {
    if (e instanceof ConnectionEvent.StateChanged s) {
      return List.of(ServerSentEvent.create(JsonSupport.write(EventJson.State.of(s)), "state"));
    }
    if (e instanceof ConnectionEvent.OutcomeReported o) {
      return List.of(ServerSentEvent.create(JsonSupport.write(EventJson.Outcome.of(o)), "outcome"));
    }
    return List.of();
  }

  private Route metricsText() {
    return onSuccess(metrics.scrape(settings.askTimeout()),
        text -> complete(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, text)));
  }

  // ---------------------------------------------------------------- helpers

  /**
   * The connection {@code idSegment} names. No connection can have an invalid id, so such a path is
   * answered as an unknown connection, without asking the manager.
   */
  private static Route withConnectionId(String idSegment, Function<ConnectionId, Route> inner) {
    return ConnectionId.isValid(idSegment) ? inner.apply(ConnectionId.of(idSegment)) : unknown(idSegment);
  }

  /** Every admin path: JSON errors, the token check, the body size limit. */
  private Route guarded(Supplier<Route> inner) {
    return seal(tokenCheck.authenticated(() -> withSizeLimit(settings.maxRequestBody(), inner)));
  }

  // ---------------------------------------------------------------- asks

  private CompletionStage<ConnectionManager.ConnectionList> listAll() {
    return AskPattern.ask(manager, ConnectionManager.ListConnections::new, settings.askTimeout(), system.scheduler());
  }

  private CompletionStage<Optional<ConnectionView>> view(ConnectionId id) {
    return AskPattern.ask(manager, replyTo -> new ConnectionManager.Get(id, replyTo), settings.askTimeout(), system.scheduler());
  }

  private CompletionStage<ConnectionManager.OpenResult> openConnection(ConnectionSpec spec, Optional<String> client) {
    return AskPattern.ask(manager, replyTo -> new ConnectionManager.Open(spec, client, replyTo), settings.askTimeout(),
        system.scheduler());
  }

  private CompletionStage<ConnectionManager.CloseResult> closeConnection(ConnectionId id, Optional<CloseMode> mode,
      Optional<String> client, Duration timeout) {
    return AskPattern.ask(manager, replyTo -> new ConnectionManager.Close(id, mode, client, replyTo), timeout,
        system.scheduler());
  }

  private CompletionStage<Optional<ConnectionView>> reconnectConnection(ConnectionId id, Optional<String> client) {
    return AskPattern.ask(manager, replyTo -> new ConnectionManager.Reconnect(id, client, replyTo), settings.askTimeout(),
        system.scheduler());
  }

  private CompletionStage<SendResult> sendBytes(ConnectionId id, ByteString bytes) {
    return AskPattern.ask(manager, replyTo -> new ConnectionManager.Send(id, bytes, replyTo), settings.askTimeout(), system.scheduler());
  }

  /** Pekko HTTP's {@code request-timeout} (it may be {@code infinite}: then a minute) plus {@code close-ask-margin}. */
  private Duration closeAskGuard() {
    com.typesafe.config.Config http = system.settings().config();
    String key = "pekko.http.server.request-timeout";
    Duration request = http.hasPath(key) && !"infinite".equals(http.getString(key)) ? http.getDuration(key) : Duration.ofMinutes(1);
    return request.plus(settings.closeAskMargin());
  }

  private static Uri location(Uri requestUri, String id) {
    String path = requestUri.path();
    return Uri.create((path.endsWith("/") ? path : path + "/") + id);
  }

  private static String generateId() {
    return "c-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static <T> Route json(StatusCode status, T body) {
    return complete(status, body, JsonSupport.marshaller());
  }

  static Route error(ErrorCode code, String message) {
    return json(code.status(), new ErrorJson(code, message));
  }

  private static Route invalidRequest(List<ErrorJson.FieldError> errors) {
    String message = errors.stream().map(e -> e.field().isEmpty() ? e.message() : e.field() + ": " + e.message())
        .reduce((a, b) -> a + "; " + b).orElse("invalid request");
    return json(ErrorCode.INVALID_REQUEST.status(), new ErrorJson(ErrorCode.INVALID_REQUEST, message, errors));
  }

  private static Route unknown(ConnectionId id) {
    return unknown(id.value());
  }

  private static Route unknown(String id) {
    return error(ErrorCode.NOT_FOUND, "no connection with id '" + id + "'");
  }

  // ---------------------------------------------------------------- error handlers

  private static final ExceptionHandler EXCEPTIONS = ExceptionHandler.newBuilder()
      .match(EntityStreamSizeException.class, e -> error(ErrorCode.PAYLOAD_TOO_LARGE,
          "the request body is larger than " + e.limit() + " bytes"))
      .match(AskTimeoutException.class, e -> error(ErrorCode.MANAGER_TIMEOUT,
          "the connection manager did not answer in time"))
      // What a typed ask fails with (the classic one above is Pekko's own subclass of it).
      .match(java.util.concurrent.TimeoutException.class, e -> error(ErrorCode.MANAGER_TIMEOUT,
          "the connection manager did not answer within tether.admin.ask-timeout; the request may still take effect"))
      .match(IllegalArgumentException.class, e -> error(ErrorCode.INVALID_REQUEST, String.valueOf(e.getMessage())))
      .build();

  /**
   * A query parameter's bad value as {@code invalid-parameter} ({@link QueryParameters}), then Pekko's
   * default rejection handling, with its plain-text bodies turned into JSON errors.
   */
  private static final RejectionHandler REJECTIONS = QueryParameters.REJECTIONS
      .withFallback(RejectionHandler.defaultHandler())
      .mapRejectionResponse(AdminRoutes::toJsonError);

  private static HttpResponse toJsonError(HttpResponse response) {
    if (response.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)) return response;
    String text = response.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict strict
        ? strict.getData().utf8String() : response.status().reason();
    if (response.status().intValue() == 413) text = "the request body is larger than tether.admin.max-request-body allows";
    ErrorJson body = new ErrorJson(ErrorCode.ofRejection(response.status()), text.replace('\n', ' ').trim());
    return response.withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, JsonSupport.write(body)));
  }
}
