package dev.tether.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.Direction;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A bulk action's query, one row per case: what is refused (naming the parameter) and what a valid one means. */
class BulkParametersTest {

  private static BulkParameters.Result close(Map<String, List<String>> query) {
    return BulkParameters.parse(query, BulkParameters.CLOSE_PARAMETERS, "DELETE /connections");
  }

  private static BulkParameters.Invalid refused(Map<String, List<String>> query, String parameter) {
    BulkParameters.Invalid invalid = assertInstanceOf(BulkParameters.Invalid.class, close(query), query.toString());
    assertEquals(parameter, invalid.parameter(), invalid.message());
    return invalid;
  }

  @Test
  void noFilterIsRefusedUnlessAllIsTrue() {
    String message = refused(Map.of(), "state").message();
    assertTrue(message.contains("state") && message.contains("direction") && message.contains("all=true"), message);
    refused(Map.of("mode", List.of("abort")), "state"); // a mode is not a filter
    var all = assertInstanceOf(BulkParameters.Valid.class, close(Map.of("all", List.of("true")))).filter();
    assertTrue(all.all());
    assertTrue(refused(Map.of("all", List.of("yes")), "all").message().contains("must be true"));
  }

  @Test
  void aTypoIsAnUnknownParameterNotAWiderAction() {
    String message = refused(Map.of("stat", List.of("open")), "stat").message();
    assertTrue(message.contains("'stat'") && message.contains("all, direction, mode, state"), message);
    String reconnect = assertInstanceOf(BulkParameters.Invalid.class, BulkParameters.parse(
        Map.of("state", List.of("failed"), "mode", List.of("abort")), BulkParameters.RECONNECT_PARAMETERS,
        "POST /connections/reconnect")).message();
    assertTrue(reconnect.contains("'mode'") && reconnect.contains("all, direction, state"), reconnect);
  }

  @Test
  void badValuesNameTheParameterAndTheAllowedValues() {
    String state = refused(Map.of("state", List.of("sleeping")), "state").message();
    assertTrue(state.startsWith("state: ") && state.contains("connecting, handshaking, open"), state);
    String direction = refused(Map.of("direction", List.of("sideways")), "direction").message();
    assertTrue(direction.startsWith("direction: ") && direction.contains("inbound or outbound"), direction);
    String mode = refused(Map.of("state", List.of("open"), "mode", List.of("later")), "mode").message();
    assertTrue(mode.startsWith("mode: ") && mode.contains("graceful, send-only, abort"), mode);
    assertTrue(refused(Map.of("state", List.of("open", "failed")), "state").message().contains("given 2 times"));
  }

  @Test
  void aValidQueryIsItsFilter() {
    var f = assertInstanceOf(BulkParameters.Valid.class, close(Map.of("state", List.of("open"),
        "direction", List.of("inbound"), "mode", List.of("abort")))).filter();
    assertEquals(new BulkParameters.Filter(Optional.of(ConnectionState.OPEN), Optional.of(Direction.INBOUND), false,
        Optional.of(CloseMode.ABORT)), f);
  }
}
