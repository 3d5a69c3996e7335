package dev.tether.connection.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.connection.internal.tls.TlsPhases.Action;
import dev.tether.connection.internal.tls.TlsPhases.Handshake;
import dev.tether.connection.internal.tls.TlsPhases.Reads;
import dev.tether.connection.internal.tls.TlsPhases.Run;
import dev.tether.connection.internal.tls.TlsPhases.Writes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSClosing$;
import org.junit.jupiter.api.Test;

/** {@link TlsPhases}: the close rules and the phase transitions, without a stream or an engine. */
class TlsPhasesTest {
  /** What the rules are told about the stage and asked of the engine; records what was asked, in order. */
  private static final class Facts {
    boolean allWrapped = true;
    boolean negotiationWaiting;
    boolean cipherInClosed;
    boolean nothingToUnwrap = true;
    boolean inboundDone;
    boolean outboundDone;
    final List<String> asked = new ArrayList<>();

    Action next(TlsPhases phases) {
      asked.clear();
      return phases.next(allWrapped, negotiationWaiting, cipherInClosed, ask("nothingToUnwrap", () -> nothingToUnwrap),
          ask("inboundDone", () -> inboundDone), ask("outboundDone", () -> outboundDone));
    }

    private BooleanSupplier ask(String name, BooleanSupplier answer) {
      return () -> {
        asked.add(name);
        return answer.getAsBoolean();
      };
    }
  }

  // The static ignoreCancel() and friends clash with TLSClosing's instance methods of the same names.
  private static TLSClosing ignoreComplete() {
    return TLSClosing$.MODULE$.ignoreComplete();
  }

  private static TLSClosing ignoreCancel() {
    return TLSClosing$.MODULE$.ignoreCancel();
  }

  private static TLSClosing ignoreBoth() {
    return TLSClosing$.MODULE$.ignoreBoth();
  }

  private static TlsPhases established(TLSClosing closing) {
    TlsPhases phases = new TlsPhases(closing);
    phases.handshakeFinished();
    return phases;
  }

  @Test
  void aNewStageRunsTheFirstHandshakeWithBothEndsOpen() {
    TlsPhases phases = new TlsPhases(TLSClosing.eagerClose());
    assertEquals(Run.RUNNING, phases.run());
    assertEquals(Handshake.INITIAL, phases.handshake());
    assertEquals(Writes.OPEN, phases.writes());
    assertEquals(Reads.OPEN, phases.reads());
    assertFalse(phases.closeNotifyRequested());
    assertTrue(phases.handshaking());
    assertFalse(phases.established());
    assertEquals(Action.NONE, new Facts().next(phases));
  }

  @Test
  void aCompletionWaitsForTheHandshakeThenForWhatIsStillToWrap() {
    TlsPhases phases = new TlsPhases(TLSClosing.eagerClose());
    Facts facts = new Facts();
    phases.userFinished();
    assertEquals(Writes.DRAINING, phases.writes());
    assertEquals(Action.NONE, facts.next(phases), "never during the handshake");

    phases.handshakeFinished();
    facts.allWrapped = false;
    assertEquals(Action.NONE, facts.next(phases), "what was written goes first");
    facts.allWrapped = true;
    facts.negotiationWaiting = true;
    assertEquals(Action.RENEGOTIATE, facts.next(phases), "so does a renegotiation asked for before it");
    phases.renegotiationBegun();
    facts.negotiationWaiting = false;
    assertEquals(Action.NONE, facts.next(phases), "and its handshake");
    phases.handshakeFinished();

    assertEquals(Action.CLOSE_OUTBOUND, facts.next(phases));
    assertEquals(Writes.CLOSED, phases.writes());
    assertTrue(phases.closeNotifyRequested());
    assertEquals(Action.NONE, facts.next(phases), "acted upon once");
  }

  @Test
  void ignoreCompleteDefersOurCloseNotifyToTheCancellation() {
    TlsPhases phases = established(ignoreComplete());
    Facts facts = new Facts();
    phases.userFinished();
    assertEquals(Action.CLOSE_DEFERRED, facts.next(phases));
    assertEquals(Writes.CLOSED, phases.writes());
    assertFalse(phases.closeNotifyRequested());
    assertEquals(Action.NONE, facts.next(phases));

    phases.userCancels();
    assertEquals(Action.CLOSE_OUTBOUND, facts.next(phases));
    assertEquals(Reads.CLOSED, phases.reads());
    assertTrue(phases.closeNotifyRequested());
  }

  @Test
  void aCancellationClosesEvenDuringTheHandshake() {
    TlsPhases phases = new TlsPhases(TLSClosing.eagerClose());
    phases.userCancels();
    assertEquals(Reads.CANCELLED, phases.reads());
    assertTrue(phases.userCancelled());
    assertFalse(phases.reportsTruncation());
    assertEquals(Action.CLOSE_OUTBOUND, new Facts().next(phases));
    assertEquals(Reads.CLOSED, phases.reads());
    assertTrue(phases.closeNotifyRequested());
  }

  @Test
  void ignoreCancelDefersOurCloseNotifyToTheCompletion() {
    TlsPhases phases = established(ignoreCancel());
    Facts facts = new Facts();
    phases.userCancels();
    assertEquals(Action.CLOSE_DEFERRED, facts.next(phases));
    assertFalse(phases.closeNotifyRequested());

    phases.userFinished();
    assertEquals(Action.CLOSE_OUTBOUND, facts.next(phases));
    assertTrue(phases.closeNotifyRequested());
  }

  @Test
  void ignoreBothWaitsForTheOtherEndEitherWay() {
    TlsPhases phases = established(ignoreBoth());
    Facts facts = new Facts();
    phases.userFinished();
    assertEquals(Action.CLOSE_DEFERRED, facts.next(phases));
    phases.userCancels();
    assertEquals(Action.CLOSE_OUTBOUND, facts.next(phases), "the cancellation now finds the completion acted upon");
  }

  @Test
  void theCompletionIsActedUponBeforeTheCancellation() {
    TlsPhases phases = established(ignoreCancel());
    Facts facts = new Facts();
    phases.userFinished();
    phases.userCancels();
    assertEquals(Action.CLOSE_OUTBOUND, facts.next(phases));
    assertEquals(Writes.CLOSED, phases.writes());
    assertEquals(Reads.CANCELLED, phases.reads());
    assertEquals(Action.CLOSE_OUTBOUND, facts.next(phases), "the engine is asked again, as before");
    assertEquals(Reads.CLOSED, phases.reads());
    assertEquals(Action.NONE, facts.next(phases));
  }

  @Test
  void thePeersCloseNotifyIsAnsweredOnce() {
    TlsPhases phases = established(TLSClosing.eagerClose());
    Facts facts = new Facts();
    facts.inboundDone = true;
    assertEquals(Action.CLOSE_OUTBOUND, facts.next(phases));
    assertEquals(List.of("inboundDone", "outboundDone"), facts.asked);
    assertTrue(phases.closeNotifyRequested());
    assertEquals(Action.NONE, facts.next(phases));

    TlsPhases answeredByTheJdk = established(TLSClosing.eagerClose());
    facts.outboundDone = true; // TLS 1.2: the JDK queued the answer itself
    assertEquals(Action.NONE, facts.next(answeredByTheJdk));
    assertFalse(answeredByTheJdk.closeNotifyRequested());
  }

  @Test
  void theEndOfCipherInClosesTheInboundSideOnceEveryRecordIsUnwrapped() {
    TlsPhases phases = new TlsPhases(TLSClosing.eagerClose());
    Facts facts = new Facts();
    facts.cipherInClosed = true;
    facts.nothingToUnwrap = false;
    assertEquals(Action.NONE, facts.next(phases));
    assertEquals(List.of("inboundDone", "inboundDone", "nothingToUnwrap"), facts.asked, "in the order the rules read");
    facts.nothingToUnwrap = true;
    assertEquals(Action.CLOSE_INBOUND, facts.next(phases), "during the handshake too");
    assertTrue(phases.reportsTruncation());
    facts.inboundDone = true;
    facts.outboundDone = true;
    assertEquals(Action.NONE, facts.next(phases));
  }

  @Test
  void theEngineIsAskedOnlyWhenARuleGetsToIt() {
    TlsPhases phases = established(TLSClosing.eagerClose());
    Facts facts = new Facts();
    assertEquals(Action.NONE, facts.next(phases));
    assertEquals(List.of("inboundDone"), facts.asked);

    phases.userFinished();
    assertEquals(Action.CLOSE_OUTBOUND, facts.next(phases));
    assertEquals(List.of(), facts.asked);
  }

  @Test
  void aRenegotiationWaitsForWhatCameBeforeItAndNeverFollowsOurClose() {
    TlsPhases phases = established(TLSClosing.eagerClose());
    Facts facts = new Facts();
    facts.negotiationWaiting = true;
    facts.allWrapped = false;
    assertEquals(Action.NONE, facts.next(phases));
    facts.allWrapped = true;
    assertEquals(Action.RENEGOTIATE, facts.next(phases));
    assertEquals(Handshake.ESTABLISHED, phases.handshake(), "it moves once the engine began the handshake");
    phases.renegotiationBegun();
    assertEquals(Handshake.RENEGOTIATING, phases.handshake());
    assertTrue(phases.handshaking());
    assertTrue(phases.established(), "the session before is still delivered");
    assertEquals(Action.NONE, facts.next(phases), "one at a time");

    TlsPhases closing = established(TLSClosing.eagerClose());
    closing.userCancels();
    assertEquals(Action.CLOSE_OUTBOUND, facts.next(closing));
    assertEquals(Action.NONE, facts.next(closing));
  }

  @Test
  void aRenegotiationEndsWithANewSessionOrAsAKeyUpdate() {
    TlsPhases phases = established(TLSClosing.eagerClose());
    phases.renegotiationBegun();
    phases.handshakeFinished();
    assertEquals(Handshake.ESTABLISHED, phases.handshake());

    phases.renegotiationBegun();
    phases.notHandshaking(); // TLS 1.3: no new session
    assertEquals(Handshake.ESTABLISHED, phases.handshake());
    assertFalse(phases.handshaking());
  }

  @Test
  void notHandshakingBeforeTheFirstHandshakeFinishedEstablishesNothing() {
    TlsPhases phases = new TlsPhases(TLSClosing.eagerClose());
    phases.notHandshaking();
    assertEquals(Handshake.INITIAL, phases.handshake());
  }

  @Test
  void aFailedEngineClosesNothingMore() {
    TlsPhases phases = established(TLSClosing.eagerClose());
    Facts facts = new Facts();
    phases.userFinished();
    phases.engineFailed();
    assertEquals(Run.ENGINE_FAILED, phases.run());
    assertTrue(phases.failed());
    assertFalse(phases.stopping());
    assertEquals(Action.NONE, facts.next(phases));
    assertEquals(List.of(), facts.asked);
    assertEquals(Writes.DRAINING, phases.writes());
  }

  @Test
  void theRunOnlyMovesForward() {
    TlsPhases phases = new TlsPhases(TLSClosing.eagerClose());
    phases.stop();
    assertEquals(Run.STOPPING, phases.run());
    phases.engineFailed();
    assertEquals(Run.STOPPING, phases.run());
    assertTrue(phases.stopping());

    TlsPhases failed = new TlsPhases(TLSClosing.eagerClose());
    failed.engineFailed();
    failed.stop();
    assertEquals(Run.STOPPING, failed.run());
  }

  @Test
  void theUsersEndsOnlyMoveForward() {
    TlsPhases phases = established(TLSClosing.eagerClose());
    phases.userFinished();
    phases.userCancels();
    new Facts().next(phases);
    new Facts().next(phases);
    phases.userFinished();
    phases.userCancels();
    assertEquals(Writes.CLOSED, phases.writes());
    assertEquals(Reads.CLOSED, phases.reads());
  }

  @Test
  void theSessionIsOverOnceNothingMoreGoesOutAndNothingWantedComesIn() {
    TlsPhases phases = established(TLSClosing.eagerClose());
    assertFalse(phases.sessionOver(false, false, false));
    assertFalse(phases.sessionOver(true, false, false), "our close_notify went out, the peer's is awaited");
    assertFalse(phases.sessionOver(false, true, false), "the peer's came, ours is still to go out");
    assertTrue(phases.sessionOver(true, true, false));

    phases.userCancels();
    new Facts().next(phases);
    assertTrue(phases.sessionOver(true, false, false), "a cancelled plaintext-out waits for nothing");

    TlsPhases ignoring = established(ignoreCancel());
    ignoring.userCancels();
    new Facts().next(ignoring);
    assertFalse(ignoring.sessionOver(true, false, false), "our close_notify was not requested");
  }

  @Test
  void aFailedEngineIsOverOnceItsAlertIsOut() {
    TlsPhases phases = established(TLSClosing.eagerClose());
    phases.engineFailed();
    assertFalse(phases.sessionOver(false, false, true));
    assertTrue(phases.sessionOver(false, false, false));
  }
}
