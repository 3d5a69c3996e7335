package dev.tether.admin.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tether.connection.ConnectionEvent;

/** The JSON data of the {@code GET /events} server-sent events. */
public final class EventJson {
  private EventJson() {}

  /**
   * SSE event {@code state}: a connection entered a new state.
   *
   * @param tls what the handshake negotiated, from {@code open} on; the field is left out before
   *     (so a console updates a row from the event alone, without asking for the view)
   */
  public record State(String id, long incarnation, String state, String at,
      @JsonInclude(JsonInclude.Include.NON_NULL) TlsJson tls) {
    public static State of(ConnectionEvent.StateChanged e) {
      return new State(e.connectionId().value(), e.incarnation(), e.state().wireName(), e.at().toString(),
          e.tls().map(TlsJson::of).orElse(null));
    }
  }

  /** SSE event {@code outcome}: an incarnation of a connection ended. */
  public record Outcome(String id, long incarnation, OutcomeJson outcome) {
    public static Outcome of(ConnectionEvent.OutcomeReported e) {
      return new Outcome(e.connectionId().value(), e.outcome().incarnation(), OutcomeJson.of(e.outcome()));
    }
  }
}
