package dev.tether.admin.json;

import dev.tether.connection.ConnectionManager;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code DELETE /listeners/{name}}: the listener no longer accepts, and its connections were closed.
 *
 * @param name the listener's name
 * @param closed how many of its connections were closed
 * @param outcomes how many ended with each outcome kind (wire names, e.g. {@code clean}), ordered by kind
 * @param connections each closed connection's id and outcome, ordered by id
 */
public record ListenerStoppedJson(String name, int closed, Map<String, Long> outcomes, List<ClosedJson> connections) {

  public static ListenerStoppedJson of(ConnectionManager.ListenerStopped stopped) {
    List<ConnectionManager.Closed> closed = stopped.closed().stream()
        .sorted(Comparator.comparing(ConnectionManager.Closed::id))
        .toList();
    Map<String, Long> byKind = closed.stream()
        .collect(Collectors.groupingBy(c -> c.outcome().kind().wireName(), TreeMap::new, Collectors.counting()));
    return new ListenerStoppedJson(stopped.name(), closed.size(), byKind,
        closed.stream().map(c -> new ClosedJson(c.id().value(), OutcomeJson.of(c.outcome()))).toList());
  }
}
