package dev.tether.connection.internal.tls;

import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_TASK;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_WRAP;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.apache.pekko.stream.SubscriptionWithCancelException;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: the state machine of one {@link TetherTls} stage. Every port event and every
 * finished delegated task calls {@link #pump()}, which repeats four steps until none of them moves:
 * apply the close rules, wrap (only when cipher-out is pulled), unwrap (only when there is room to
 * deliver, or the handshake needs it), deliver. Then it completes the stage if the session is over,
 * and pulls what it can take.
 *
 * <p><b>What it holds.</b> Between callbacks: no buffer (see {@link BufferPool}), ciphertext only
 * up to the end of an incomplete record plus one TCP chunk, plaintext to write only up to one
 * record plus one element, decrypted plaintext only one batch (four records) waiting for demand.
 * Cipher-in is pulled only when no complete record is waiting and plaintext-out has room (or the
 * handshake needs the peer's bytes), so a slow consumer slows the peer through TCP.
 *
 * <p><b>Close.</b> {@link TlsPhases} holds the phases and the close rules; this class tells it what
 * happened, makes the engine calls its rules ask for, and completes the stage once the session is over.
 */
final class TlsStageLogic extends GraphStageLogic {
  /** Records per engine batch: one element carries up to 64 KiB of plaintext. */
  private static final int RECORDS_PER_BATCH = 4;
  private static final int CIPHER_BATCH = RECORDS_PER_BATCH * (CipherRecords.HEADER_LENGTH + CipherRecords.MAX_PAYLOAD);
  /** Plaintext-in is pulled again while less than a record waits, so that small writes share records. */
  private static final int COALESCE_BELOW = EngineDriver.MAX_PLAINTEXT;
  /** Steps in one pump that each made progress; far beyond any legitimate sequence. */
  private static final int MAX_STEPS = 1000;
  private static final TLSProtocol.SessionTruncated TRUNCATED = TLSProtocol.SessionTruncated$.MODULE$;

  private final TetherTls stage;
  private SSLEngine engine;
  private Executor taskExecutor;
  private AsyncCallback<Optional<Throwable>> tasksDone; // made when the first task runs
  private HandshakeStatus handshake = NOT_HANDSHAKING;
  /** The verified session, named in every SessionBytes; null until the handshake finished. */
  private SSLSession session;
  private final TlsPhases phases;
  private boolean tasksRunning;

  private ByteString cipherIn = ByteString.emptyByteString(); // received, not yet unwrapped
  private boolean cipherNeedsMore; // the engine asked for more than what looked complete
  private ByteString decrypted = ByteString.emptyByteString(); // unwrapped, waiting for demand
  private boolean truncationToReport;
  private ByteString plainIn = ByteString.emptyByteString(); // taken, not yet wrapped
  private TLSProtocol.NegotiateNewSession negotiation; // waits until plainIn is wrapped

  // What the close rules ask only when a rule gets to it, so that the engine is asked as before.
  private final BooleanSupplier nothingToUnwrap = () -> readyLength() == 0;
  private final BooleanSupplier inboundDone = () -> engine.isInboundDone();
  private final BooleanSupplier outboundDone = () -> engine.isOutboundDone();

  TlsStageLogic(TetherTls stage, TlsStageProbe probe) {
    super(stage.shape());
    this.stage = stage;
    this.phases = new TlsPhases(stage.closing);
    setHandler(stage.plainIn, new AbstractInHandler() {
      @Override
      public void onPush() {
        TLSProtocol.SslTlsOutbound element = grab(stage.plainIn);
        if (element instanceof TLSProtocol.SendBytes send) plainIn = plainIn.concat(send.bytes());
        else negotiation = (TLSProtocol.NegotiateNewSession) element;
        pump();
      }

      @Override
      public void onUpstreamFinish() {
        phases.userFinished();
        pump();
      }

      @Override
      public void onUpstreamFailure(Throwable ex) {
        fail(ex);
      }
    });
    setHandler(stage.cipherIn, new AbstractInHandler() {
      @Override
      public void onPush() {
        cipherIn = cipherIn.concat(grab(stage.cipherIn));
        cipherNeedsMore = false;
        pump();
      }

      @Override
      public void onUpstreamFinish() {
        pump(); // the close rules see cipher-in closed
      }

      @Override
      public void onUpstreamFailure(Throwable ex) {
        fail(ex); // RST or I/O error: plaintext-out fails with the transport's exception
      }
    });
    setHandler(stage.cipherOut, new AbstractOutHandler() {
      @Override
      public void onPull() {
        pump();
      }

      @Override
      public void onDownstreamFinish(Throwable cause) {
        // Nothing can be sent any more: like Pekko, end (and fail if TCP failed).
        if (cause instanceof SubscriptionWithCancelException.NonFailureCancellation) finishNow();
        else fail(cause);
      }
    });
    setHandler(stage.plainOut, new AbstractOutHandler() {
      @Override
      public void onPull() {
        pump();
      }

      @Override
      public void onDownstreamFinish(Throwable cause) {
        phases.userCancels();
        decrypted = ByteString.emptyByteString();
        truncationToReport = false;
        pump();
      }
    });
    if (probe != TlsStageProbe.NONE) {
      probe.attach(createAsyncCallback((CompletableFuture<TlsStageProbe.Holdings> answer) -> answer.complete(holdings())));
    }
  }

  @Override
  public void preStart() {
    try {
      engine = stage.engineFactory.get();
      taskExecutor = stage.taskExecutor != null ? stage.taskExecutor : DelegatedTasks.defaultExecutor(materializer());
      engine.beginHandshake();
      handshake = engine.getHandshakeStatus();
    } catch (Exception e) {
      fail(e);
      return;
    }
    pump();
  }

  // ---------------------------------------------------------------- the pump

  private void pump() {
    while (!tasksRunning && !phases.stopping()) {
      try {
        for (int steps = 0; step(); steps++) {
          if (tasksRunning || phases.stopping()) return;
          if (steps == MAX_STEPS) {
            throw new IllegalStateException("TLS stage looped " + MAX_STEPS + " steps in one callback (" + handshake + ")");
          }
        }
        if (!phases.stopping()) finishIfDone();
        if (!phases.stopping()) pullInputs();
        return;
      } catch (SSLException e) {
        engineFailed(e); // and pump again: the engine's alert may still go out
      } catch (RuntimeException e) {
        fail(e); // the verifier rejected the session, or a bug: abort the transport
      }
    }
  }

  /** One round of every step; true if any of them moved. */
  private boolean step() throws SSLException {
    return closeRules() | wrapStep() | unwrapStep() | deliver();
  }

  private int readyLength() {
    return cipherNeedsMore ? 0 : CipherRecords.readyLength(cipherIn, CIPHER_BATCH);
  }

  // ---------------------------------------------------------------- close rules

  /** Applies a close rule (see {@link TlsPhases#next}) and makes the engine calls it asks for. */
  private boolean closeRules() throws SSLException {
    if (tasksRunning) return false;
    switch (phases.next(plainIn.isEmpty(), negotiation != null, isClosed(stage.cipherIn), nothingToUnwrap, inboundDone,
        outboundDone)) {
      case NONE:
        return false;
      case CLOSE_OUTBOUND:
        engine.closeOutbound();
        handshake = engine.getHandshakeStatus();
        return true;
      case CLOSE_INBOUND:
        cipherIn = ByteString.emptyByteString();
        try {
          engine.closeInbound();
        } catch (SSLException noCloseNotify) { // "closing inbound before receiving peer's close_notify"
          truncationToReport = phases.reportsTruncation();
        }
        handshake = engine.getHandshakeStatus();
        return true;
      case RENEGOTIATE:
        engine.getSession().invalidate();
        SessionParameters.apply(engine, negotiation);
        negotiation = null;
        engine.beginHandshake();
        handshake = engine.getHandshakeStatus();
        phases.renegotiationBegun();
        return true;
      default: // CLOSE_DEFERRED: a phase moved, nothing for the engine yet
        return true;
    }
  }

  // ---------------------------------------------------------------- wrap, unwrap, deliver

  private boolean wrapStep() throws SSLException {
    if (tasksRunning || !isAvailable(stage.cipherOut) || engine.isOutboundDone()) return false;
    boolean userData = !phases.failed() && !phases.handshaking() && !phases.closeNotifyRequested() && !plainIn.isEmpty();
    if (handshake != NEED_WRAP && !userData) return false;
    EngineDriver.Step s;
    try {
      s = EngineDriver.wrap(engine, userData ? plainIn : ByteString.emptyByteString(), RECORDS_PER_BATCH);
    } catch (SSLException e) {
      if (!phases.failed()) throw e;
      handshake = NOT_HANDSHAKING; // not even the alert can go out: nothing more to send
      return true;
    }
    plainIn = plainIn.drop(s.consumed());
    if (!s.produced().isEmpty()) push(stage.cipherOut, s.produced());
    return afterEngine(s) | s.consumed() > 0 | !s.produced().isEmpty();
  }

  private boolean unwrapStep() throws SSLException {
    if (tasksRunning || phases.failed() || engine.isInboundDone() || !decrypted.isEmpty() || truncationToReport) return false;
    if (handshake == NEED_WRAP || handshake == NEED_TASK) return false; // the engine must speak first
    if (!phases.handshaking() && !isAvailable(stage.plainOut) && !phases.userCancelled()) return false; // no room
    int ready = readyLength();
    if (ready == 0) return false;
    EngineDriver.Step s = EngineDriver.unwrap(engine, cipherIn, ready, RECORDS_PER_BATCH);
    cipherIn = cipherIn.drop(s.consumed());
    if (!s.produced().isEmpty() && !phases.userCancelled()) decrypted = s.produced();
    deliver(); // before a new session is verified: these bytes belong to the previous one
    return afterEngine(s) | s.consumed() > 0;
  }

  /** Pushes decrypted bytes (once the peer is verified), then a pending SessionTruncated. */
  private boolean deliver() {
    if (!isAvailable(stage.plainOut)) return false;
    if (!decrypted.isEmpty()) {
      if (!phases.established()) return false;
      push(stage.plainOut, new TLSProtocol.SessionBytes(session, decrypted));
      decrypted = ByteString.emptyByteString();
      return true;
    }
    if (truncationToReport) {
      push(stage.plainOut, TRUNCATED);
      truncationToReport = false;
      return true;
    }
    return false;
  }

  /** Takes in what the engine reported; true if its state moved. */
  private boolean afterEngine(EngineDriver.Step s) {
    HandshakeStatus before = handshake;
    handshake = s.finished() ? engine.getHandshakeStatus() : s.handshake();
    if (s.underflow()) cipherNeedsMore = true;
    if (s.finished()) handshakeFinished();
    else if (handshake == NOT_HANDSHAKING) phases.notHandshaking(); // TLS 1.3: a key update, no new session
    if (handshake == NEED_TASK) startTasks();
    return s.finished() || handshake != before;
  }

  /** Verifies a new session (a throwing verifier fails the stage, see pump), then lets data flow. */
  private void handshakeFinished() {
    SSLSession s = engine.getSession();
    if (s != session) {
      stage.verifier.accept(s);
      session = s;
    }
    phases.handshakeFinished();
  }

  // ---------------------------------------------------------------- delegated tasks

  private void startTasks() {
    if (tasksDone == null) tasksDone = createAsyncCallback(this::tasksFinished);
    tasksRunning = DelegatedTasks.start(engine, taskExecutor, tasksDone);
    if (!tasksRunning) handshake = engine.getHandshakeStatus();
  }

  private void tasksFinished(Optional<Throwable> failure) {
    tasksRunning = false;
    if (failure.isPresent()) {
      fail(failure.get());
      return;
    }
    handshake = engine.getHandshakeStatus();
    pump();
  }

  // ---------------------------------------------------------------- pulling, ending

  private void pullInputs() {
    if (!isClosed(stage.cipherIn) && !hasBeenPulled(stage.cipherIn) && !phases.failed() && !engine.isInboundDone()
        && readyLength() == 0) {
      boolean room = decrypted.isEmpty() && !truncationToReport && (isAvailable(stage.plainOut) || phases.userCancelled());
      if (room || phases.handshaking()) pull(stage.cipherIn);
    }
    if (!isClosed(stage.plainIn) && !hasBeenPulled(stage.plainIn) && !phases.failed() && !phases.closeNotifyRequested()
        && negotiation == null && plainIn.size() < COALESCE_BELOW) {
      pull(stage.plainIn);
    }
  }

  private void finishIfDone() {
    if (phases.sessionOver(engine.isOutboundDone(), engine.isInboundDone(), handshake == NEED_WRAP)) finishNow();
  }

  /** Completes the stage: cipher-out now (FIN), plaintext-out after what is still to deliver. */
  private void finishNow() {
    phases.stop();
    if (!isClosed(stage.plainOut)) {
      if (!decrypted.isEmpty() && phases.established()) emit(stage.plainOut, new TLSProtocol.SessionBytes(session, decrypted));
      if (truncationToReport) emit(stage.plainOut, TRUNCATED);
    }
    completeStage();
  }

  /** The engine failed: plaintext-out fails with its exception, its alert still goes out (as in Pekko). */
  private void engineFailed(SSLException e) {
    phases.engineFailed();
    if (!isClosed(stage.plainOut)) fail(stage.plainOut, e);
    if (!isClosed(stage.plainIn)) cancel(stage.plainIn);
    if (!isClosed(stage.cipherIn)) cancel(stage.cipherIn);
    plainIn = cipherIn = decrypted = ByteString.emptyByteString();
    truncationToReport = false;
    handshake = engine.getHandshakeStatus();
  }

  private void fail(Throwable e) {
    phases.stop();
    failStage(e);
  }

  private TlsStageProbe.Holdings holdings() {
    return new TlsStageProbe.Holdings(phases.established(), BufferPool.local().borrowed(), cipherIn.size(), plainIn.size(),
        decrypted.size(), tasksRunning);
  }
}
