package dev.tether.connection.internal;

import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.InboundEvent;
import dev.tether.connection.Initiator;
import dev.tether.connection.KeepaliveSettings;
import dev.tether.connection.Outcome;
import dev.tether.connection.OutcomeKind;
import dev.tether.connection.SendResult;
import dev.tether.connection.TlsInfo;
import dev.tether.connection.TlsProfile;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.CompletionStrategy;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RunnableGraph;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.TLS;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: one incarnation of a connection. Spawned by the manager; it builds one fresh TLS +
 * TCP stream, walks the lifecycle connecting → handshaking → open → closing → awaiting-peer-close,
 * reports exactly one {@link Outcome} and stops. Every state is bounded by a timer; an expired timer
 * resets TCP through the kill switch.
 *
 * <p>Streams talk to this actor only; a late message from a stream therefore reaches a stopped actor
 * (dead letters), never a newer incarnation. Reports to the manager carry the incarnation number.
 */
public final class Connection {

  /** Messages this actor understands. */
  public interface Command {}

  /** Write bytes; answered once the TLS stage has taken them. */
  public record Send(ByteString bytes, ActorRef<SendResult> replyTo) implements Command {}

  /** Close with the given mode. The outcome is reported to the manager. */
  public record Close(CloseMode mode) implements Command {}

  /** What the manager hears from an incarnation. */
  public sealed interface Report {
    String id();

    long incarnation();
  }

  /** The incarnation entered a state. {@code tls} is set from open on. */
  public record StateReport(String id, long incarnation, ConnectionState state, Instant at, Optional<TlsInfo> tls)
      implements Report {}

  /** The incarnation ended. Always the last report; the actor stops right after. */
  public record EndReport(String id, long incarnation, Outcome outcome) implements Report {}

  // --- private protocol: the stream, and timers ---
  private record Connected(InetSocketAddress local) implements Command {}

  private record ConnectFailed(Throwable cause) implements Command {}

  private record HandshakeDone(SSLSession session) implements Command {}

  private enum StreamAck { INSTANCE }

  private record StreamInit(ActorRef<StreamAck> ackTo) implements Command {}

  private record StreamElement(ActorRef<StreamAck> ackTo, TLSProtocol.SslTlsInbound element) implements Command {}

  private enum StreamCompleted implements Command { INSTANCE }

  private record StreamFailed(Throwable cause) implements Command {}

  private enum WriteAck implements Command { INSTANCE }

  private enum CloseNotifySent implements Command { INSTANCE }

  /** The peer's first bytes are not a TLS record: it is not speaking TLS. */
  private record NotTls(ByteString firstBytes) implements Command {}

  private enum Timer implements Command { CONNECT, HANDSHAKE, CLOSE, KEEPALIVE_IDLE, PONG, ABORT_GRACE }

  /** Elements of the outbound (plaintext) source. */
  private sealed interface Outbound {}

  private record Write(ByteString bytes) implements Outbound {}

  private enum Finish implements Outbound { INSTANCE }

  /** Why we ended the incarnation ourselves; set before the kill switch is pulled. */
  private record EndReason(OutcomeKind kind, Initiator initiator, String detail) {}

  /** Thrown into the stream by the kill switch. No stack trace: it is a signal, not a bug. */
  static final class LocalAbort extends RuntimeException {
    LocalAbort(String message) {
      super(message, null, false, false);
    }
  }

  /** A pending write: user bytes with their reply, or a keepalive ping (no reply). */
  private record PendingWrite(ByteString bytes, ActorRef<SendResult> replyTo) {}

  /**
   * Starts one incarnation.
   *
   * @param spec the connection's spec
   * @param settings its effective settings
   * @param profile its TLS profile
   * @param incarnation this incarnation's number
   * @param reportTo the manager
   * @param stats counters shared with the manager (written here only)
   * @param streamDispatcher the dispatcher of the stream, or empty for the materializer's default
   */
  public static Behavior<Command> create(
      ConnectionSpec spec,
      ConnectionSettings settings,
      TlsProfile profile,
      long incarnation,
      ActorRef<Report> reportTo,
      IncarnationStats stats,
      Optional<String> streamDispatcher) {
    // A failure inside this actor stops it (the manager sees it terminate and reconnects); a
    // restart would lose the stream it owns.
    return Behaviors.supervise(
            Behaviors.<Command>setup(ctx -> Behaviors.withTimers(timers ->
                new Connection(ctx, timers, spec, settings, profile, incarnation, reportTo, stats, streamDispatcher).start())))
        .onFailure(SupervisorStrategy.stop());
  }

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final ConnectionSpec spec;
  private final ConnectionSettings settings;
  private final TlsProfile profile;
  private final long incarnation;
  private final ActorRef<Report> reportTo;
  private final IncarnationStats stats;
  private final Optional<String> streamDispatcher;
  private final Instant startedAt = Instant.now();
  private final AtomicReference<SSLEngine> engine = new AtomicReference<>();
  private final AtomicReference<Throwable> transportError = new AtomicReference<>();

  private ConnectionState state = ConnectionState.CONNECTING;
  private ActorRef<Outbound> outbound;
  private UniqueKillSwitch killSwitch;
  private boolean streamEnded;
  private Throwable streamFailure;
  private Optional<Throwable> connectResult; // null: unknown yet; empty: connected
  private boolean truncationSeen;
  private boolean closeNotifySent;
  private CloseMode closeMode;
  private EndReason endReason;
  private TlsInfo tls;

  private final ArrayDeque<PendingWrite> pending = new ArrayDeque<>();
  private PendingWrite inFlight;
  private boolean finishSent;

  // keepalive
  private boolean awaitingPong;
  private long pingSentAtNanos;
  private int misses;
  private ByteString pongWindow = ByteString.emptyByteString();

  private Connection(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      ConnectionSpec spec,
      ConnectionSettings settings,
      TlsProfile profile,
      long incarnation,
      ActorRef<Report> reportTo,
      IncarnationStats stats,
      Optional<String> streamDispatcher) {
    this.ctx = ctx;
    this.timers = timers;
    this.spec = spec;
    this.settings = settings;
    this.profile = profile;
    this.incarnation = incarnation;
    this.reportTo = reportTo;
    this.stats = stats;
    this.streamDispatcher = streamDispatcher;
  }

  // ---------------------------------------------------------------- start: build the stream

  private Behavior<Command> start() {
    ActorRef<Command> self = ctx.getSelf();
    var tls = TLS.create(
        () -> {
          SSLEngine e = profile.createClientEngine(spec.host(), spec.port());
          engine.set(e);
          return e;
        },
        session -> self.tell(new HandshakeDone(session)),
        TLSClosing.eagerClose());
    BidiFlow<ByteString, ByteString, ByteString, ByteString, org.apache.pekko.NotUsed> watch = BidiFlow.fromFlows(
        Flow.fromGraph(new CipherOutWatch(engine, () -> self.tell(CloseNotifySent.INSTANCE))),
        Flow.<ByteString>create().map(new TlsRecordSniffer(first -> self.tell(new NotTls(first)))));
    BidiFlow<ByteString, ByteString, ByteString, ByteString, UniqueKillSwitch> kill =
        BidiFlow.fromGraph(KillSwitches.<ByteString, ByteString>singleBidi());
    // A transport failure (RST, I/O error) would overtake bytes still inside the pipeline. Turn it
    // into a completion, and remember it for the outcome: the TLS stage then delivers what it has,
    // reports the missing close_notify, and completes.
    var tcp = Tcp.get(ctx.getSystem())
        .outgoingConnection(
            InetSocketAddress.createUnresolved(spec.host(), spec.port()),
            Optional.empty(),
            TransportOptions.of(settings.keepalive().tcp()),
            true,
            Optional.empty(),
            Optional.empty())
        .mapError(Throwable.class, ex -> {
          transportError.compareAndSet(null, ex);
          return ex;
        })
        .recoverWithRetries(1, Throwable.class, Source::empty);
    var transport = tls.atop(watch).atop(kill, Keep.right()).join(tcp, Keep.both());

    Source<Outbound, ActorRef<Outbound>> source = ActorSource.actorRefWithBackpressure(
        self,
        WriteAck.INSTANCE,
        o -> o instanceof Finish ? Optional.of(CompletionStrategy.draining()) : Optional.empty(),
        o -> Optional.empty());
    var sink = ActorSink.<TLSProtocol.SslTlsInbound, Command, StreamAck>actorRefWithBackpressure(
        self,
        StreamElement::new,
        StreamInit::new,
        StreamAck.INSTANCE,
        StreamCompleted.INSTANCE,
        StreamFailed::new);

    RunnableGraph<Pair<ActorRef<Outbound>, Pair<UniqueKillSwitch, CompletionStage<Tcp.OutgoingConnection>>>> graph =
        source
            .map(o -> (TLSProtocol.SslTlsOutbound) new TLSProtocol.SendBytes(((Write) o).bytes()))
            .viaMat(transport, Keep.both())
            .to(sink);
    if (streamDispatcher.isPresent()) graph = graph.withAttributes(ActorAttributes.dispatcher(streamDispatcher.get()));
    var mat = graph.run(Materializer.matFromSystem(ctx.getSystem()));
    outbound = mat.first();
    killSwitch = mat.second().first();
    ctx.pipeToSelf(mat.second().second(), (conn, err) ->
        err == null ? new Connected(conn.localAddress()) : new ConnectFailed(err));
    timers.startSingleTimer(Timer.CONNECT, settings.connectTimeout());
    report();
    return connecting();
  }

  // ---------------------------------------------------------------- states

  private Behavior<Command> connecting() {
    return withCommon(Behaviors.receive(Command.class)
        .onMessage(Connected.class, this::onConnected)
        .onMessage(ConnectFailed.class, this::onConnectFailed)
        // The connect future and the verifier report from different threads: the handshake may
        // finish before the actor has heard that TCP is up.
        .onMessage(HandshakeDone.class, this::onHandshakeDoneWhileConnecting)
        .onMessage(NotTls.class, this::onNotTls)
        .onMessageEquals(Timer.CONNECT, () -> abort(OutcomeKind.CONNECT_TIMEOUT,
            "TCP connect (with DNS) did not finish within connect-timeout " + fmt(settings.connectTimeout()))));
  }

  private Behavior<Command> handshaking() {
    return withCommon(Behaviors.receive(Command.class)
        .onMessage(HandshakeDone.class, this::onHandshakeDone)
        .onMessage(NotTls.class, this::onNotTls)
        .onMessageEquals(Timer.HANDSHAKE, () -> abort(OutcomeKind.HANDSHAKE_TIMEOUT,
            "TLS handshake did not finish within handshake-timeout " + fmt(settings.handshakeTimeout()))));
  }

  private Behavior<Command> open() {
    return withCommon(Behaviors.receive(Command.class)
        .onMessageEquals(Timer.KEEPALIVE_IDLE, this::onKeepaliveIdle)
        .onMessageEquals(Timer.PONG, this::onPongTimeout));
  }

  private Behavior<Command> closing() {
    return withCommon(Behaviors.receive(Command.class)
        .onMessageEquals(Timer.CLOSE, () -> abort(OutcomeKind.CLOSE_TIMEOUT, state == ConnectionState.CLOSING
            ? "our close_notify could not be flushed within close-timeout " + fmt(settings.closeTimeout())
            : "the peer did not answer our close_notify within close-timeout " + fmt(settings.closeTimeout()))));
  }

  /** After the kill switch was pulled: wait (bounded) for the stream to report its end. */
  private Behavior<Command> aborting() {
    return withCommon(Behaviors.receive(Command.class)
        .onMessageEquals(Timer.ABORT_GRACE, () -> finish(outcome(endReason))));
  }

  /** Handlers shared by every state. */
  private Behavior<Command> withCommon(BehaviorBuilder<Command> b) {
    return b.onMessage(HandshakeDone.class, m -> Behaviors.same()) // repeats (TLS 1.3 session tickets)
        .onMessage(Connected.class, this::onLateConnected)
        .onMessage(ConnectFailed.class, this::onLateConnectFailed)
        .onMessage(StreamInit.class, this::onStreamInit)
        .onMessage(StreamElement.class, this::onStreamElement)
        .onMessageEquals(StreamCompleted.INSTANCE, () -> onStreamEnd(null))
        .onMessage(StreamFailed.class, m -> onStreamEnd(m.cause()))
        .onMessage(Send.class, this::onSend)
        .onMessageEquals(WriteAck.INSTANCE, this::onWriteAck)
        .onMessage(Close.class, this::onClose)
        .onMessageEquals(CloseNotifySent.INSTANCE, this::onCloseNotifySent)
        .onMessage(NotTls.class, m -> Behaviors.same()) // after the handshake the TLS stage judges records
        .onMessage(Timer.class, t -> Behaviors.same()) // a timer of a state we have left
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  // ---------------------------------------------------------------- transitions

  private Behavior<Command> onConnected(Connected m) {
    connectResult = Optional.empty();
    timers.cancel(Timer.CONNECT);
    timers.startSingleTimer(Timer.HANDSHAKE, settings.handshakeTimeout());
    enter(ConnectionState.HANDSHAKING);
    return handshaking();
  }

  private Behavior<Command> onConnectFailed(ConnectFailed m) {
    connectResult = Optional.of(m.cause());
    return streamEnded ? finishAfterStreamEnd() : Behaviors.same();
  }

  private Behavior<Command> onLateConnected(Connected m) {
    connectResult = Optional.empty();
    return streamEnded ? finishAfterStreamEnd() : Behaviors.same();
  }

  private Behavior<Command> onLateConnectFailed(ConnectFailed m) {
    if (connectResult == null) connectResult = Optional.of(m.cause());
    return streamEnded ? finishAfterStreamEnd() : Behaviors.same();
  }

  /**
   * Does not wait for the JDK, which may buffer a bogus record length for a long time (a
   * plaintext answer read as a TLS header): end the handshake at once, saying what the peer sent.
   */
  private Behavior<Command> onNotTls(NotTls m) {
    return abort(OutcomeKind.HANDSHAKE_FAILED, TlsRecordSniffer.describe(m.firstBytes()));
  }

  private Behavior<Command> onHandshakeDoneWhileConnecting(HandshakeDone m) {
    onConnected(null);
    return onHandshakeDone(m);
  }

  private Behavior<Command> onHandshakeDone(HandshakeDone m) {
    timers.cancel(Timer.HANDSHAKE);
    tls = tlsInfo(m.session());
    enter(ConnectionState.OPEN);
    spec.listener().ifPresent(l -> l.tell(new InboundEvent.Opened(spec.id(), incarnation, tls)));
    if (settings.keepalive().enabled()) timers.startSingleTimer(Timer.KEEPALIVE_IDLE, settings.keepalive().interval());
    return open();
  }

  private Behavior<Command> onClose(Close m) {
    switch (state) {
      case CONNECTING, HANDSHAKING:
        return abort(OutcomeKind.ABORTED, "close requested while " + state.wireName() + "; TCP was reset at once");
      case OPEN:
        if (m.mode() == CloseMode.ABORT) return abort(OutcomeKind.ABORTED, "closed on request with mode abort; TCP was reset");
        closeMode = m.mode();
        stopKeepalive();
        timers.startSingleTimer(Timer.CLOSE, settings.closeTimeout());
        enter(ConnectionState.CLOSING);
        drain();
        return closing();
      case CLOSING, AWAITING_PEER_CLOSE:
        if (m.mode() == CloseMode.ABORT && endReason == null) {
          return abort(OutcomeKind.ABORTED, "abort requested while " + state.wireName() + "; TCP was reset");
        }
        return Behaviors.same();
      default:
        return Behaviors.same();
    }
  }

  private Behavior<Command> onCloseNotifySent() {
    closeNotifySent = true;
    if (state == ConnectionState.CLOSING && endReason == null) {
      enter(ConnectionState.AWAITING_PEER_CLOSE);
      if (closeMode == CloseMode.SEND_ONLY) {
        // close_notify is in TCP's hands: close TCP (FIN after the flush) without waiting.
        killSwitch.shutdown();
      }
    }
    return Behaviors.same();
  }

  // ---------------------------------------------------------------- inbound

  private Behavior<Command> onStreamInit(StreamInit m) {
    m.ackTo().tell(StreamAck.INSTANCE);
    return Behaviors.same();
  }

  private Behavior<Command> onStreamElement(StreamElement m) {
    if (m.element() instanceof TLSProtocol.SessionBytes sb) {
      ByteString bytes = sb.bytes();
      if (!bytes.isEmpty()) {
        stats.addIn(bytes.size());
        spec.listener().ifPresent(l -> l.tell(new InboundEvent.Received(spec.id(), incarnation, bytes)));
        onInboundActivity(bytes);
      }
    } else {
      truncationSeen = true; // SessionTruncated: the transport ended without close_notify
    }
    m.ackTo().tell(StreamAck.INSTANCE);
    return Behaviors.same();
  }

  private Behavior<Command> onStreamEnd(Throwable failure) {
    streamEnded = true;
    streamFailure = failure;
    return finishAfterStreamEnd();
  }

  private Behavior<Command> finishAfterStreamEnd() {
    if (endReason != null) return finish(outcome(endReason));
    if (state == ConnectionState.CONNECTING && connectResult == null) {
      // The connect result is always known once the TCP stage has stopped; wait for it.
      return Behaviors.same();
    }
    return finish(classify());
  }

  /** How the stream ended when we did not end it ourselves. */
  private Outcome classify() {
    Throwable transport = transportError.get();
    switch (state) {
      case CONNECTING: {
        Throwable cause = connectResult.orElse(transport != null ? transport : streamFailure);
        if (cause == null) return outcome(OutcomeKind.CONNECT_FAILED, Initiator.PEER, "the connection ended before TCP was up");
        // No connect timeout is given to Pekko's TCP stage: the CONNECT timer owns that bound.
        return outcome(OutcomeKind.CONNECT_FAILED, Initiator.PEER, TlsErrors.describeConnect(cause));
      }
      case HANDSHAKING: {
        if (streamFailure != null && TlsErrors.sslCause(streamFailure) != null) {
          return outcome(OutcomeKind.HANDSHAKE_FAILED, Initiator.PEER, TlsErrors.describeTls(streamFailure));
        }
        if (transport != null) {
          return outcome(OutcomeKind.HANDSHAKE_FAILED, Initiator.PEER,
              "the transport failed during the TLS handshake: " + TlsErrors.messages(transport));
        }
        if (streamFailure != null) {
          return outcome(OutcomeKind.HANDSHAKE_FAILED, Initiator.PEER, TlsErrors.describeTls(streamFailure));
        }
        return outcome(OutcomeKind.HANDSHAKE_FAILED, Initiator.PEER,
            "the peer closed the connection during the TLS handshake (is it a TLS server? does it accept our protocols?)");
      }
      case OPEN: {
        if (transport != null) {
          return outcome(OutcomeKind.RESET, Initiator.PEER, "the transport failed: " + TlsErrors.messages(transport));
        }
        if (streamFailure != null) {
          return outcome(OutcomeKind.RESET, Initiator.PEER, TlsErrors.describeTls(streamFailure));
        }
        if (truncationSeen) {
          return outcome(OutcomeKind.TRUNCATED, Initiator.PEER,
              "the peer closed TCP without close_notify (possible truncation attack)");
        }
        return outcome(OutcomeKind.CLEAN, Initiator.PEER, "the peer sent close_notify; we answered with close_notify");
      }
      case CLOSING, AWAITING_PEER_CLOSE: {
        if (closeMode == CloseMode.SEND_ONLY && closeNotifySent && streamFailure == null) {
          return outcome(OutcomeKind.CLOSE_SENT, Initiator.LOCAL, "we sent close_notify and closed TCP without waiting");
        }
        if (transport != null) {
          return outcome(OutcomeKind.RESET, Initiator.LOCAL,
              "the transport failed while closing: " + TlsErrors.messages(transport));
        }
        if (streamFailure != null) {
          return outcome(OutcomeKind.RESET, Initiator.LOCAL, "the stream failed while closing: " + TlsErrors.messages(streamFailure));
        }
        SSLEngine e = engine.get();
        if (!truncationSeen && e != null && e.isInboundDone()) {
          return outcome(OutcomeKind.CLEAN, Initiator.LOCAL, "close_notify exchanged in both directions");
        }
        return outcome(OutcomeKind.TRUNCATED, Initiator.LOCAL,
            "we sent close_notify; the peer closed TCP without answering with its own");
      }
      default:
        return outcome(OutcomeKind.ABORTED, Initiator.LOCAL, "ended in state " + state.wireName());
    }
  }

  // ---------------------------------------------------------------- outbound

  private Behavior<Command> onSend(Send m) {
    if (state != ConnectionState.OPEN) {
      m.replyTo().tell(new SendResult.Rejected(spec.id(), SendResult.Reason.NOT_OPEN,
          "connection '" + spec.id() + "' is " + state.wireName() + ", not open"));
    } else if (pending.size() >= settings.maxPendingWrites()) {
      m.replyTo().tell(new SendResult.Rejected(spec.id(), SendResult.Reason.BUFFER_FULL,
          settings.maxPendingWrites() + " writes are already pending; the peer is not reading fast enough"));
    } else {
      pending.add(new PendingWrite(m.bytes(), m.replyTo()));
      drain();
    }
    return Behaviors.same();
  }

  private Behavior<Command> onWriteAck() {
    PendingWrite done = inFlight;
    inFlight = null;
    if (done != null) {
      stats.addOut(done.bytes().size());
      if (done.replyTo() != null) done.replyTo().tell(new SendResult.Accepted(spec.id(), done.bytes().size()));
    }
    drain();
    return Behaviors.same();
  }

  /** Hands the next pending write to the stream; once closing and empty, completes it. */
  private void drain() {
    if (inFlight != null || finishSent || endReason != null || streamEnded) return;
    PendingWrite next = pending.poll();
    if (next != null) {
      inFlight = next;
      outbound.tell(new Write(next.bytes()));
    } else if (state == ConnectionState.CLOSING) {
      finishSent = true;
      outbound.tell(Finish.INSTANCE); // plaintext completes: the TLS stage sends close_notify
    }
  }

  // ---------------------------------------------------------------- keepalive

  private void onInboundActivity(ByteString bytes) {
    KeepaliveSettings ka = settings.keepalive();
    if (!ka.enabled() || state != ConnectionState.OPEN) return;
    if (awaitingPong) {
      if (ka.pong().isEmpty() || containsPong(ka.pong().get(), bytes)) {
        stats.recordRtt(Duration.ofNanos(System.nanoTime() - pingSentAtNanos).toMillis());
        awaitingPong = false;
        misses = 0;
        pongWindow = ByteString.emptyByteString();
        timers.cancel(Timer.PONG);
        timers.startSingleTimer(Timer.KEEPALIVE_IDLE, ka.interval());
      }
    } else {
      timers.startSingleTimer(Timer.KEEPALIVE_IDLE, ka.interval());
    }
  }

  private boolean containsPong(ByteString pong, ByteString chunk) {
    ByteString window = pongWindow.concat(chunk);
    boolean found = window.indexOfSlice(pong) >= 0;
    int keep = Math.min(window.size(), pong.size() - 1);
    pongWindow = window.takeRight(keep).compact();
    return found;
  }

  private Behavior<Command> onKeepaliveIdle() {
    sendPing();
    return Behaviors.same();
  }

  private Behavior<Command> onPongTimeout() {
    misses++;
    KeepaliveSettings ka = settings.keepalive();
    if (misses > ka.allowedMisses()) {
      // Never wait on a network that may be gone: reset at once.
      return abort(OutcomeKind.KEEPALIVE_TIMEOUT, "no answer to " + misses + " keepalive ping(s) within "
          + fmt(ka.timeout()) + " each (after " + fmt(ka.interval()) + " without inbound bytes)");
    }
    sendPing();
    return Behaviors.same();
  }

  private void sendPing() {
    KeepaliveSettings ka = settings.keepalive();
    awaitingPong = true;
    pingSentAtNanos = System.nanoTime();
    pongWindow = ByteString.emptyByteString();
    pending.add(new PendingWrite(ka.ping(), null));
    drain();
    timers.startSingleTimer(Timer.PONG, ka.timeout());
  }

  private void stopKeepalive() {
    timers.cancel(Timer.KEEPALIVE_IDLE);
    timers.cancel(Timer.PONG);
    awaitingPong = false;
  }

  // ---------------------------------------------------------------- ending

  /** Resets TCP now (kill switch) and ends with the given kind once the stream has stopped. */
  private Behavior<Command> abort(OutcomeKind kind, String detail) {
    if (endReason == null) {
      endReason = new EndReason(kind, Initiator.LOCAL, detail);
      timers.cancelAll();
      killSwitch.abort(new LocalAbort(detail));
      // The stream stops within milliseconds of an abort; this bound only guards against a bug.
      timers.startSingleTimer(Timer.ABORT_GRACE, settings.closeTimeout());
    }
    return streamEnded ? finish(outcome(endReason)) : aborting();
  }

  private Behavior<Command> finish(Outcome outcome) {
    timers.cancelAll();
    if (inFlight != null && inFlight.replyTo() != null) {
      inFlight.replyTo().tell(new SendResult.Rejected(spec.id(), SendResult.Reason.ENDED, "ended: " + outcome));
    }
    for (PendingWrite w : pending) {
      if (w.replyTo() != null) w.replyTo().tell(new SendResult.Rejected(spec.id(), SendResult.Reason.ENDED, "ended: " + outcome));
    }
    pending.clear();
    spec.listener().ifPresent(l -> l.tell(new InboundEvent.Ended(spec.id(), incarnation, outcome)));
    reportTo.tell(new EndReport(spec.id(), incarnation, outcome));
    streamEnded = true;
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    if (!streamEnded && killSwitch != null) killSwitch.abort(new LocalAbort("connection actor stopped"));
    return Behaviors.same();
  }

  // ---------------------------------------------------------------- helpers

  private void enter(ConnectionState next) {
    state = next;
    report();
  }

  private void report() {
    reportTo.tell(new StateReport(spec.id(), incarnation, state, Instant.now(), Optional.ofNullable(tls)));
  }

  private Outcome outcome(EndReason r) {
    return outcome(r.kind(), r.initiator(), r.detail());
  }

  private Outcome outcome(OutcomeKind kind, Initiator initiator, String detail) {
    Instant now = Instant.now();
    return new Outcome(kind, initiator, detail, now, incarnation, stats.bytesIn(), stats.bytesOut(),
        Duration.between(startedAt, now));
  }

  private static TlsInfo tlsInfo(SSLSession s) {
    String subject;
    try {
      subject = s.getPeerPrincipal().getName();
    } catch (SSLPeerUnverifiedException e) {
      subject = null;
    }
    return new TlsInfo(s.getProtocol(), s.getCipherSuite(), subject);
  }

  static String fmt(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
