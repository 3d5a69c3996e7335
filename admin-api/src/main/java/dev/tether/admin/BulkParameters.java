package dev.tether.admin;

import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.Direction;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query of a bulk action ({@code DELETE /connections}, {@code POST /connections/reconnect}),
 * checked strictly: an operator's typo must not widen what the action touches. So an unknown or
 * repeated parameter is refused, every value must be a wire name, and no filter at all is refused
 * unless {@code all=true} says that every connection is meant. A pure function of the query.
 */
final class BulkParameters {
  private BulkParameters() {}

  /** Which connections the action applies to, and a close's mode (empty: each one's configured mode). */
  record Filter(Optional<ConnectionState> state, Optional<Direction> direction, boolean all, Optional<CloseMode> mode) {
    boolean matches(ConnectionView v) {
      return state.map(s -> v.state() == s).orElse(true) && direction.map(d -> v.direction() == d).orElse(true);
    }
  }

  sealed interface Result {}

  record Valid(Filter filter) implements Result {}

  /** @param parameter the parameter at fault, named in the message */
  record Invalid(String parameter, String message) implements Result {}

  static final Set<String> CLOSE_PARAMETERS = Set.of("state", "direction", "mode", "all");
  static final Set<String> RECONNECT_PARAMETERS = Set.of("state", "direction", "all");

  /**
   * @param query each parameter with all its values, as given
   * @param allowed the parameters this action takes
   * @param action how the action is named in messages, e.g. {@code DELETE /connections}
   */
  static Result parse(Map<String, List<String>> query, Set<String> allowed, String action) {
    String allowedNames = String.join(", ", new TreeSet<>(allowed));
    for (Map.Entry<String, List<String>> p : new java.util.TreeMap<>(query).entrySet()) {
      if (!allowed.contains(p.getKey())) {
        return new Invalid(p.getKey(), "unknown parameter '" + p.getKey() + "' for " + action + "; allowed: " + allowedNames);
      }
      if (p.getValue().size() > 1) {
        return new Invalid(p.getKey(), p.getKey() + ": given " + p.getValue().size() + " times; give it at most once");
      }
    }
    Optional<ConnectionState> state;
    Optional<Direction> direction;
    Optional<CloseMode> mode;
    boolean all;
    try { // read as the routes' parameter directives read them (QueryParameters), in this order
      state = QueryParameters.read(query, "state", ConnectionState::fromWireName);
      direction = QueryParameters.read(query, "direction", Direction::fromWireName);
      mode = QueryParameters.read(query, "mode", CloseMode::fromWireName); // as DELETE /connections/{id} reads it
      all = QueryParameters.read(query, "all", QueryParameters::all).isPresent();
    } catch (QueryParameters.InvalidValue e) {
      return new Invalid(e.parameter(), e.getMessage());
    }
    if (state.isEmpty() && direction.isEmpty() && !all) {
      return new Invalid("state", action + " acts on every connection that matches state and/or direction: give at least"
          + " one of them, or all=true to mean every connection");
    }
    return new Valid(new Filter(state, direction, all, mode));
  }
}
