package dev.tether.connection.internal.tls;

import java.util.function.BooleanSupplier;
import org.apache.pekko.stream.TLSClosing;

/**
 * INTERNAL API: the phases of one {@link TetherTls} stage (whether it still runs, the handshake, the
 * user's two ends, our close_notify) and the close rules that move them. It does no I/O: {@code
 * TlsStageLogic} tells it what happened and does what {@link #next} says, so the rules can be
 * checked without a stream or an engine. Phases only move forward, but for the handshake's, which
 * goes back to {@link Handshake#ESTABLISHED} after each renegotiation.
 *
 * <p><b>Close rules</b> (Tether's, where Pekko 1.x differs):
 *
 * <ul>
 *   <li>Plaintext-in completes: once what was written is wrapped and the handshake has finished,
 *       close_notify goes out ({@code closing.ignoreComplete} skips that while plaintext-out is
 *       still wanted, as in Pekko). A close asked for during the handshake waits for it to finish
 *       and never aborts it: the caller's handshake timer bounds the wait.
 *   <li>After our close_notify the peer's data is still delivered, until its close_notify (clean)
 *       or the end of cipher-in ({@code SessionTruncated}, then completion).
 *   <li>The peer's close_notify is answered with ours (TLS 1.3: we close the engine's outbound
 *       side ourselves; TLS 1.2: the JDK queued the answer). Plaintext not yet wrapped then is
 *       dropped, as it is in Pekko and as TLS 1.2 requires.
 *   <li>Cipher-in completing without the peer's close_notify emits {@code SessionTruncated}
 *       (during the handshake, while open, and after our close_notify), then the engine's alert is
 *       flushed and the stage completes.
 *   <li>Cipher-out completes only once the TLS close is over (both close_notify, or truncation).
 *   <li>Failures as in Pekko: an engine error fails plaintext-out with the JSSE exception, flushes
 *       the engine's alert and completes cipher-out (the peer sees alert and FIN); a verifier
 *       exception or a failed input fails the whole stage (the transport aborts: RST).
 * </ul>
 */
final class TlsPhases {
  /** Whether the stage still works. */
  enum Run {
    /** Everything may happen: wrap, unwrap, deliver, and the close rules. */
    RUNNING,
    /**
     * The engine failed: plaintext-out has failed and the inputs are cancelled; only the engine's
     * alert may still go out, then the stage completes. No close rule applies any more.
     */
    ENGINE_FAILED,
    /**
     * The stage completed or failed: nothing is pumped any more; only what the completion emits to
     * plaintext-out (the last decrypted bytes, a SessionTruncated) still goes out.
     */
    STOPPING
  }

  /** Where the handshake is: user data flows, and the close may begin, only while none runs. */
  enum Handshake {
    /**
     * The first handshake runs: no session is verified, nothing of the user's is wrapped or
     * delivered, and a completion waits; a cancellation or the end of cipher-in may still close.
     */
    INITIAL,
    /**
     * A session is verified and no handshake runs: user data is wrapped and delivered, a
     * completion may send close_notify, a waiting {@code NegotiateNewSession} may start a handshake.
     */
    ESTABLISHED,
    /**
     * A new handshake (or, on TLS 1.3, a key update) runs on a verified session: the peer's data of
     * the session before is still delivered; our data and a completion wait for it to finish.
     */
    RENEGOTIATING
  }

  /** Plaintext-in, the user's writes: where its completion is in the close. */
  enum Writes {
    /** The user may still write; from this side, the close has not begun. */
    OPEN,
    /**
     * The user completed plaintext-in. What it wrote is still wrapped, a waiting renegotiation
     * still runs; the completion is acted upon once both are done and no handshake runs.
     */
    DRAINING,
    /**
     * The completion was acted upon (what Pekko's stage calls "outbound closed"): our close_notify
     * was requested, or ({@code ignoreComplete}) it waits for plaintext-out's cancellation.
     */
    CLOSED
  }

  /** Plaintext-out, the user's reads: where its cancellation is in the close. */
  enum Reads {
    /** The user reads: the peer's data, and a SessionTruncated, are delivered. */
    OPEN,
    /**
     * The user cancelled plaintext-out: the peer's data is still unwrapped but dropped, and the
     * cancellation is acted upon at the rules' next turn (once no delegated task runs).
     */
    CANCELLED,
    /**
     * The cancellation was acted upon ("inbound closed" in Pekko's stage): our close_notify was
     * requested, or ({@code ignoreCancel}) it waits for plaintext-in's completion.
     */
    CLOSED
  }

  /** What the stage must do for the rule that applied; every value but NONE means a phase moved. */
  enum Action {
    /** No rule applies. */
    NONE,
    /** A user end's close was acted upon; our close_notify waits for the other end (ignoreComplete, ignoreCancel). */
    CLOSE_DEFERRED,
    /** Ask the engine for close_notify. */
    CLOSE_OUTBOUND,
    /** Drop what is left of cipher-in and close the engine's inbound side (it reports truncation). */
    CLOSE_INBOUND,
    /** Start the handshake the waiting NegotiateNewSession asks for, then tell {@link TlsPhases#renegotiationBegun}. */
    RENEGOTIATE
  }

  private final TLSClosing closing;
  private Run run = Run.RUNNING;
  private Handshake handshake = Handshake.INITIAL;
  private Writes writes = Writes.OPEN;
  private Reads reads = Reads.OPEN;
  /** We asked the engine for close_notify: no more user data is wrapped, no handshake starts. */
  private boolean closeNotifyRequested;

  TlsPhases(TLSClosing closing) {
    this.closing = closing;
  }

  Run run() {
    return run;
  }

  Handshake handshake() {
    return handshake;
  }

  Writes writes() {
    return writes;
  }

  Reads reads() {
    return reads;
  }

  boolean closeNotifyRequested() {
    return closeNotifyRequested;
  }

  /** Not running normally: the engine failed (or the stage stopped, after which nothing asks). */
  boolean failed() {
    return run != Run.RUNNING;
  }

  boolean stopping() {
    return run == Run.STOPPING;
  }

  /** A handshake runs, the first or a later one: user data waits. */
  boolean handshaking() {
    return handshake != Handshake.ESTABLISHED;
  }

  /** A session was verified (it may be renegotiating): its data may be delivered. */
  boolean established() {
    return handshake != Handshake.INITIAL;
  }

  /** The user cancelled plaintext-out: what is decrypted is dropped, not delivered. */
  boolean userCancelled() {
    return reads != Reads.OPEN;
  }

  /** A session found truncated is reported only to a plaintext-out that is still read. */
  boolean reportsTruncation() {
    return reads == Reads.OPEN;
  }

  // ---------------------------------------------------------------- what happened

  /** Plaintext-in completed. */
  void userFinished() {
    if (writes == Writes.OPEN) writes = Writes.DRAINING;
  }

  /** Plaintext-out was cancelled. */
  void userCancels() {
    if (reads == Reads.OPEN) reads = Reads.CANCELLED;
  }

  /** The engine finished a handshake and the session was verified. */
  void handshakeFinished() {
    handshake = Handshake.ESTABLISHED;
  }

  /** The engine reports no handshake: a renegotiation that was a TLS 1.3 key update (no new session) is over. */
  void notHandshaking() {
    if (handshake == Handshake.RENEGOTIATING) handshake = Handshake.ESTABLISHED;
  }

  /** The engine began the handshake that {@link Action#RENEGOTIATE} asked for. */
  void renegotiationBegun() {
    handshake = Handshake.RENEGOTIATING;
  }

  /** The engine failed; its alert may still go out. */
  void engineFailed() {
    if (run == Run.RUNNING) run = Run.ENGINE_FAILED;
  }

  /** The stage completes or fails. */
  void stop() {
    run = Run.STOPPING;
  }

  // ---------------------------------------------------------------- the close rules

  /**
   * Applies the first close rule that can move, and says what the stage must do for it. The
   * engine's answers and the records waiting are asked only when a rule gets to them, so the
   * engine is asked exactly as often, and in the order, that the rules read.
   *
   * @param allWrapped nothing taken from plaintext-in waits to be wrapped
   * @param negotiationWaiting a NegotiateNewSession waits for what came before it to be wrapped
   * @param cipherInClosed cipher-in has completed
   * @param nothingToUnwrap no complete record waits to be unwrapped
   * @param inboundDone the engine's inbound side is done (the peer's close_notify came, or we closed it)
   * @param outboundDone the engine's outbound side is done (our close_notify or alert went out)
   */
  Action next(boolean allWrapped, boolean negotiationWaiting, boolean cipherInClosed, BooleanSupplier nothingToUnwrap,
      BooleanSupplier inboundDone, BooleanSupplier outboundDone) {
    if (failed()) return Action.NONE;
    if (writes == Writes.DRAINING && allWrapped && !negotiationWaiting && !handshaking()) {
      writes = Writes.CLOSED;
      return !closing.ignoreComplete() || reads == Reads.CLOSED ? closeOutbound() : Action.CLOSE_DEFERRED;
    }
    if (reads == Reads.CANCELLED) {
      reads = Reads.CLOSED;
      // As in Pekko, even during the handshake: the JDK then sends user_canceled and close_notify.
      return !closing.ignoreCancel() || writes == Writes.CLOSED ? closeOutbound() : Action.CLOSE_DEFERRED;
    }
    if (inboundDone.getAsBoolean() && !outboundDone.getAsBoolean() && !closeNotifyRequested) {
      return closeOutbound(); // the peer's close_notify: answer it (TLS 1.3 does not by itself)
    }
    if (cipherInClosed && !inboundDone.getAsBoolean() && nothingToUnwrap.getAsBoolean()) return Action.CLOSE_INBOUND;
    if (negotiationWaiting && allWrapped && !handshaking() && !closeNotifyRequested) return Action.RENEGOTIATE;
    return Action.NONE;
  }

  private Action closeOutbound() {
    closeNotifyRequested = true;
    return Action.CLOSE_OUTBOUND;
  }

  /**
   * The TLS close is over, so the stage completes: nothing more goes out (both close_notify, or the
   * failed engine's alert, or nothing can), and nothing more comes in that anyone wants.
   *
   * @param alertToSend the engine still has something to wrap (after a failure: its alert)
   */
  boolean sessionOver(boolean outboundDone, boolean inboundDone, boolean alertToSend) {
    boolean outboundOver = outboundDone || (failed() && !alertToSend);
    boolean inboundOver = inboundDone || failed() || (reads == Reads.CLOSED && closeNotifyRequested);
    return outboundOver && inboundOver;
  }
}
