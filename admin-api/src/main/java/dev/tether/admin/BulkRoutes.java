package dev.tether.admin;

import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMultiMap;

import dev.tether.admin.json.BulkClosedJson;
import dev.tether.admin.json.BulkReconnectedJson;
import dev.tether.admin.json.ClosedJson;
import dev.tether.admin.json.ErrorCode;
import dev.tether.admin.json.OutcomeJson;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.Direction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Bulk actions: {@code DELETE /connections?state=&direction=&mode=} closes every match, {@code POST
 * /connections/reconnect?state=&direction=} reconnects every outbound match; both answer with
 * counts. The connections are listed first (cluster-wide in cluster mode), then each match is
 * closed or reconnected by id through the manager, all at once, so a bulk action is exactly the
 * single actions it stands for (journal entries with the client included). The query is checked by
 * {@link BulkParameters}: no filter at all is refused unless {@code all=true}.
 */
final class BulkRoutes {
  private final ActorRef<ConnectionManager.Command> manager;
  private final ActorSystem<?> system;
  private final AdminSettings settings;

  BulkRoutes(ActorRef<ConnectionManager.Command> manager, ActorSystem<?> system, AdminSettings settings) {
    this.manager = manager;
    this.system = system;
    this.settings = settings;
  }

  /** {@code DELETE /connections?...}; {@code client} is recorded in each connection's journal. */
  Route closeMatching(Optional<String> client) {
    return parameterMultiMap(query -> {
      BulkParameters.Result parsed = BulkParameters.parse(query, BulkParameters.CLOSE_PARAMETERS, "DELETE /connections");
      if (parsed instanceof BulkParameters.Invalid invalid) return AdminRoutes.error(ErrorCode.INVALID_PARAMETER, invalid.message());
      BulkParameters.Filter filter = ((BulkParameters.Valid) parsed).filter();
      return onSuccess(listAll().thenCompose(list -> closeEach(list, filter, client)),
          closed -> AdminRoutes.json(StatusCodes.OK, closed));
    });
  }

  /** {@code POST /connections/reconnect?...}; {@code client} is recorded in each connection's journal. */
  Route reconnectMatching(Optional<String> client) {
    return parameterMultiMap(query -> {
      BulkParameters.Result parsed = BulkParameters.parse(query, BulkParameters.RECONNECT_PARAMETERS,
          "POST /connections/reconnect");
      if (parsed instanceof BulkParameters.Invalid invalid) return AdminRoutes.error(ErrorCode.INVALID_PARAMETER, invalid.message());
      BulkParameters.Filter filter = ((BulkParameters.Valid) parsed).filter();
      return onSuccess(listAll().thenCompose(list -> reconnectEach(list, filter, client)),
          reconnected -> AdminRoutes.json(StatusCodes.OK, reconnected));
    });
  }

  private CompletionStage<BulkClosedJson> closeEach(ConnectionManager.ConnectionList list, BulkParameters.Filter filter,
      Optional<String> client) {
    List<ConnectionView> matches = list.connections().stream().filter(filter::matches).toList();
    List<CompletableFuture<Optional<ConnectionManager.CloseResult>>> closes = new ArrayList<>();
    for (ConnectionView v : matches) {
      // Each close is bounded by its own connection's close-timeout, as DELETE /connections/{id} is.
      Duration timeout = v.settings().closeTimeout().plus(settings.closeAskMargin());
      closes.add(answered(AskPattern.<ConnectionManager.Command, ConnectionManager.CloseResult>ask(manager,
          replyTo -> new ConnectionManager.Close(v.id(), filter.mode(), client, replyTo), timeout, system.scheduler())));
    }
    return CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).thenApply(done -> {
      Map<String, Integer> outcomes = new TreeMap<>();
      List<ClosedJson> closed = new ArrayList<>();
      int gone = 0;
      int timedOut = 0;
      for (CompletableFuture<Optional<ConnectionManager.CloseResult>> f : closes) {
        Optional<ConnectionManager.CloseResult> r = f.join();
        if (r.isEmpty()) {
          timedOut++;
        } else if (r.get() instanceof ConnectionManager.Closed c) {
          outcomes.merge(c.outcome().kind().wireName(), 1, Integer::sum);
          closed.add(new ClosedJson(c.id().value(), OutcomeJson.of(c.outcome())));
        } else {
          gone++;
        }
      }
      closed.sort(Comparator.comparing(ClosedJson::id));
      return new BulkClosedJson(matches.size(), closed.size(), outcomes, gone, timedOut, !list.missing().isEmpty(),
          list.missing(), closed);
    });
  }

  private CompletionStage<BulkReconnectedJson> reconnectEach(ConnectionManager.ConnectionList list,
      BulkParameters.Filter filter, Optional<String> client) {
    List<ConnectionView> matches = list.connections().stream().filter(filter::matches).toList();
    List<ConnectionView> outbound = matches.stream().filter(v -> v.direction() == Direction.OUTBOUND).toList();
    List<CompletableFuture<Optional<Optional<ConnectionView>>>> asks = new ArrayList<>();
    for (ConnectionView v : outbound) {
      asks.add(answered(AskPattern.<ConnectionManager.Command, Optional<ConnectionView>>ask(manager,
          replyTo -> new ConnectionManager.Reconnect(v.id(), client, replyTo), settings.askTimeout(), system.scheduler())));
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> {
      List<String> reconnected = new ArrayList<>();
      int gone = 0;
      int timedOut = 0;
      for (CompletableFuture<Optional<Optional<ConnectionView>>> f : asks) {
        Optional<Optional<ConnectionView>> r = f.join();
        if (r.isEmpty()) {
          timedOut++;
        } else if (r.get().isPresent()) {
          reconnected.add(r.get().get().id().value());
        } else {
          gone++;
        }
      }
      reconnected.sort(Comparator.naturalOrder());
      return new BulkReconnectedJson(matches.size(), reconnected.size(), matches.size() - outbound.size(), gone, timedOut,
          !list.missing().isEmpty(), list.missing(), reconnected);
    });
  }

  private CompletionStage<ConnectionManager.ConnectionList> listAll() {
    return AskPattern.ask(manager, ConnectionManager.ListConnections::new, settings.askTimeout(), system.scheduler());
  }

  /** The answer, or empty if there was none in time: one slow connection does not fail the whole action. */
  private static <T> CompletableFuture<Optional<T>> answered(CompletionStage<T> ask) {
    return ask.handle((answer, failure) -> Optional.ofNullable(failure == null ? answer : null)).toCompletableFuture();
  }
}
