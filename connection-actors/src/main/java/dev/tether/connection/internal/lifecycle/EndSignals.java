package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionState;
import java.util.Optional;

/**
 * INTERNAL API: everything the connection actor observed about a stream that ended without the
 * actor ending it itself. The {@link EndClassifier} turns it into an {@link Ending}.
 *
 * @param state the lifecycle state the incarnation was in when the stream ended
 * @param closeMode the mode of our close, once one was started ({@code closing} and later)
 * @param closeNotifySent our close_notify was handed to TCP
 * @param truncationSeen the TLS stage reported {@code SessionTruncated}: the transport ended
 *     without the peer's close_notify
 * @param peerCloseNotifyReceived the engine's inbound side is done: the peer's close_notify came
 *     (the only way to tell once we sent ours, because the TLS stage then no longer reports truncation)
 * @param connectFailure why TCP could not connect, when it could not
 * @param transportFailure the TCP stage's failure (RST, I/O error), turned into a completion so
 *     that bytes already read still reach the listener
 * @param streamFailure the failure the stream itself ended with (a TLS error)
 */
record EndSignals(
    ConnectionState state,
    Optional<CloseMode> closeMode,
    boolean closeNotifySent,
    boolean truncationSeen,
    boolean peerCloseNotifyReceived,
    Optional<Throwable> connectFailure,
    Optional<Throwable> transportFailure,
    Optional<Throwable> streamFailure) {

  /** A stream that ended in {@code state} with no signal at all: the peer closed with close_notify, or TCP with FIN. */
  static EndSignals endedIn(ConnectionState state) {
    return new EndSignals(state, Optional.empty(), false, false, false, Optional.empty(), Optional.empty(), Optional.empty());
  }

  EndSignals closing(CloseMode mode, boolean closeNotifySent) {
    return new EndSignals(state, Optional.of(mode), closeNotifySent, truncationSeen, peerCloseNotifyReceived,
        connectFailure, transportFailure, streamFailure);
  }

  EndSignals withTruncation(boolean seen) {
    return new EndSignals(state, closeMode, closeNotifySent, seen, peerCloseNotifyReceived, connectFailure,
        transportFailure, streamFailure);
  }

  EndSignals withPeerCloseNotify(boolean received) {
    return new EndSignals(state, closeMode, closeNotifySent, truncationSeen, received, connectFailure,
        transportFailure, streamFailure);
  }

  EndSignals withConnectFailure(Optional<Throwable> cause) {
    return new EndSignals(state, closeMode, closeNotifySent, truncationSeen, peerCloseNotifyReceived, cause,
        transportFailure, streamFailure);
  }

  EndSignals withTransportFailure(Optional<Throwable> cause) {
    return new EndSignals(state, closeMode, closeNotifySent, truncationSeen, peerCloseNotifyReceived, connectFailure,
        cause, streamFailure);
  }

  EndSignals withStreamFailure(Optional<Throwable> cause) {
    return new EndSignals(state, closeMode, closeNotifySent, truncationSeen, peerCloseNotifyReceived, connectFailure,
        transportFailure, cause);
  }
}
