package dev.tether.connection.internal;

import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager.OpenRejected;
import dev.tether.connection.ConnectionManager.OpenRejection;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.session.SessionHandlerFactory;
import dev.tether.connection.tls.TlsProfile;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * INTERNAL API: may this node open a connection of this spec? A pure decision, made before
 * anything is stored or spawned: its id is not one reserved for accepted connections, is not
 * managed here already, and its TLS profile and session handler (if it names one) are configured.
 * The checks run in that order; the first that fails is the answer.
 */
final class OpenCheck {
  private OpenCheck() {}

  /** Empty if the open may go on; else the rejection to answer with. */
  static Optional<OpenRejected> rejection(ConnectionSpec spec, boolean managedHere, Map<String, TlsProfile> profiles,
      Map<String, SessionHandlerFactory> handlers) {
    ConnectionId id = spec.id();
    if (id.node().isPresent()) {
      return Optional.of(new OpenRejected(OpenRejection.RESERVED_ID, ConnectionId.problem(id.value()).orElseThrow()));
    }
    if (managedHere) {
      return Optional.of(new OpenRejected(OpenRejection.ALREADY_EXISTS, "a connection with id '" + id + "' already exists"));
    }
    if (profiles.get(spec.tlsProfile()) == null) {
      return Optional.of(new OpenRejected(OpenRejection.UNKNOWN_TLS_PROFILE, "unknown TLS profile '" + spec.tlsProfile()
          + "'; configured profiles: " + sortedNames(profiles)));
    }
    if (spec.handler().isPresent() && handlers.get(spec.handler().get()) == null) {
      return Optional.of(new OpenRejected(OpenRejection.UNKNOWN_HANDLER, "unknown session handler '"
          + spec.handler().get() + "'; registered handlers: " + sortedNames(handlers)));
    }
    return Optional.empty();
  }

  private static String sortedNames(Map<String, ?> byName) {
    return byName.keySet().stream().sorted().collect(Collectors.joining(", "));
  }
}
