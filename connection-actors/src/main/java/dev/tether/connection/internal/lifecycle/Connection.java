package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.internal.transport.ConnectionTransport;
import dev.tether.connection.internal.transport.IncarnationInput;
import dev.tether.connection.internal.transport.InboundFinding;
import dev.tether.connection.internal.transport.TlsRecordSniffer;
import dev.tether.connection.internal.transport.TransportHandles;
import static dev.tether.connection.ConnectionState.*;

import dev.tether.connection.CloseMode;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ReaderAck;
import dev.tether.connection.ReaderEvent;
import dev.tether.connection.Outcome;
import dev.tether.connection.OutcomeKind;
import dev.tether.connection.SendResult;
import dev.tether.connection.session.Session;
import dev.tether.connection.session.SessionCommand;
import dev.tether.connection.session.SessionEvent;
import dev.tether.connection.TlsInfo;
import dev.tether.connection.internal.transport.ConnectionTransport.*; // the stream's signals
import java.time.Instant;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.japi.function.Function2;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: one incarnation of a connection. Its supervisor spawns it; it runs one fresh TLS +
 * TCP stream ({@link ConnectionTransport}), walks the lifecycle below, reports exactly one {@link
 * Outcome} and stops. Every state is bounded by a timer; an expired timer resets TCP.
 *
 * <pre>
 *   connecting ─► handshaking ─► open ─► closing ─► awaiting-peer-close ─► (ended)
 *        └─ connect-failed, awaiting-connect-result      aborting (after we reset TCP)
 * </pre>
 *
 * An inbound incarnation (accepted by a listener) starts in handshaking. Once open, a session
 * handler may be spawned as a child; it reads with flow control ({@link ReaderDelivery}) and writes
 * and closes like any caller. When the incarnation has ended, it waits (bounded) for its handler to
 * stop, so that no handler outlives its connection and the next incarnation never overlaps it.
 *
 * <p>Each state is one method whose parameters are what that state knows, and whose if-chain lists
 * the messages it accepts. Messages from the stream go only to this actor, so a late one reaches a
 * stopped actor (dead letters), never a newer incarnation.
 */
public final class Connection {

  /** Messages an incarnation understands; the stream's own are {@link ConnectionTransport.Signal}s. */
  public interface Command extends IncarnationInput {}

  /** Write bytes; answered once the TLS stage has taken them. */
  record Send(ByteString bytes, ActorRef<SendResult> replyTo) implements Command {}

  /** Close with the given mode; the outcome is reported to the supervisor. */
  record Close(CloseMode mode) implements Command {}

  private enum Connected implements Command { INSTANCE }

  /** What the session handler asked, through its {@link Session}. */
  private record FromHandler(SessionCommand command) implements Command {}

  /** The spec's reader took bytes ({@code ReaderEvent.Received#ack()}). */
  private record ReaderAcked(ReaderAck ack) implements Command {}

  private enum HandlerStopped implements Command { INSTANCE }

  private record ConnectFailed(Throwable cause) implements Command {}

  /** The lifecycle's timers; keepalive has its own ({@link IncarnationKeepalive.Timer}). */
  private enum Timer implements Command { CONNECT, HANDSHAKE, CLOSE, ABORT_GRACE, HANDLER_STOP, DRAIN }

  /** @param counters this incarnation's counters, which the supervisor reads for views */
  static Behavior<IncarnationInput> create(ConnectionPlan plan, long incarnation, ActorRef<IncarnationReport> reportTo,
      IncarnationCounters counters) {
    // A failure inside this actor stops it (typed actors' default supervision; the supervisor sees
    // it terminate and reconnects): a restart would lose the stream it owns. No explicit
    // supervise(...).onFailure(stop()) wrapper: it would only add an interceptor per connection.
    return Behaviors.<IncarnationInput>setup(ctx -> Behaviors.withTimers(timers -> {
      TransportHandles transport = ConnectionTransport.start(ctx.getSystem(), ctx.getSelf().narrow(), plan.transportPlan());
      return new Connection(ctx, timers, plan, incarnation, reportTo, counters, transport).start();
    }));
  }

  private final ActorContext<IncarnationInput> ctx;
  private final TimerScheduler<IncarnationInput> timers;
  private final ConnectionPlan plan;
  private final ConnectionSpec spec;
  private final ConnectionSettings settings;
  private final long incarnation;
  private final ActorRef<IncarnationReport> reportTo;
  private final TransportHandles transport;
  private final Instant startedAt = Instant.now();
  // The incarnation's resources, used across several states; each has one job and is never shared.
  private final IncarnationCounters counters;
  private final WritePump writes;
  private final IncarnationKeepalive keepalive;
  private final ReaderDelivery delivery;
  // What an accepted client revealed, for the outcome's detail if it then fails.
  private final AcceptDiagnosis diagnosis = new AcceptDiagnosis();
  private final DecidedEndings endings;
  private final Function2<ActorContext<IncarnationInput>, Signal, Behavior<IncarnationInput>> onSignal;

  private Connection(ActorContext<IncarnationInput> ctx, TimerScheduler<IncarnationInput> timers, ConnectionPlan plan,
      long incarnation, ActorRef<IncarnationReport> reportTo, IncarnationCounters counters, TransportHandles transport) {
    this.ctx = ctx;
    this.timers = timers;
    this.plan = plan;
    this.spec = plan.spec();
    this.settings = plan.settings();
    this.incarnation = incarnation;
    this.reportTo = reportTo;
    this.counters = counters;
    this.endings = new DecidedEndings(settings, plan.inbound().map(in -> in.lingerTimeout()));
    this.transport = transport;
    this.writes = new WritePump(spec.id(), settings.maxPendingWrites(), transport, counters);
    this.keepalive = new IncarnationKeepalive(new KeepaliveMonitor(settings.keepalive()), timers, writes, counters,
        reportTo, incarnation);
    this.delivery = new ReaderDelivery(spec.id(), incarnation, spec.reader(), settings.receiveWindow(),
        settings.readerAcknowledges() && spec.reader().isPresent()
            ? ctx.messageAdapter(ReaderAck.class, ReaderAcked::new) : ctx.getSystem().ignoreRef());
    this.onSignal = (c, signal) -> {
      if (signal == PostStop.instance()) transport.abort("connection actor stopped"); // a no-op once the stream has ended
      return Behaviors.same();
    };
  }

  private Behavior<IncarnationInput> start() {
    if (plan.inbound().isPresent()) return enterHandshaking(); // accepted: TCP is already up
    ctx.pipeToSelf(transport.connected(), (conn, err) -> err == null ? Connected.INSTANCE : new ConnectFailed(err));
    timers.startSingleTimer(Timer.CONNECT, settings.connectTimeout());
    report(CONNECTING, Optional.empty());
    return connecting();
  }

  // ---------------------------------------------------------------- the lifecycle, in order
  // Each state is one receive function (not a BehaviorBuilder: a built behavior per state cost
  // about a kilobyte of heap per open connection). Its if-chain is the list of what it accepts;
  // anything else falls through to inAnyState.

  private Behavior<IncarnationInput> connecting() {
    return state(m -> {
      if (m == Connected.INSTANCE) return enterHandshaking();
      if (m instanceof ConnectFailed f) return connectFailed(f.cause());
      // The connect future and the verifier report from different threads: the handshake may
      // finish before this actor has heard that TCP is up.
      if (m instanceof HandshakeCompleted h) {
        enterHandshaking();
        return enterOpen(h.session());
      }
      if (m instanceof NotTls n) return notTls(n);
      if (m == Timer.CONNECT) return abort(endings.connectTimeout());
      if (m instanceof Close) return abort(endings.closeRequestedWhile(CONNECTING));
      if (m instanceof Send send) return rejectNotOpen(send, CONNECTING);
      if (m instanceof Inbound in) return receive(in, Behaviors::same);
      if (m instanceof StreamEnded e) return awaitingConnectResult(e.failure());
      return inAnyState(m);
    });
  }

  private Behavior<IncarnationInput> handshaking() {
    return state(m -> {
      if (m instanceof HandshakeCompleted h) return enterOpen(h.session());
      if (m instanceof NotTls n) return notTls(n);
      if (m instanceof Found f) return found(f.finding());
      if (m == Timer.HANDSHAKE) return abort(endings.handshakeTimeout());
      if (m instanceof Close) return abort(endings.closeRequestedWhile(HANDSHAKING));
      if (m instanceof Send send) return rejectNotOpen(send, HANDSHAKING);
      if (m instanceof Inbound in) return receive(in, Behaviors::same);
      if (m instanceof StreamEnded e) return ended(EndSignals.endedIn(HANDSHAKING), e.failure());
      return inAnyState(m);
    });
  }

  /** @param truncated the TLS stage reported that the transport ended without the peer's close_notify */
  private Behavior<IncarnationInput> open(boolean truncated) {
    return state(m -> {
      if (m instanceof Send send) {
        writes.send(send.bytes(), send.replyTo());
        return Behaviors.same();
      }
      if (m == WriteTaken.INSTANCE) return writeTaken();
      if (m instanceof Close close) {
        return close.mode() == CloseMode.ABORT ? abort(endings.closedWithModeAbort()) : enterClosing(close.mode(), truncated);
      }
      if (m == HandlerStopped.INSTANCE) {
        ctx.getLog().info("connection {}: its session handler stopped; closing ({})", spec.id(), settings.closeMode());
        return settings.closeMode() == CloseMode.ABORT
            ? abort(endings.handlerStoppedWithModeAbort()) : enterClosing(settings.closeMode(), truncated);
      }
      if (m instanceof Inbound in) return receive(in, () -> open(true));
      if (m == IncarnationKeepalive.Timer.IDLE) {
        keepalive.onIdle();
        return Behaviors.same();
      }
      if (m == IncarnationKeepalive.Timer.PONG) {
        return keepalive.onPongTimeout().map(giveUp -> abort(endings.keepaliveTimeout(giveUp))).orElseGet(Behaviors::same);
      }
      if (m instanceof StreamEnded e) return ended(EndSignals.endedIn(OPEN).withTruncation(truncated), e.failure());
      if (m == Timer.DRAIN) return undelivered(EndSignals.endedIn(OPEN).withTruncation(truncated));
      // HandshakeCompleted repeats once per TLS 1.3 session ticket; CloseNotifyFlushed here is our
      // answer to the peer's close_notify: both need nothing.
      return inAnyState(m);
    });
  }

  /** Our close_notify is queued behind the pending writes; waiting for it to reach TCP. */
  private Behavior<IncarnationInput> closing(CloseMode mode, boolean truncated) {
    return state(m -> {
      if (m == WriteTaken.INSTANCE) return writeTaken();
      if (m == CloseNotifyFlushed.INSTANCE) return enterAwaitingPeerClose(mode, truncated);
      if (m == Timer.CLOSE) return abort(endings.closeNotifyNotFlushed());
      if (m instanceof Close close) return onlyAbortEscalates(close, CLOSING);
      if (m instanceof Send send) return rejectNotOpen(send, CLOSING);
      if (m instanceof Inbound in) return receive(in, () -> closing(mode, true));
      if (m instanceof StreamEnded e) {
        return ended(EndSignals.endedIn(CLOSING).closing(mode, false).withTruncation(truncated), e.failure());
      }
      if (m == Timer.DRAIN) return undelivered(EndSignals.endedIn(CLOSING).closing(mode, false).withTruncation(truncated));
      return inAnyState(m);
    });
  }

  /** Our close_notify is in TCP's hands; graceful: waiting for the peer's; send-only: for TCP to close. */
  private Behavior<IncarnationInput> awaitingPeerClose(CloseMode mode, boolean truncated) {
    return state(m -> {
      if (m == Timer.CLOSE) return abort(endings.peerCloseTimeout(mode));
      if (m instanceof Close close) return onlyAbortEscalates(close, AWAITING_PEER_CLOSE);
      if (m instanceof Send send) return rejectNotOpen(send, AWAITING_PEER_CLOSE);
      if (m instanceof Inbound in) return receive(in, () -> awaitingPeerClose(mode, true));
      if (m instanceof StreamEnded e) {
        return ended(EndSignals.endedIn(AWAITING_PEER_CLOSE).closing(mode, true).withTruncation(truncated), e.failure());
      }
      if (m == Timer.DRAIN) {
        return undelivered(EndSignals.endedIn(AWAITING_PEER_CLOSE).closing(mode, true).withTruncation(truncated));
      }
      return inAnyState(m);
    });
  }

  /** TCP could not connect; the stream is about to end too. Waiting for it keeps its messages out of dead letters. */
  private Behavior<IncarnationInput> connectFailed(Throwable cause) {
    return state(m -> {
      if (m instanceof StreamEnded e) {
        return ended(EndSignals.endedIn(CONNECTING).withConnectFailure(Optional.of(cause)), e.failure());
      }
      if (m == Timer.CONNECT) return abort(endings.connectTimeout());
      if (m instanceof Close) return abort(endings.closeRequestedWhile(CONNECTING));
      if (m instanceof Send send) return rejectNotOpen(send, CONNECTING);
      if (m instanceof Inbound in) return receive(in, Behaviors::same);
      return inAnyState(m);
    });
  }

  /** The stream ended before we heard whether TCP connected; that result always follows. */
  private Behavior<IncarnationInput> awaitingConnectResult(Optional<Throwable> streamFailure) {
    return state(m -> {
      if (m == Connected.INSTANCE) {
        report(HANDSHAKING, Optional.empty());
        return ended(EndSignals.endedIn(HANDSHAKING), streamFailure);
      }
      if (m instanceof ConnectFailed f) {
        return ended(EndSignals.endedIn(CONNECTING).withConnectFailure(Optional.of(f.cause())), streamFailure);
      }
      if (m == Timer.CONNECT) return finish(endings.connectTimeout());
      if (m instanceof Close) return finish(endings.closeRequestedBeforeConnected());
      if (m instanceof Send send) return rejectNotOpen(send, CONNECTING);
      return inAnyState(m);
    });
  }

  /** We reset TCP ourselves; the outcome is decided, waiting (bounded) for the stream to stop. */
  private Behavior<IncarnationInput> aborting(Ending ending) {
    return state(m -> {
      if (m instanceof StreamEnded || m == Timer.ABORT_GRACE) return finish(ending);
      if (m == TransportFailed.INSTANCE) return Behaviors.same(); // we reset it ourselves
      if (m instanceof Inbound in) return receive(in, Behaviors::same);
      if (m == WriteTaken.INSTANCE) {
        writes.answerTaken(); // but write no more
        return Behaviors.same();
      }
      if (m instanceof Send send) {
        WritePump.reject(spec.id(), send.replyTo(), SendResult.Reason.ENDED, "the connection is ending: " + ending.detail());
        return Behaviors.same();
      }
      return inAnyState(m); // a Close changes nothing now
    });
  }

  /**
   * What every state does alike: acknowledge the sink's start; and ignore what a state
   * does not expect: late signals of states already left (a connect result after the handshake, the
   * record sniffer after the handshake, a cancelled timer), handshake repeats, a close while aborting.
   */
  private Behavior<IncarnationInput> inAnyState(IncarnationInput m) {
    if (m instanceof StreamInit init) init.ackTo().tell(ConnectionTransport.Ack.INSTANCE);
    // The stream delivers what it had received before it ends; a reader that does not take it is
    // given close-timeout (see undelivered).
    if (m == TransportFailed.INSTANCE) timers.startSingleTimer(Timer.DRAIN, settings.closeTimeout());
    if (m instanceof FromHandler h && h.command() == SessionCommand.Ack.INSTANCE) delivery.handlerTook();
    if (m instanceof ReaderAcked a) delivery.readerAcknowledged(a.ack());
    return Behaviors.same();
  }

  /** A state's receive function; what the handler asks arrives as the caller's Send and Close would. */
  private Behavior<IncarnationInput> state(Function<IncarnationInput, Behavior<IncarnationInput>> body) {
    return Behaviors.receive((c, m) -> body.apply(m instanceof FromHandler h ? fromHandler(h.command()) : m), onSignal);
  }

  private IncarnationInput fromHandler(SessionCommand command) {
    if (command instanceof SessionCommand.Write w) return new Send(w.bytes(), w.replyTo());
    if (command instanceof SessionCommand.Close close) return new Close(close.mode());
    return new FromHandler(command); // Ack: the same in every state
  }

  /** The outcome is reported; the session handler has been told and is given close-timeout to stop. */
  private Behavior<IncarnationInput> awaitingHandler() {
    return Behaviors.receive((c, m) -> {
      if (m == HandlerStopped.INSTANCE || m == Timer.HANDLER_STOP) return Behaviors.stopped();
      if (m instanceof FromHandler h && h.command() instanceof SessionCommand.Write w) {
        WritePump.reject(spec.id(), w.replyTo(), SendResult.Reason.ENDED, "the connection has ended");
      }
      if (m instanceof Send send) WritePump.reject(spec.id(), send.replyTo(), SendResult.Reason.ENDED, "the connection has ended");
        return Behaviors.same();
    }, onSignal);
  }

  // ---------------------------------------------------------------- transitions

  private void report(ConnectionState state, Optional<TlsInfo> tls) {
    reportTo.tell(new IncarnationReport.StateEntered(incarnation, state, Instant.now(), tls));
  }

  private Behavior<IncarnationInput> enterHandshaking() {
    timers.cancel(Timer.CONNECT);
    timers.startSingleTimer(Timer.HANDSHAKE, settings.handshakeTimeout());
    report(HANDSHAKING, Optional.empty());
    return handshaking();
  }

  private Behavior<IncarnationInput> enterOpen(SSLSession session) {
    timers.cancel(Timer.HANDSHAKE);
    TlsInfo tls = TlsSessions.info(session);
    diagnosis.negotiated(tls.protocol());
    report(OPEN, Optional.of(tls));
    spec.reader().ifPresent(l -> l.tell(new ReaderEvent.Opened(spec.id(), incarnation, tls)));
    plan.handler().ifPresent(factory -> startHandler(factory, tls));
    keepalive.start();
    return open(false);
  }

  private void startHandler(dev.tether.connection.session.SessionHandlerFactory factory, TlsInfo tls) {
    Session session = new Session(spec.id(), plan.direction(), plan.listener(), spec.remote(), tls, plan.handlerOptions(),
        ctx.messageAdapter(SessionCommand.class, FromHandler::new));
    // A handler that throws is stopped (typed default: not restarted with lost state); the watch
    // below then closes the connection.
    // On this actor's dispatcher (ConnectionPlan.incarnationProps): like a Netty handler on its channel's event loop.
    ActorRef<SessionEvent> handler = ctx.spawn(factory.create(session), "session", DispatcherSelector.sameAsParent());
    ctx.watchWith(handler, HandlerStopped.INSTANCE);
    delivery.handlerStarted(handler);
  }

  private Behavior<IncarnationInput> enterClosing(CloseMode mode, boolean truncated) {
    delivery.discardFromNowOn();
    keepalive.stop();
    timers.startSingleTimer(Timer.CLOSE, settings.closeTimeout());
    report(CLOSING, Optional.empty());
    writes.closeWhenWritten();
    return closing(mode, truncated);
  }

  private Behavior<IncarnationInput> enterAwaitingPeerClose(CloseMode mode, boolean truncated) {
    report(AWAITING_PEER_CLOSE, Optional.empty());
    // Inbound, graceful: linger. Keep reading (and discarding) the client's bytes until its
    // close_notify, so that a client still writing gets our answer instead of a reset.
    if (plan.inbound().isPresent() && mode == CloseMode.GRACEFUL) {
      timers.startSingleTimer(Timer.CLOSE, plan.inbound().get().lingerTimeout());
    }
    // send-only: close_notify is in TCP's hands, so close TCP (FIN after the flush) without waiting.
    if (mode == CloseMode.SEND_ONLY) transport.shutdown();
    return awaitingPeerClose(mode, truncated);
  }

  /** A second close while closing changes nothing, unless it asks to abort. */
  private Behavior<IncarnationInput> onlyAbortEscalates(Close m, ConnectionState state) {
    if (m.mode() != CloseMode.ABORT) return Behaviors.same();
    return abort(endings.abortRequestedWhile(state));
  }

  /** The guard's verdict on an accepted client's first bytes. */
  private Behavior<IncarnationInput> found(InboundFinding finding) {
    if (finding instanceof InboundFinding.NotTls n) return notTls(new NotTls(n.firstBytes()));
    if (finding instanceof InboundFinding.ClientHello hello) {
      diagnosis.offered(hello.offeredVersions());
      return Behaviors.same();
    }
    return answeredPlaintext((InboundFinding.PlaintextHttp) finding);
  }

  /**
   * A plaintext HTTP client got a 400 and our FIN from the guard, which reads until the client
   * closes; the handshake timer bounds that. No reset, so that the client can read the answer.
   */
  private Behavior<IncarnationInput> answeredPlaintext(InboundFinding.PlaintextHttp http) {
    Ending ending = Ending.peer(OutcomeKind.HANDSHAKE_FAILED, http.describe());
    return state(m -> {
      if (m instanceof StreamEnded) return finish(ending);
      if (m == Timer.HANDSHAKE || m instanceof Close) return abort(ending);
      if (m instanceof Inbound in) return receive(in, Behaviors::same);
      if (m instanceof Send send) return rejectNotOpen(send, HANDSHAKING);
      return inAnyState(m);
    });
  }

  /** Ends the handshake at once, saying what the peer sent: the JDK may wait long on a bogus record length. */
  private Behavior<IncarnationInput> notTls(NotTls m) {
    return abort(Ending.local(OutcomeKind.HANDSHAKE_FAILED, TlsRecordSniffer.describe(m.firstBytes())));
  }

  /** Resets TCP now and ends as {@code ending} says once the stream has stopped. */
  private Behavior<IncarnationInput> abort(Ending ending) {
    timers.cancelAll();
    transport.abort(ending.detail());
    // The stream stops within milliseconds of an abort; this bound only guards against a bug.
    timers.startSingleTimer(Timer.ABORT_GRACE, settings.closeTimeout());
    return aborting(ending);
  }

  /** The stream ended on its own: classify what was observed. */
  private Behavior<IncarnationInput> ended(EndSignals signals, Optional<Throwable> streamFailure) {
    Ending ending = EndClassifier.classify(signals
        .withStreamFailure(streamFailure)
        .withTransportFailure(transport.transportFailure())
        .withPeerCloseNotify(transport.peerCloseNotifyReceived()));
    return finish(plan.inbound().isEmpty() ? ending
        : diagnosis.explain(ending, streamFailure, plan.profile().protocols(), transport.lastRecord()));
  }

  /**
   * TCP failed, and the reader has not taken, within close-timeout, what was received before: stop
   * waiting for it (without this bound a reader that stopped acknowledging would hold a dead
   * connection forever, with keepalive off). The outcome is the one the end would have had.
   */
  private Behavior<IncarnationInput> undelivered(EndSignals signals) {
    Ending ending = EndClassifier.classify(signals
        .withTransportFailure(transport.transportFailure())
        .withPeerCloseNotify(transport.peerCloseNotifyReceived()));
    return abort(endings.undelivered(ending));
  }

  private Behavior<IncarnationInput> finish(Ending ending) {
    timers.cancelAll();
    IncarnationStats stats = counters.snapshot();
    Outcome outcome = ending.toOutcome(incarnation, stats, startedAt, Instant.now());
    writes.rejectUnwritten(outcome);
    reportTo.tell(new IncarnationReport.Ended(incarnation, outcome, stats));
    if (!delivery.ended(outcome)) return Behaviors.stopped();
    timers.startSingleTimer(Timer.HANDLER_STOP, settings.closeTimeout());
    return awaitingHandler();
  }

  // ---------------------------------------------------------------- received bytes

  /** Acknowledges one element; delivers bytes, or moves to {@code onTruncated} on {@code SessionTruncated}. */
  private Behavior<IncarnationInput> receive(Inbound m, Supplier<Behavior<IncarnationInput>> onTruncated) {
    if (!(m.element() instanceof TLSProtocol.SessionBytes sb) || sb.bytes().isEmpty()) {
      m.ackTo().tell(ConnectionTransport.Ack.INSTANCE);
      return m.element() instanceof TLSProtocol.SessionBytes ? Behaviors.same() : onTruncated.get();
    }
    var bytes = sb.bytes();
    counters.addIn(bytes.size());
    delivery.deliver(bytes, m.ackTo());
    keepalive.onInbound(bytes);
    return Behaviors.same();
  }

  // ---------------------------------------------------------------- outbound bytes (WritePump)

  private Behavior<IncarnationInput> writeTaken() {
    writes.taken();
    return Behaviors.same();
  }

  private Behavior<IncarnationInput> rejectNotOpen(Send m, ConnectionState state) {
    WritePump.reject(spec.id(), m.replyTo(), SendResult.Reason.NOT_OPEN,
        "connection '" + spec.id() + "' is " + state.wireName() + ", not open");
    return Behaviors.same();
  }
}
