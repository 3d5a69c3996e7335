package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.internal.listener.InboundOrigin;
import com.typesafe.config.Config;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.Direction;
import dev.tether.connection.session.SessionHandlerFactory;
import dev.tether.connection.tls.TlsProfile;
import dev.tether.connection.tls.TlsStage;
import dev.tether.connection.internal.transport.TransportPlan;
import java.util.Optional;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;

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
public record ConnectionPlan(
    ConnectionSpec spec,
    ConnectionSettings settings,
    TlsProfile profile,
    Optional<String> streamDispatcher,
    Optional<InboundOrigin> inbound,
    Optional<SessionHandlerFactory> handler,
    Config handlerOptions,
    TlsStage tlsStage) {

  /**
   * Where each incarnation's actor runs: on its stream's dispatcher, as does its session handler.
   * Every element between the actor and its stream (a write, its acknowledgement, a chunk read, the
   * sink's acknowledgement), and between the actor and its handler, then passes within one thread
   * pool, where the thread that sends usually runs the receiver next; across two pools each would
   * wake a parked thread (about 30 µs each on the 2-core bench machine, bench/README "Latest
   * standing"). The control plane (manager, supervisors) and the host's actors stay on the default
   * dispatcher, out of the way of the streams' TLS work.
   */
  Props incarnationProps() {
    return streamDispatcher.<Props>map(DispatcherSelector::fromConfig).orElse(Props.empty());
  }

  Direction direction() {
    return inbound.isPresent() ? Direction.INBOUND : Direction.OUTBOUND;
  }

  Optional<String> listener() {
    return inbound.map(InboundOrigin::listener);
  }

  /** What this connection's stream needs, for each incarnation's {@code ConnectionTransport.start}. */
  TransportPlan transportPlan() {
    return new TransportPlan(spec.host(), spec.port(), settings.keepalive().tcp(),
        inbound.map(in -> new TransportPlan.Accepted(in.incoming(), in.clientAuth())), profile, tlsStage, streamDispatcher);
  }
}
