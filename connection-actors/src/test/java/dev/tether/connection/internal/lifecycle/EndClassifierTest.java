package dev.tether.connection.internal.lifecycle;

import static dev.tether.connection.ConnectionState.AWAITING_PEER_CLOSE;
import static dev.tether.connection.ConnectionState.BACKOFF;
import static dev.tether.connection.ConnectionState.CLOSING;
import static dev.tether.connection.ConnectionState.CONNECTING;
import static dev.tether.connection.ConnectionState.FAILED;
import static dev.tether.connection.ConnectionState.HANDSHAKING;
import static dev.tether.connection.ConnectionState.OPEN;
import static dev.tether.connection.Initiator.LOCAL;
import static dev.tether.connection.Initiator.PEER;
import static dev.tether.connection.OutcomeKind.ABORTED;
import static dev.tether.connection.OutcomeKind.CLEAN;
import static dev.tether.connection.OutcomeKind.CLOSE_SENT;
import static dev.tether.connection.OutcomeKind.CONNECT_FAILED;
import static dev.tether.connection.OutcomeKind.HANDSHAKE_FAILED;
import static dev.tether.connection.OutcomeKind.RESET;
import static dev.tether.connection.OutcomeKind.TRUNCATED;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.Initiator;
import dev.tether.connection.OutcomeKind;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of {@link EndClassifier}: one row per lifecycle state × end signal, each readable as a
 * sentence ("ended while open, when TCP failed with 'Connection reset' → reset by the peer, ...").
 * The states are built the way {@code Connection} builds them: closing has a close mode and has not
 * yet flushed our close_notify; awaiting-peer-close has.
 */
class EndClassifierTest {

  // ---------------------------------------------------------------- states, as the actor builds them

  /** A lifecycle state, with the signals the actor had already gathered when it entered it. */
  record State(String name, EndSignals signals) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final State WHILE_CONNECTING = new State("connecting", EndSignals.endedIn(CONNECTING));
  static final State WHILE_HANDSHAKING = new State("handshaking", EndSignals.endedIn(HANDSHAKING));
  static final State WHILE_OPEN = new State("open", EndSignals.endedIn(OPEN));
  static final State WHILE_CLOSING = new State("closing (graceful, our close_notify not yet flushed)",
      EndSignals.endedIn(CLOSING).closing(CloseMode.GRACEFUL, false));
  static final State WHILE_AWAITING = new State("awaiting-peer-close (graceful, our close_notify sent)",
      EndSignals.endedIn(AWAITING_PEER_CLOSE).closing(CloseMode.GRACEFUL, true));
  static final State WHILE_CLOSING_SEND_ONLY = new State("closing (send-only, our close_notify not yet flushed)",
      EndSignals.endedIn(CLOSING).closing(CloseMode.SEND_ONLY, false));
  static final State WHILE_AWAITING_SEND_ONLY = new State("awaiting-peer-close (send-only, our close_notify sent, TCP shut down)",
      EndSignals.endedIn(AWAITING_PEER_CLOSE).closing(CloseMode.SEND_ONLY, true));

  // ---------------------------------------------------------------- end signals

  /** What the stream reported as it ended. */
  record Signal(String description, UnaryOperator<EndSignals> apply) {
    Signal and(Signal other) {
      return new Signal(description + " and " + other.description, s -> other.apply.apply(apply.apply(s)));
    }

    @Override
    public String toString() {
      return description;
    }
  }

  static final Signal COMPLETED = new Signal("the stream completed with no other signal", s -> s);
  static final Signal TRUNCATION = new Signal("the TLS stage reported truncation", s -> s.withTruncation(true));
  static final Signal PEER_CLOSE_NOTIFY = new Signal("the peer's close_notify was received", s -> s.withPeerCloseNotify(true));
  static final Signal TCP_RESET = transportFailure(new SocketException("Connection reset"));
  static final Signal UNTRUSTED = streamFailure(new SSLHandshakeException("PKIX path building failed"));
  static final Signal REFUSED = connectFailure(new ConnectException("Connection refused"));

  static Signal transportFailure(Throwable t) {
    return new Signal("TCP failed with " + describe(t), s -> s.withTransportFailure(Optional.of(t)));
  }

  static Signal streamFailure(Throwable t) {
    return new Signal("the stream failed with " + describe(t), s -> s.withStreamFailure(Optional.of(t)));
  }

  static Signal connectFailure(Throwable t) {
    return new Signal("TCP connect failed with " + describe(t), s -> s.withConnectFailure(Optional.of(t)));
  }

  private static String describe(Throwable t) {
    return t.getClass().getSimpleName() + "('" + t.getMessage() + "')"
        + (t.getCause() == null ? "" : " caused by " + describe(t.getCause()));
  }

  // ---------------------------------------------------------------- the table

  /** One row: ended while {@code state}, when {@code signal}, the outcome is {@code kind} by {@code initiator}. */
  record Row(State state, Signal signal, OutcomeKind kind, Initiator initiator, String detailPart) {
    @Override
    public String toString() {
      return "ended while " + state + ", when " + signal + " → " + kind.wireName() + " by the "
          + initiator.wireName() + " side, saying \"" + detailPart + "\"";
    }
  }

  static Row row(State state, Signal signal, OutcomeKind kind, Initiator initiator, String detailPart) {
    return new Row(state, signal, kind, initiator, detailPart);
  }

  static Stream<Row> rows() {
    return Stream.of(
        // connecting: whatever ended it, TCP never came up
        row(WHILE_CONNECTING, COMPLETED, CONNECT_FAILED, PEER, "the connection ended before TCP was up"),
        row(WHILE_CONNECTING, TRUNCATION, CONNECT_FAILED, PEER, "the connection ended before TCP was up"),
        row(WHILE_CONNECTING, PEER_CLOSE_NOTIFY, CONNECT_FAILED, PEER, "the connection ended before TCP was up"),
        row(WHILE_CONNECTING, TCP_RESET, CONNECT_FAILED, PEER, "TCP connect failed: Connection reset"),
        row(WHILE_CONNECTING, UNTRUSTED, CONNECT_FAILED, PEER, "TCP connect failed: PKIX path building failed"),
        row(WHILE_CONNECTING, REFUSED, CONNECT_FAILED, PEER,
            "the peer refused the connection (nothing listens on that port): Connection refused"),
        row(WHILE_CONNECTING, REFUSED.and(TCP_RESET).and(UNTRUSTED), CONNECT_FAILED, PEER,
            "the peer refused the connection (nothing listens on that port): Connection refused"),
        row(WHILE_CONNECTING, connectFailure(new UnknownHostException("no-such-host.invalid")), CONNECT_FAILED, PEER,
            "the host name could not be resolved: no-such-host.invalid"),
        row(WHILE_CONNECTING, connectFailure(new NoRouteToHostException("No route to host")), CONNECT_FAILED, PEER,
            "no route to the host: No route to host"),
        row(WHILE_CONNECTING, connectFailure(new ConnectException("Network is unreachable")), CONNECT_FAILED, PEER,
            "the network is unreachable: Network is unreachable"),

        // handshaking: TCP is up, the peer was not verified
        row(WHILE_HANDSHAKING, COMPLETED, HANDSHAKE_FAILED, PEER, "the peer closed the connection during the TLS handshake"),
        row(WHILE_HANDSHAKING, TRUNCATION, HANDSHAKE_FAILED, PEER, "the peer closed the connection during the TLS handshake"),
        row(WHILE_HANDSHAKING, PEER_CLOSE_NOTIFY, HANDSHAKE_FAILED, PEER,
            "the peer closed the connection during the TLS handshake"),
        row(WHILE_HANDSHAKING, TCP_RESET, HANDSHAKE_FAILED, PEER,
            "the transport failed during the TLS handshake: Connection reset"),
        row(WHILE_HANDSHAKING, UNTRUSTED, HANDSHAKE_FAILED, PEER,
            "the peer's certificate is not trusted by this TLS profile (configure trust-pem or trust-store): "
                + "PKIX path building failed"),
        row(WHILE_HANDSHAKING, REFUSED, HANDSHAKE_FAILED, PEER, "the peer closed the connection during the TLS handshake"),
        row(WHILE_HANDSHAKING, TCP_RESET.and(UNTRUSTED), HANDSHAKE_FAILED, PEER,
            "the peer's certificate is not trusted by this TLS profile"),
        row(WHILE_HANDSHAKING,
            streamFailure(new IllegalStateException("stage failed", new SSLHandshakeException("PKIX path building failed"))),
            HANDSHAKE_FAILED, PEER, "the peer's certificate is not trusted by this TLS profile"),
        row(WHILE_HANDSHAKING,
            streamFailure(new SSLHandshakeException("No subject alternative names matching IP address 127.0.0.1 found")),
            HANDSHAKE_FAILED, PEER, "the peer's certificate does not match the host name"),
        row(WHILE_HANDSHAKING, streamFailure(new SSLException("Unsupported or unrecognized SSL message")),
            HANDSHAKE_FAILED, PEER, "the peer is not speaking TLS on this port"),
        row(WHILE_HANDSHAKING, streamFailure(new IllegalStateException("stage crashed")), HANDSHAKE_FAILED, PEER,
            "TLS error: stage crashed"),

        // open: the peer ended it
        row(WHILE_OPEN, COMPLETED, CLEAN, PEER, "the peer sent close_notify; we answered with close_notify"),
        row(WHILE_OPEN, TRUNCATION, TRUNCATED, PEER, "the peer closed TCP without close_notify (possible truncation attack)"),
        row(WHILE_OPEN, PEER_CLOSE_NOTIFY, CLEAN, PEER, "the peer sent close_notify; we answered with close_notify"),
        row(WHILE_OPEN, TCP_RESET, RESET, PEER, "the transport failed: Connection reset"),
        row(WHILE_OPEN, UNTRUSTED, RESET, PEER, "the peer's certificate is not trusted by this TLS profile"),
        row(WHILE_OPEN, REFUSED, CLEAN, PEER, "the peer sent close_notify; we answered with close_notify"),
        row(WHILE_OPEN, TCP_RESET.and(TRUNCATION), RESET, PEER, "the transport failed: Connection reset"),
        row(WHILE_OPEN, streamFailure(new SSLException("Received fatal alert: bad_record_mac")), RESET, PEER,
            "a record failed its integrity check (corrupted stream or tampering): Received fatal alert: bad_record_mac"),

        // closing (graceful): we started the close; our close_notify is still queued
        row(WHILE_CLOSING, COMPLETED, TRUNCATED, LOCAL, "the peer closed TCP without answering with its own"),
        row(WHILE_CLOSING, TRUNCATION, TRUNCATED, LOCAL, "the peer closed TCP without answering with its own"),
        row(WHILE_CLOSING, PEER_CLOSE_NOTIFY, CLEAN, LOCAL, "close_notify exchanged in both directions"),
        row(WHILE_CLOSING, TCP_RESET, RESET, LOCAL, "the transport failed while closing: Connection reset"),
        row(WHILE_CLOSING, UNTRUSTED, RESET, LOCAL, "the stream failed while closing: PKIX path building failed"),
        row(WHILE_CLOSING, REFUSED, TRUNCATED, LOCAL, "the peer closed TCP without answering with its own"),

        // awaiting-peer-close (graceful): our close_notify is out, waiting for the peer's
        row(WHILE_AWAITING, COMPLETED, TRUNCATED, LOCAL, "we sent close_notify; the peer closed TCP without answering"),
        row(WHILE_AWAITING, TRUNCATION, TRUNCATED, LOCAL, "we sent close_notify; the peer closed TCP without answering"),
        row(WHILE_AWAITING, PEER_CLOSE_NOTIFY, CLEAN, LOCAL, "close_notify exchanged in both directions"),
        row(WHILE_AWAITING, TCP_RESET, RESET, LOCAL, "the transport failed while closing: Connection reset"),
        row(WHILE_AWAITING, UNTRUSTED, RESET, LOCAL, "the stream failed while closing: PKIX path building failed"),
        row(WHILE_AWAITING, REFUSED, TRUNCATED, LOCAL, "we sent close_notify; the peer closed TCP without answering"),
        row(WHILE_AWAITING, PEER_CLOSE_NOTIFY.and(TRUNCATION), TRUNCATED, LOCAL,
            "we sent close_notify; the peer closed TCP without answering"),
        row(WHILE_AWAITING, PEER_CLOSE_NOTIFY.and(TCP_RESET), RESET, LOCAL,
            "the transport failed while closing: Connection reset"),

        // send-only: once our close_notify is in TCP's hands, we closed without waiting
        row(WHILE_AWAITING_SEND_ONLY, COMPLETED, CLOSE_SENT, LOCAL, "we sent close_notify and closed TCP without waiting"),
        row(WHILE_AWAITING_SEND_ONLY, TRUNCATION, CLOSE_SENT, LOCAL, "we sent close_notify and closed TCP without waiting"),
        row(WHILE_AWAITING_SEND_ONLY, PEER_CLOSE_NOTIFY, CLOSE_SENT, LOCAL,
            "we sent close_notify and closed TCP without waiting"),
        row(WHILE_AWAITING_SEND_ONLY, TCP_RESET, CLOSE_SENT, LOCAL, "we sent close_notify and closed TCP without waiting"),
        row(WHILE_AWAITING_SEND_ONLY, UNTRUSTED, RESET, LOCAL, "the stream failed while closing: PKIX path building failed"),
        row(WHILE_CLOSING_SEND_ONLY, COMPLETED, TRUNCATED, LOCAL, "the peer closed TCP without answering with its own"),
        row(WHILE_CLOSING_SEND_ONLY, PEER_CLOSE_NOTIFY, CLEAN, LOCAL, "close_notify exchanged in both directions"),
        row(WHILE_CLOSING_SEND_ONLY, TCP_RESET, RESET, LOCAL, "the transport failed while closing: Connection reset"),

        // states of the supervisor, never of an incarnation
        row(new State("backoff (a supervisor state)", EndSignals.endedIn(BACKOFF)), COMPLETED, ABORTED, LOCAL,
            "ended in state backoff"),
        row(new State("failed (a supervisor state)", EndSignals.endedIn(FAILED)), COMPLETED, ABORTED, LOCAL,
            "ended in state failed"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void classifies(Row row) {
    Ending ending = EndClassifier.classify(row.signal().apply().apply(row.state().signals()));
    assertAll(
        () -> assertEquals(row.kind(), ending.kind(), "kind"),
        () -> assertEquals(row.initiator(), ending.initiator(), "initiator"),
        () -> assertTrue(ending.detail().contains(row.detailPart()),
            "detail should contain \"" + row.detailPart() + "\" but was \"" + ending.detail() + "\""));
  }

  /** Every incarnation state × basic signal has a row, so a new state or signal cannot go unclassified silently. */
  @Test
  void everyIncarnationStateMeetsEveryBasicSignal() {
    var covered = rows().map(r -> r.state().signals().state() + "/" + r.signal().description()).toList();
    for (ConnectionState state : new ConnectionState[] {CONNECTING, HANDSHAKING, OPEN, CLOSING, AWAITING_PEER_CLOSE}) {
      for (Signal signal : new Signal[] {COMPLETED, TRUNCATION, PEER_CLOSE_NOTIFY, TCP_RESET, UNTRUSTED, REFUSED}) {
        assertTrue(covered.contains(state + "/" + signal.description()), "no row for " + state + " × " + signal);
      }
    }
  }
}
