package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.internal.listener.InboundOrigin;
import com.typesafe.config.Config;
import dev.tether.connection.CloseMode;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.Direction;
import dev.tether.connection.session.SessionHandlerFactory;
import dev.tether.connection.tls.TlsProfile;
import dev.tether.connection.tls.TlsStage;
import dev.tether.connection.internal.transport.TransportPlan;
import java.time.Duration;
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

  /** How long a close in {@code mode} may take before its supervisor stops the incarnation: see {@link #closeBound(ConnectionSettings, Optional, CloseMode)}. */
  Duration closeBound(CloseMode mode) {
    return closeBound(settings, inbound.map(InboundOrigin::lingerTimeout), mode);
  }

  /**
   * How long a close may take before the supervisor stops the incarnation itself, so that every
   * {@code Close} is answered within a bound the supervisor knows. The incarnation's own timers end
   * it sooner, so this fires only on a bug: what may run one after another is a connect (outbound)
   * and a handshake under way, close-timeout to flush our close_notify and hear the peer's (an
   * accepted client closed gracefully lingers up to linger-timeout after that flush instead), then
   * close-timeout of abort grace and close-timeout for the session handler to stop; one second more
   * for the messages between them.
   *
   * @param linger an accepted connection's linger-timeout; empty for an outbound one
   */
  static Duration closeBound(ConnectionSettings s, Optional<Duration> linger, CloseMode mode) {
    Duration bound = s.handshakeTimeout().plus(s.closeTimeout().multipliedBy(3)).plusSeconds(1);
    if (linger.isEmpty()) return bound.plus(s.connectTimeout());
    return mode == CloseMode.GRACEFUL ? bound.plus(linger.get()) : bound;
  }

  /** What this connection's stream needs, for each incarnation's {@code ConnectionTransport.start}. */
  TransportPlan transportPlan() {
    return new TransportPlan(spec.host(), spec.port(), settings.keepalive().tcp(),
        inbound.map(in -> new TransportPlan.Accepted(in.incoming(), in.clientAuth())), profile, tlsStage, streamDispatcher);
  }
}
