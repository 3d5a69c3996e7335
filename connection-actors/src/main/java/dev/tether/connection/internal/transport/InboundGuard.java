package dev.tether.connection.internal.transport;

import dev.tether.connection.internal.wire.ClientHellos;
import dev.tether.connection.internal.wire.PlaintextHttp;
import dev.tether.connection.internal.wire.RecordHeaders;
import dev.tether.connection.internal.wire.RecordHeaders.RecordHeader;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.InHandler;
import org.apache.pekko.stream.stage.OutHandler;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: sits below the server-side TLS stage of an accepted connection, on the cipher side:
 *
 * <pre>
 *   TLS stage ── cipher out ─► in1 ─► out1 ──► TCP      (top: passed through as it is)
 *   TLS stage ◄─ cipher in ─── out2 ◄─ in2 ◄── TCP      (bottom: looked at, then passed through)
 * </pre>
 *
 * From the client's first bytes it decides what the client speaks, and reports one {@link
 * InboundFinding}:
 *
 * <ul>
 *   <li><b>TLS</b> (the first bytes are a plausible TLS record header: type 20 to 24, major
 *       version 3): every byte goes to the TLS stage at once; a copy of the first 16 KiB is parsed,
 *       and the client's offered versions are reported as {@link InboundFinding.ClientHello} once
 *       the ClientHello is complete (no finding if it never is, or is something else).
 *   <li><b>Plaintext HTTP</b> ({@code GET /path ...}): reported as {@link
 *       InboundFinding.PlaintextHttp} once the target has arrived (or the client closed); this
 *       stage answers at once with {@link
 *       PlaintextHttp#badRequestResponse()} and a FIN (TCP runs with half-close), and then discards
 *       whatever the client still sends until it closes its side, because a reset (which unread
 *       bytes would cause) could destroy the answer before the client read it. The TLS stage gets
 *       nothing, and cancellation from it is ignored meanwhile; the connection actor bounds the
 *       wait with its own timer and a kill switch below this stage.
 *   <li><b>Anything else</b>: reported as {@link InboundFinding.NotTls} and passed through (the TLS
 *       stage fails on it; the actor resets the connection).
 * </ul>
 *
 * <p>The decision waits for a complete record header (5 bytes) or a method token and its space, at
 * most {@value #DECIDE_AT} bytes; bytes that cannot start either decide at once. Until then the
 * bytes are held (at most 4 of a record header, which the TLS stage could not use alone either);
 * a client that stops before the decision is the connection actor's handshake timeout. Afterwards this stage tracks record boundaries on the bottom side
 * with a few counters and publishes the last complete record header in {@code lastRecord}, so that
 * when the TLS stage fails later the actor can name the record it failed on ({@link
 * RecordHeaders#describeUnexpected}). Otherwise both directions behave like an identity flow.
 * One instance per stream materialization; the findings callback must only {@code tell}.
 */
final class InboundGuard extends GraphStage<BidiShape<ByteString, ByteString, ByteString, ByteString>> {
  /** Bytes after which the first bytes are classified whatever they are. */
  static final int DECIDE_AT = 16;
  /** How much of the client's first bytes is parsed for a ClientHello. */
  static final int HELLO_LIMIT = 16 * 1024;
  /** How many first bytes a {@link InboundFinding.NotTls} keeps. */
  static final int SAMPLE = 48;

  private final Inlet<ByteString> fromTls = Inlet.create("InboundGuard.fromTls");
  private final Outlet<ByteString> toTcp = Outlet.create("InboundGuard.toTcp");
  private final Inlet<ByteString> fromTcp = Inlet.create("InboundGuard.fromTcp");
  private final Outlet<ByteString> toTls = Outlet.create("InboundGuard.toTls");
  private final BidiShape<ByteString, ByteString, ByteString, ByteString> shape =
      BidiShape.of(fromTls, toTcp, fromTcp, toTls);
  private final Consumer<InboundFinding> onFinding;
  private final AtomicReference<RecordHeader> lastRecord;

  private InboundGuard(Consumer<InboundFinding> onFinding, AtomicReference<RecordHeader> lastRecord) {
    this.onFinding = onFinding;
    this.lastRecord = lastRecord;
  }

  /**
   * The guard as a BidiFlow to put between the TLS stage (left) and TCP (right): {@code
   * TLS.create(...).atop(watch).atop(InboundGuard.create(...)).atop(killSwitch).join(tcp)}.
   *
   * @param onFinding gets at most one finding per materialization, on the stream's thread
   * @param lastRecord where the last complete TLS record header from the client is kept; null until one was seen
   */
  static BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> create(
      Consumer<InboundFinding> onFinding, AtomicReference<RecordHeader> lastRecord) {
    return BidiFlow.fromGraph(new InboundGuard(onFinding, lastRecord));
  }

  @Override
  public BidiShape<ByteString, ByteString, ByteString, ByteString> shape() {
    return shape;
  }

  private enum Decision { UNDECIDED, TLS, HTTP, NOT_TLS }

  /** What the client speaks, judged from its first bytes; {@code last} when no more will come. */
  private static Decision decide(ByteString first, boolean last) {
    int type = first.apply(0) & 0xff;
    if (type >= RecordHeaders.CHANGE_CIPHER_SPEC && type <= RecordHeaders.HEARTBEAT) {
      if (first.size() >= 2 && (first.apply(1) & 0xff) != 3) return Decision.NOT_TLS;
      if (first.size() < RecordHeaders.HEADER_LENGTH) return last ? Decision.TLS : Decision.UNDECIDED;
      // A plausible header of another type is TLS too, if not a good start: the TLS stage says why it fails.
      return RecordHeaders.decode(first, 0).plausible() ? Decision.TLS : Decision.NOT_TLS;
    }
    if (PlaintextHttp.parse(first).isPresent()) return Decision.HTTP;
    if (!last && first.size() < DECIDE_AT && PlaintextHttp.couldStartRequest(first)) return Decision.UNDECIDED;
    return Decision.NOT_TLS;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      /** The client's bytes while undecided. */
      private ByteString first = ByteString.emptyByteString();
      /** Decided bytes waiting for the TLS stage's demand. */
      private ByteString held;
      /** A copy of the first bytes while a ClientHello is being looked for; null otherwise. */
      private ByteString hello;
      /** A plaintext request line whose target has not all arrived yet; null otherwise. */
      private ByteString request;

      // Record boundaries on the bottom side: a header being read, or payload bytes to skip.
      private long headerBits;
      private int headerBytes;
      private int skip;
      private RecordHeader published;

      @Override
      public void preStart() {
        pull(fromTcp); // decide as soon as the client says something, whoever asks first
      }

      // ---- top: TLS stage to TCP, passed through ----

      private final InHandler topIn = new AbstractInHandler() {
        @Override
        public void onPush() {
          push(toTcp, grab(fromTls));
        }

        @Override
        public void onUpstreamFinish() {
          complete(toTcp);
        }

        @Override
        public void onUpstreamFailure(Throwable ex) {
          fail(toTcp, ex);
        }
      };

      private final OutHandler topOut = new AbstractOutHandler() {
        @Override
        public void onPull() {
          pull(fromTls);
        }

        @Override
        public void onDownstreamFinish(Throwable cause) {
          cancel(fromTls, cause);
        }
      };

      // ---- bottom: TCP to TLS stage ----

      private final InHandler deciding = new AbstractInHandler() {
        @Override
        public void onPush() {
          first = first.concat(grab(fromTcp));
          Decision d = decide(first, false);
          if (d == Decision.UNDECIDED) {
            pull(fromTcp);
          } else {
            decided(d);
          }
        }

        @Override
        public void onUpstreamFinish() {
          // Connected and left without a word: nothing to report. Otherwise decide with what came
          // (TLS or not: a request line would have been recognised when it arrived), then flush.
          if (!first.isEmpty()) decided(decide(first, true));
          finishBottom();
        }

        @Override
        public void onUpstreamFailure(Throwable ex) {
          fail(toTls, ex);
        }
      };

      private final InHandler passing = new AbstractInHandler() {
        @Override
        public void onPush() {
          ByteString chunk = grab(fromTcp);
          push(toTls, chunk);
          track(chunk);
          if (hello != null) lookForHello(chunk);
        }

        @Override
        public void onUpstreamFinish() {
          finishBottom();
        }

        @Override
        public void onUpstreamFailure(Throwable ex) {
          fail(toTls, ex);
        }
      };

      private final OutHandler bottomOut = new AbstractOutHandler() {
        @Override
        public void onPull() {
          if (held != null) {
            ByteString h = held;
            held = null;
            push(toTls, h);
          } else if (!hasBeenPulled(fromTcp) && !isClosed(fromTcp)) {
            pull(fromTcp);
          }
        }

        @Override
        public void onDownstreamFinish(Throwable cause) {
          cancel(fromTcp, cause);
        }
      };

      // ---- after a plaintext HTTP request: answer, FIN, discard until the client closes ----

      private final InHandler draining = new AbstractInHandler() {
        @Override
        public void onPush() {
          ByteString chunk = grab(fromTcp);
          if (request != null) {
            request = request.concat(chunk.take(PlaintextHttp.LONGEST_TOKEN + PlaintextHttp.MAX_PATH));
            if (PlaintextHttp.targetComplete(request)) reportRequest();
          }
          pull(fromTcp);
        }

        @Override
        public void onUpstreamFinish() {
          if (request != null) reportRequest();
          completeStage(); // out2 completes: the TLS stage ends, having seen nothing
        }

        @Override
        public void onUpstreamFailure(Throwable ex) {
          if (request != null) reportRequest();
          failStage(ex);
        }
      };

      /** While draining, the TLS stage and TCP's write side may come and go: only the client's close ends the stage. */
      private final InHandler ignoringTls = new AbstractInHandler() {
        @Override
        public void onPush() {
          grab(fromTls);
        }

        @Override
        public void onUpstreamFinish() {}

        @Override
        public void onUpstreamFailure(Throwable ex) {}
      };

      private final OutHandler ignoringOut = new AbstractOutHandler() {
        @Override
        public void onPull() {}

        @Override
        public void onDownstreamFinish(Throwable cause) {}
      };

      {
        setHandler(fromTls, topIn);
        setHandler(toTcp, topOut);
        setHandler(fromTcp, deciding);
        setHandler(toTls, bottomOut);
      }

      private void decided(Decision d) {
        ByteString bytes = first;
        first = null;
        switch (d) {
          case HTTP -> answerPlaintextHttp(bytes);
          case NOT_TLS -> {
            onFinding.accept(new InboundFinding.NotTls(bytes.take(SAMPLE).compact()));
            startPassing(bytes);
          }
          default -> {
            hello = ByteString.emptyByteString();
            startPassing(bytes);
          }
        }
      }

      private void startPassing(ByteString bytes) {
        setHandler(fromTcp, passing);
        if (isAvailable(toTls)) {
          push(toTls, bytes);
        } else {
          held = bytes;
        }
        track(bytes);
        if (hello != null) lookForHello(bytes);
      }

      private void answerPlaintextHttp(ByteString bytes) {
        request = bytes;
        if (PlaintextHttp.targetComplete(bytes)) reportRequest();
        setHandler(fromTcp, draining);
        setHandler(toTls, ignoringOut);
        setHandler(fromTls, ignoringTls);
        setHandler(toTcp, ignoringOut);
        if (!isClosed(toTcp)) emit(toTcp, PlaintextHttp.badRequestResponse(), () -> complete(toTcp));
        if (!isClosed(fromTcp)) pull(fromTcp);
      }

      private void reportRequest() {
        PlaintextHttp.Request r = PlaintextHttp.parse(request).orElseThrow();
        request = null;
        onFinding.accept(new InboundFinding.PlaintextHttp(r.method(), r.path()));
      }

      /** The client closed its side: what it sent reaches the TLS stage, then the end. */
      private void finishBottom() {
        if (held == null) {
          complete(toTls);
        } else {
          ByteString h = held;
          held = null;
          emit(toTls, h, () -> complete(toTls));
        }
      }

      /** Follows record boundaries over {@code chunk}; publishes each complete header. */
      private void track(ByteString chunk) {
        int n = chunk.size();
        int i = 0;
        while (i < n) {
          if (skip > 0) {
            int step = Math.min(skip, n - i);
            skip -= step;
            i += step;
          } else {
            headerBits = headerBits << 8 | (chunk.apply(i++) & 0xff);
            if (++headerBytes == RecordHeaders.HEADER_LENGTH) {
              int type = (int) (headerBits >>> 32) & 0xff;
              int version = (int) (headerBits >>> 16) & 0xffff;
              int length = (int) headerBits & 0xffff;
              headerBits = 0;
              headerBytes = 0;
              skip = length;
              publish(type, version, length);
            }
          }
        }
      }

      private void publish(int type, int version, int length) {
        RecordHeader p = published;
        if (p != null && p.contentType() == type && p.version() == version && p.length() == length) return;
        published = new RecordHeader(type, version, length);
        lastRecord.set(published);
      }

      /** Parses a copy of the first bytes until a ClientHello is complete, or cannot be one, or is too long. */
      private void lookForHello(ByteString more) {
        int room = HELLO_LIMIT - hello.size();
        hello = hello.concat(more.size() > room ? more.take(room) : more);
        Optional<ClientHellos.Hello> parsed = ClientHellos.parse(hello);
        if (parsed.isPresent()) {
          hello = null;
          onFinding.accept(new InboundFinding.ClientHello(parsed.get().offeredVersions()));
        } else if (hello.size() >= HELLO_LIMIT || !ClientHellos.incomplete(hello)) {
          hello = null;
        }
      }
    };
  }
}
