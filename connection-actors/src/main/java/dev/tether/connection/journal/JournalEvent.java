package dev.tether.connection.journal;

import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.Outcome;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a connection's journal records (see {@link ConnectionJournal}): one fact, past tense. The
 * time and incarnation are on its {@link JournalEntry}. Named, not class-tagged, when it crosses
 * nodes in cluster mode.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = JournalEvent.StateChanged.class, name = "state"),
    @JsonSubTypes.Type(value = JournalEvent.OutcomeRecorded.class, name = "outcome"),
    @JsonSubTypes.Type(value = JournalEvent.KeepaliveMissed.class, name = "keepalive-miss"),
    @JsonSubTypes.Type(value = JournalEvent.RttMeasured.class, name = "rtt"),
    @JsonSubTypes.Type(value = JournalEvent.ReconnectDelayChosen.class, name = "reconnect-delay"),
    @JsonSubTypes.Type(value = JournalEvent.AdminAction.class, name = "admin")})
public sealed interface JournalEvent {

  /** The connection entered {@code to}; {@code from} is empty for its first state. */
  record StateChanged(Optional<ConnectionState> from, ConnectionState to) implements JournalEvent {}

  /** An incarnation ended. */
  record OutcomeRecorded(Outcome outcome) implements JournalEvent {}

  /**
   * A keepalive ping went unanswered within its timeout.
   *
   * @param misses unanswered pings in a row, this one included
   * @param allowed misses tolerated before the incarnation ends ({@code allowed-misses})
   */
  record KeepaliveMissed(int misses, int allowed) implements JournalEvent {}

  /** A keepalive ping was answered after {@code rtt}. */
  record RttMeasured(Duration rtt) implements JournalEvent {}

  /**
   * After an incarnation ended, the reconnect policy chose to start the next one after {@code delay}.
   *
   * @param attempt the reconnect attempt since the connection was last stable (or reconnected on
   *     request), from 1; it drives the exponential backoff
   */
  record ReconnectDelayChosen(Duration delay, int attempt) implements JournalEvent {}

  /**
   * Someone asked for {@code action}.
   *
   * @param mode the close mode a close used (the requested one, else the connection's configured one)
   * @param client who asked, e.g. the REST client's IP address; empty when the request did not say
   *     (a library call without {@code requestedBy}, or a shutdown)
   */
  record AdminAction(Action action, Optional<CloseMode> mode, Optional<String> client) implements JournalEvent {
    public AdminAction {
      Objects.requireNonNull(action, "action");
      if (mode == null) mode = Optional.empty();
      if (client == null) client = Optional.empty();
    }

    /** A request to manage a connection, by {@code client} if known. */
    public static AdminAction open(Optional<String> client) {
      return new AdminAction(Action.OPEN, Optional.empty(), client);
    }
  }

  /** What an admin asked for. */
  enum Action {
    /** Managing the connection was asked for (not a wake-up or a move in cluster mode). */
    OPEN,
    CLOSE,
    RECONNECT;

    /** The name in the journal's JSON: {@code open}, {@code close}, {@code reconnect}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
