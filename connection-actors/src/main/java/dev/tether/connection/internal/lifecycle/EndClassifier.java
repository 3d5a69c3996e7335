package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.internal.wire.TlsErrors;
import dev.tether.connection.CloseMode;
import dev.tether.connection.OutcomeKind;
import java.util.Optional;

/**
 * INTERNAL API: how a stream ended, when the connection actor did not end it itself. A pure
 * function of {@link EndSignals}; the table of cases is {@code EndClassifierTest}.
 */
final class EndClassifier {
  private EndClassifier() {}

  static Ending classify(EndSignals s) {
    return switch (s.state()) {
      case CONNECTING -> whileConnecting(s);
      case HANDSHAKING -> whileHandshaking(s);
      case OPEN -> whileOpen(s);
      case CLOSING, AWAITING_PEER_CLOSE -> whileClosing(s);
      // An incarnation is never in these states; they belong to the supervisor.
      case BACKOFF, FAILED -> Ending.local(OutcomeKind.ABORTED, "ended in state " + s.state().wireName());
    };
  }

  private static Ending whileConnecting(EndSignals s) {
    // No connect timeout is given to Pekko's TCP stage: the actor's connect timer owns that bound.
    Optional<Throwable> cause = s.connectFailure().or(s::transportFailure).or(s::streamFailure);
    return Ending.peer(OutcomeKind.CONNECT_FAILED,
        cause.map(TlsErrors::describeConnect).orElse("the connection ended before TCP was up"));
  }

  private static Ending whileHandshaking(EndSignals s) {
    Optional<Throwable> tlsFailure = s.streamFailure().filter(f -> TlsErrors.sslCause(f) != null);
    if (tlsFailure.isPresent()) {
      return Ending.peer(OutcomeKind.HANDSHAKE_FAILED, TlsErrors.describeTls(tlsFailure.get()));
    }
    if (s.transportFailure().isPresent()) {
      return Ending.peer(OutcomeKind.HANDSHAKE_FAILED,
          "the transport failed during the TLS handshake: " + TlsErrors.messages(s.transportFailure().get()));
    }
    if (s.streamFailure().isPresent()) {
      return Ending.peer(OutcomeKind.HANDSHAKE_FAILED, TlsErrors.describeTls(s.streamFailure().get()));
    }
    return Ending.peer(OutcomeKind.HANDSHAKE_FAILED,
        "the peer closed the connection during the TLS handshake (is it a TLS server? does it accept our protocols?)");
  }

  private static Ending whileOpen(EndSignals s) {
    if (s.transportFailure().isPresent()) {
      return Ending.peer(OutcomeKind.RESET, "the transport failed: " + TlsErrors.messages(s.transportFailure().get()));
    }
    if (s.streamFailure().isPresent()) {
      return Ending.peer(OutcomeKind.RESET, TlsErrors.describeTls(s.streamFailure().get()));
    }
    if (s.truncationSeen()) {
      return Ending.peer(OutcomeKind.TRUNCATED, "the peer closed TCP without close_notify (possible truncation attack)");
    }
    return Ending.peer(OutcomeKind.CLEAN, "the peer sent close_notify; we answered with close_notify");
  }

  private static Ending whileClosing(EndSignals s) {
    boolean sendOnly = s.closeMode().orElse(CloseMode.GRACEFUL) == CloseMode.SEND_ONLY;
    if (sendOnly && s.closeNotifySent() && s.streamFailure().isEmpty()) {
      return Ending.local(OutcomeKind.CLOSE_SENT, "we sent close_notify and closed TCP without waiting");
    }
    if (s.transportFailure().isPresent()) {
      return Ending.local(OutcomeKind.RESET,
          "the transport failed while closing: " + TlsErrors.messages(s.transportFailure().get()));
    }
    if (s.streamFailure().isPresent()) {
      return Ending.local(OutcomeKind.RESET, "the stream failed while closing: " + TlsErrors.messages(s.streamFailure().get()));
    }
    if (!s.truncationSeen() && s.peerCloseNotifyReceived()) {
      return Ending.local(OutcomeKind.CLEAN, "close_notify exchanged in both directions");
    }
    return Ending.local(OutcomeKind.TRUNCATED, "we sent close_notify; the peer closed TCP without answering with its own");
  }
}
