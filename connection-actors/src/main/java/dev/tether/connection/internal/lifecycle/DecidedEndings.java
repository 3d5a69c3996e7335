package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.OutcomeKind;
import dev.tether.connection.settings.ConnectionSettings;
import java.time.Duration;
import java.util.Optional;

/**
 * INTERNAL API: the endings an incarnation decides itself (a timer fired, a close asked for while
 * nothing can be closed gracefully, the handler stopped), with the texts an operator reads in the
 * outcome. Pure: one place to read and test every such text, so that each state of {@link
 * Connection} keeps one line per message it accepts. What the stream reported is classified by
 * {@link EndClassifier} instead.
 */
final class DecidedEndings {
  private final ConnectionSettings settings;
  /** An accepted connection's linger-timeout; empty for an outbound one. */
  private final Optional<Duration> linger;

  DecidedEndings(ConnectionSettings settings, Optional<Duration> linger) {
    this.settings = settings;
    this.linger = linger;
  }

  Ending connectTimeout() {
    return Ending.local(OutcomeKind.CONNECT_TIMEOUT,
        "TCP connect (with DNS) did not finish within connect-timeout " + Durations.format(settings.connectTimeout()));
  }

  Ending handshakeTimeout() {
    return Ending.local(OutcomeKind.HANDSHAKE_TIMEOUT,
        "TLS handshake did not finish within handshake-timeout " + Durations.format(settings.handshakeTimeout()));
  }

  /** A close before the handshake finished: nothing to close gracefully, TCP is reset. */
  Ending closeRequestedWhile(ConnectionState state) {
    return Ending.local(OutcomeKind.ABORTED, "close requested while " + state.wireName() + "; TCP was reset at once");
  }

  /** A close after the stream had ended, while we still waited to hear whether TCP connected. */
  Ending closeRequestedBeforeConnected() {
    return Ending.local(OutcomeKind.ABORTED, "close requested while connecting");
  }

  Ending closedWithModeAbort() {
    return Ending.local(OutcomeKind.ABORTED, "closed on request with mode abort; TCP was reset");
  }

  /** A second close while closing, with mode abort. */
  Ending abortRequestedWhile(ConnectionState state) {
    return Ending.local(OutcomeKind.ABORTED, "abort requested while " + state.wireName() + "; TCP was reset");
  }

  /** The session handler stopped, and the configured close mode is abort. */
  Ending handlerStoppedWithModeAbort() {
    return Ending.local(OutcomeKind.ABORTED, "the session handler stopped; close mode abort: TCP was reset");
  }

  Ending keepaliveTimeout(String detail) {
    return Ending.local(OutcomeKind.KEEPALIVE_TIMEOUT, detail);
  }

  /** Our close_notify did not reach TCP in time (the peer reads nothing: TCP's window is closed). */
  Ending closeNotifyNotFlushed() {
    return Ending.local(OutcomeKind.CLOSE_TIMEOUT,
        "our close_notify could not be flushed within close-timeout " + Durations.format(settings.closeTimeout()));
  }

  /** The peer did not answer our close_notify in time; an accepted client that lingered is told apart. */
  Ending peerCloseTimeout(CloseMode mode) {
    if (linger.isPresent() && mode == CloseMode.GRACEFUL) {
      return Ending.local(OutcomeKind.CLOSE_TIMEOUT, "the client did not send its close_notify within linger-timeout "
          + Durations.format(linger.get()) + " after ours (what it sent meanwhile was read and discarded); TCP was reset");
    }
    return Ending.local(OutcomeKind.CLOSE_TIMEOUT,
        "the peer did not answer our close_notify within close-timeout " + Durations.format(settings.closeTimeout()));
  }

  /** The end the stream would have had, after the reader left received bytes untaken for close-timeout. */
  Ending undelivered(Ending wouldHaveBeen) {
    return wouldHaveBeen.withMoreDetail("what was received before and not taken by the reader within close-timeout "
        + Durations.format(settings.closeTimeout()) + " was dropped");
  }
}
