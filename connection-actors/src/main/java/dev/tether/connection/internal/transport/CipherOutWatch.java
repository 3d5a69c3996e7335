package dev.tether.connection.internal.transport;

import dev.tether.connection.internal.listener.Listener;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: sits on the cipher-out side, between the TLS stage and TCP. It does two things the
 * TLS stage does not:
 *
 * <ol>
 *   <li>It tells when our close_notify has been handed to TCP: the first record that passes once
 *       the engine's outbound side is done carries it.
 *   <li>It answers a peer's close_notify on TLS 1.3. The JDK does not answer by default ({@code
 *       jdk.tls.acknowledgeCloseNotify=false}) and Pekko's TLS stage then completes with a bare FIN.
 *       When cipher-out completes with the engine's inbound side done and its outbound side not,
 *       the TLS stage has finished with the engine, so this stage closes the engine's outbound
 *       side, wraps the close_notify itself and writes it before completing. Tether's own TLS stage
 *       ({@code tether.tls-stage = tether}) answers by itself, so this finds nothing left to do.
 *   <li>It keeps a transport failure from cutting off what the reader has not taken yet. When TCP
 *       fails (a reset), the TCP stage cancels this side while the TLS stage may still hold
 *       ciphertext or plaintext the connection has not taken (a slow listener); on that
 *       cancellation a TLS stage stops at once and drops it (Tether's, measured in
 *       FailureModesIT; Pekko's by its source). So the cancellation stops here:
 *       from then on this stage takes what the TLS stage writes and discards it, and completes
 *       when the TLS stage does, which it does once it has delivered the inbound side (completed,
 *       not failed: see {@link ConnectionTransport}). The outcome still names the reset.
 * </ol>
 */
final class CipherOutWatch extends GraphStage<FlowShape<ByteString, ByteString>> {

  /** Callbacks into the owning actor; they must only {@code tell}. */
  interface Listener {
    void closeNotifyHandedToTransport();
  }

  private final Inlet<ByteString> in = Inlet.create("CipherOutWatch.in");
  private final Outlet<ByteString> out = Outlet.create("CipherOutWatch.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
  private final AtomicReference<SSLEngine> engine;
  private final Listener listener;

  CipherOutWatch(AtomicReference<SSLEngine> engine, Listener listener) {
    this.engine = engine;
    this.listener = listener;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      private boolean closeNotifySeen;
      /** TCP is gone: what the TLS stage writes is taken and dropped until it completes. */
      private boolean discarding;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            ByteString chunk = grab(in);
            if (discarding) {
              pull(in);
              return;
            }
            if (!closeNotifySeen) {
              SSLEngine e = engine.get();
              if (e != null && e.isOutboundDone()) {
                closeNotifySeen = true;
                listener.closeNotifyHandedToTransport();
              }
            }
            push(out, chunk);
          }

          @Override
          public void onUpstreamFinish() {
            if (discarding) {
              completeStage();
              return;
            }
            ByteString reply = closeNotifyReply();
            if (reply.isEmpty()) {
              completeStage();
            } else {
              closeNotifySeen = true;
              listener.closeNotifyHandedToTransport();
              emit(out, reply, () -> completeStage());
            }
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(in);
          }

          @Override
          public void onDownstreamFinish(Throwable cause) {
            discarding = true;
            if (isClosed(in)) completeStage(); // e.g. cut off while writing our close_notify reply
            else if (!hasBeenPulled(in)) pull(in);
          }
        });
      }
    };
  }

  /** Our close_notify, if the peer closed its side and the TLS stage left ours open. */
  private ByteString closeNotifyReply() {
    SSLEngine e = engine.get();
    if (e == null || !e.isInboundDone() || e.isOutboundDone()) return ByteString.emptyByteString();
    try {
      e.closeOutbound();
      ByteBuffer dst = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
      ByteString result = ByteString.emptyByteString();
      for (int i = 0; i < 4 && !e.isOutboundDone(); i++) {
        SSLEngineResult r = e.wrap(ByteBuffer.allocate(0), dst);
        dst.flip();
        result = result.concat(ByteString.fromByteBuffer(dst));
        dst.clear();
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) break;
      }
      return result;
    } catch (SSLException ex) {
      return ByteString.emptyByteString();
    }
  }
}
