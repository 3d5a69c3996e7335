package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.internal.transport.IncarnationInput;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: application keepalive of one open incarnation, applied. {@link KeepaliveMonitor}
 * decides (pure, tested with its own clock); this class carries the decisions out on the
 * connection actor's behalf: its two timers, the ping through the {@link WritePump}, the round trip
 * in the counters, and the reports to the supervisor. The connection actor only routes the timer
 * messages here and aborts when told to give up.
 *
 * <p>Not thread-safe: used only from the connection actor.
 */
final class IncarnationKeepalive {

  /** The timers this class starts; they arrive at the connection actor, which hands them back here. */
  enum Timer implements Connection.Command {
    /** The quiet period passed without received bytes: ping. */
    IDLE,
    /** The ping was not answered within keepalive timeout. */
    PONG
  }

  private final KeepaliveMonitor monitor;
  private final TimerScheduler<IncarnationInput> timers;
  private final WritePump writes;
  private final IncarnationCounters counters;
  private final ActorRef<IncarnationReport> reportTo;
  private final long incarnation;

  IncarnationKeepalive(KeepaliveMonitor monitor, TimerScheduler<IncarnationInput> timers, WritePump writes,
      IncarnationCounters counters, ActorRef<IncarnationReport> reportTo, long incarnation) {
    this.monitor = monitor;
    this.timers = timers;
    this.writes = writes;
    this.counters = counters;
    this.reportTo = reportTo;
    this.incarnation = incarnation;
  }

  /** The incarnation is open: start the quiet period, if keepalive is on. */
  void start() {
    if (monitor.start()) timers.startSingleTimer(Timer.IDLE, monitor.interval());
  }

  /** The incarnation is closing: no more pings, and no pong timeout. */
  void stop() {
    monitor.stop();
    timers.cancel(Timer.IDLE);
    timers.cancel(Timer.PONG);
  }

  /** Bytes came in: they may be the pong, and they show that the peer is alive. */
  void onInbound(ByteString bytes) {
    KeepaliveMonitor.OnInbound decision = monitor.onInbound(bytes, System.nanoTime());
    if (decision instanceof KeepaliveMonitor.PongReceived pong) {
      counters.recordRtt(pong.rttMillis());
      timers.cancel(Timer.PONG);
      reportTo.tell(new IncarnationReport.RttMeasured(incarnation, Instant.now(), monitor.lastRtt()));
    }
    if (decision instanceof KeepaliveMonitor.PongReceived || decision == KeepaliveMonitor.RestartIdle.INSTANCE) {
      timers.startSingleTimer(Timer.IDLE, monitor.interval());
    }
  }

  /** {@link Timer#IDLE} fired. */
  void onIdle() {
    ping(monitor.onIdle(System.nanoTime()));
  }

  /**
   * {@link Timer#PONG} fired: reported as a miss, then either another ping or, when too many went
   * unanswered, the detail the incarnation is to abort with.
   */
  Optional<String> onPongTimeout() {
    KeepaliveMonitor.OnPongTimeout decision = monitor.onPongTimeout(System.nanoTime());
    reportTo.tell(new IncarnationReport.KeepaliveMissed(incarnation, Instant.now(), monitor.misses(),
        monitor.allowedMisses()));
    if (decision instanceof KeepaliveMonitor.GiveUp giveUp) return Optional.of(giveUp.detail());
    ping(((KeepaliveMonitor.PingAgain) decision).ping());
    return Optional.empty();
  }

  private void ping(ByteString bytes) {
    writes.ping(bytes);
    timers.startSingleTimer(Timer.PONG, monitor.timeout());
  }
}
