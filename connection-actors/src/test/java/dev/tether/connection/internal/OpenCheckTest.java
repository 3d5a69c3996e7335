package dev.tether.connection.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager.OpenRejection;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.session.SessionHandlerFactory;
import dev.tether.connection.tls.TlsProfile;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/** {@link OpenCheck}, one row per rule, in the order the rules are checked. */
class OpenCheckTest {
  private static final SessionHandlerFactory ECHO = session -> Behaviors.ignore();

  private static Optional<OpenRejection> check(String id, String profile, Optional<String> handler, boolean managedHere)
      throws Exception {
    TlsProfile tls = new TlsProfile("default", SSLContext.getDefault(), List.of("TLSv1.3"), true);
    ConnectionSpec spec = new ConnectionSpec(ConnectionId.of(id), "127.0.0.1", 1, profile, Optional.empty(),
        Optional.empty(), handler);
    return OpenCheck.rejection(spec, managedHere, Map.of("default", tls, "other", tls), Map.of("echo", ECHO))
        .map(r -> r.reason());
  }

  @Test
  void eachRuleInItsOrder() throws Exception {
    assertEquals(Optional.empty(), check("a", "default", Optional.empty(), false));
    assertEquals(Optional.empty(), check("a", "default", Optional.of("echo"), false));
    assertEquals(Optional.of(OpenRejection.RESERVED_ID), check("a@127.0.0.1:2552", "nope", Optional.of("nope"), true));
    assertEquals(Optional.of(OpenRejection.ALREADY_EXISTS), check("a", "nope", Optional.of("nope"), true));
    assertEquals(Optional.of(OpenRejection.UNKNOWN_TLS_PROFILE), check("a", "nope", Optional.of("nope"), false));
    assertEquals(Optional.of(OpenRejection.UNKNOWN_HANDLER), check("a", "default", Optional.of("nope"), false));
  }

  @Test
  void theAnswerNamesWhatIsConfiguredSorted() throws Exception {
    TlsProfile tls = new TlsProfile("default", SSLContext.getDefault(), List.of("TLSv1.3"), true);
    ConnectionSpec spec = new ConnectionSpec(ConnectionId.of("a"), "127.0.0.1", 1, "nope", Optional.empty(),
        Optional.empty(), Optional.empty());
    assertEquals("unknown TLS profile 'nope'; configured profiles: default, other",
        OpenCheck.rejection(spec, false, Map.of("other", tls, "default", tls), Map.of()).orElseThrow().message());
  }
}
