package dev.tether.connection.internal.transport;

import dev.tether.connection.internal.wire.RecordHeaders;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: what the connection actor holds of its running stream. The engine and the transport
 * failure are written by the stream's stages and only read here once the stream has ended, or to
 * decide a close; nothing else crosses between the stream and the actor except messages.
 */
public final class TransportHandles {
  private final ActorRef<TLSProtocol.SslTlsOutbound> outbound;
  private final UniqueKillSwitch killSwitch;
  private final CompletionStage<Tcp.OutgoingConnection> connected;
  private final AtomicReference<SSLEngine> engine;
  private final AtomicReference<Throwable> transportFailure;
  private final AtomicReference<RecordHeaders.RecordHeader> lastRecord;

  TransportHandles(
      ActorRef<TLSProtocol.SslTlsOutbound> outbound,
      UniqueKillSwitch killSwitch,
      CompletionStage<Tcp.OutgoingConnection> connected,
      AtomicReference<SSLEngine> engine,
      AtomicReference<Throwable> transportFailure,
      AtomicReference<RecordHeaders.RecordHeader> lastRecord) {
    this.lastRecord = lastRecord;
    this.outbound = outbound;
    this.killSwitch = killSwitch;
    this.connected = connected;
    this.engine = engine;
    this.transportFailure = transportFailure;
  }

  /** Completes when TCP is connected, or fails with the reason it could not connect. */
  public CompletionStage<Tcp.OutgoingConnection> connected() {
    return connected;
  }

  /** Hands bytes to the TLS stage; answered with {@link ConnectionTransport.WriteTaken}. */
  public void write(ByteString bytes) {
    outbound.tell(new TLSProtocol.SendBytes(bytes));
  }

  /** Completes the plaintext side once written: the TLS stage then sends our close_notify. */
  public void finish() {
    outbound.tell(ConnectionTransport.FINISH);
  }

  /** Closes TCP (FIN after what is already written), without waiting for the peer. */
  public void shutdown() {
    killSwitch.shutdown();
  }

  /** Resets TCP now; the stream then ends promptly. */
  public void abort(String why) {
    killSwitch.abort(new ConnectionTransport.LocalAbort(why));
  }

  /** The peer's close_notify has been received (the engine's inbound side is done). */
  public boolean peerCloseNotifyReceived() {
    SSLEngine e = engine.get();
    return e != null && e.isInboundDone();
  }

  /** The last complete TLS record header an accepted client sent (tracked for inbound connections only). */
  public Optional<RecordHeaders.RecordHeader> lastRecord() {
    return Optional.ofNullable(lastRecord.get());
  }

  /** The TCP stage's own failure, if it failed (the stream sees a completion instead). */
  public Optional<Throwable> transportFailure() {
    return Optional.ofNullable(transportFailure.get());
  }
}
