package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.settings.KeepaliveSettings;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: the decisions of application keepalive for one open incarnation: when received bytes
 * restart the quiet period, which bytes answer a ping (a pong split across reads still counts),
 * what the round trip took, and when unanswered pings end the incarnation. The connection actor
 * owns the timers and applies each decision; time comes in as {@code System.nanoTime()} values, so
 * tests give their own.
 */
final class KeepaliveMonitor {

  /** What to do after received bytes. */
  sealed interface OnInbound {}

  /** Not monitoring (keepalive off, or stopped). */
  enum Ignore implements OnInbound { INSTANCE }

  /** The peer is alive: restart the quiet period. */
  enum RestartIdle implements OnInbound { INSTANCE }

  /** Still waiting for the pong: these bytes were not it. Keep the pong timer. */
  enum StillWaiting implements OnInbound { INSTANCE }

  /** The pong came: record the round trip, cancel the pong timer, restart the quiet period. */
  record PongReceived(long rttMillis) implements OnInbound {}

  /** What to do when a pong timer fires. */
  sealed interface OnPongTimeout {}

  /** Another ping is allowed: send it and start the pong timer again. */
  record PingAgain(ByteString ping) implements OnPongTimeout {}

  /** Too many pings went unanswered: end the incarnation, resetting TCP. */
  record GiveUp(String detail) implements OnPongTimeout {}

  private final KeepaliveSettings settings;
  /** What answers a ping; empty: any bytes do. A zero-byte pong counts as empty (indexOfSlice throws on it). */
  private final Optional<ByteString> pong;
  private boolean active;
  private boolean awaitingPong;
  private long pingSentAtNanos;
  private int misses;
  private long lastRttNanos = -1;
  private ByteString pongWindow = ByteString.emptyByteString();

  KeepaliveMonitor(KeepaliveSettings settings) {
    this.settings = settings;
    this.pong = settings.pong().filter(p -> !p.isEmpty());
  }

  /** The incarnation is open; true if the quiet-period timer should start. */
  boolean start() {
    active = settings.enabled();
    return active;
  }

  /** The incarnation is closing: no more pings or pong timeouts. */
  void stop() {
    active = false;
    awaitingPong = false;
  }

  Duration interval() {
    return settings.interval();
  }

  Duration timeout() {
    return settings.timeout();
  }

  OnInbound onInbound(ByteString bytes, long nowNanos) {
    if (!active) return Ignore.INSTANCE;
    if (!awaitingPong) return RestartIdle.INSTANCE;
    if (pong.isPresent() && !containsPong(pong.get(), bytes)) return StillWaiting.INSTANCE;
    awaitingPong = false;
    misses = 0;
    pongWindow = ByteString.emptyByteString();
    lastRttNanos = nowNanos - pingSentAtNanos;
    return new PongReceived(Duration.ofNanos(lastRttNanos).toMillis());
  }

  /** The quiet period passed: the ping to send (then start the pong timer). */
  ByteString onIdle(long nowNanos) {
    return ping(nowNanos);
  }

  /** The last answered ping's round trip at full precision (for the journal); zero before any. */
  Duration lastRtt() {
    return Duration.ofNanos(Math.max(0, lastRttNanos));
  }

  /** Unanswered pings in a row, counting the one that just timed out. */
  int misses() {
    return misses;
  }

  int allowedMisses() {
    return settings.allowedMisses();
  }

  OnPongTimeout onPongTimeout(long nowNanos) {
    misses++;
    if (misses > settings.allowedMisses()) {
      // Never wait on a network that may be gone: the actor resets at once.
      return new GiveUp("no answer to " + misses + " keepalive ping(s) within " + Durations.format(settings.timeout())
          + " each (after " + Durations.format(settings.interval()) + " without inbound bytes)");
    }
    return new PingAgain(ping(nowNanos));
  }

  private ByteString ping(long nowNanos) {
    awaitingPong = true;
    pingSentAtNanos = nowNanos;
    pongWindow = ByteString.emptyByteString();
    return settings.ping();
  }

  /** Looks for the pong in what came since the ping, keeping a tail in case it is split across reads. */
  private boolean containsPong(ByteString pong, ByteString chunk) {
    ByteString window = pongWindow.concat(chunk);
    boolean found = window.indexOfSlice(pong) >= 0;
    int keep = Math.min(window.size(), pong.size() - 1);
    pongWindow = window.takeRight(keep).compact();
    return found;
  }
}
