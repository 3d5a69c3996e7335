package dev.tether.connection.internal;

import com.typesafe.config.Config;
import dev.tether.connection.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.Direction;
import dev.tether.connection.SessionHandlerFactory;
import dev.tether.connection.TlsProfile;
import dev.tether.connection.TlsStage;
import java.util.Optional;

/**
 * INTERNAL API: everything an incarnation needs that stays the same across incarnations of one
 * connection, resolved once by its supervisor.
 *
 * @param spec what the connection is (for an inbound one: the client's address, its listener's profile)
 * @param settings its effective settings
 * @param profile the resolved TLS profile
 * @param streamDispatcher where its stream runs
 * @param inbound set for a connection accepted by a listener
 * @param handler the session handler's factory, if one is spawned per incarnation
 * @param handlerOptions handed to the handler ({@code Session.options()})
 * @param tlsStage which TLS stage its stream runs ({@code tether.tls-stage})
 */
record ConnectionPlan(
    ConnectionSpec spec,
    ConnectionSettings settings,
    TlsProfile profile,
    Optional<String> streamDispatcher,
    Optional<InboundOrigin> inbound,
    Optional<SessionHandlerFactory> handler,
    Config handlerOptions,
    TlsStage tlsStage) {

  Direction direction() {
    return inbound.isPresent() ? Direction.INBOUND : Direction.OUTBOUND;
  }

  Optional<String> listener() {
    return inbound.map(InboundOrigin::listener);
  }
}
