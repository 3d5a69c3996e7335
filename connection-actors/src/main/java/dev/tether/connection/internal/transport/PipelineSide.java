package dev.tether.connection.internal.transport;

import dev.tether.connection.internal.wire.RecordHeaders;
import dev.tether.connection.settings.KeepaliveSettings;
import dev.tether.connection.tls.TlsProfile;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: what differs between the two sides of a connection's stream, each side in one
 * place (Netty keeps a client and a server initializer for the same reason); {@link
 * ConnectionTransport} assembles what both share around it. A client connects, sniffs the peer's
 * first bytes for a peer that is not TLS, and runs the engine in the client role; a server serves
 * the connection a listener accepted, guards its first bytes ({@link InboundGuard}) and runs the
 * engine in the server role.
 */
sealed interface PipelineSide {

  /** The side a plan asks for. */
  static PipelineSide of(TransportPlan plan) {
    return plan.accepted().<PipelineSide>map(ServerSide::new)
        .orElseGet(() -> new ClientSide(plan.host(), plan.port(), plan.tcpKeepalive()));
  }

  SSLEngine createEngine(TlsProfile profile);

  /** Between the TLS stage and TCP: cipher-out watched as given, cipher-in watched as this side needs. */
  BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> watch(
      Flow<ByteString, ByteString, NotUsed> cipherOut, ActorRef<ConnectionTransport.Signal> actor,
      AtomicReference<RecordHeaders.RecordHeader> lastRecord);

  /** The TCP side; both look alike to the actor (an accepted one is connected already). */
  Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> tcp(ActorSystem<?> system);

  /** We connect to {@code host:port}. */
  record ClientSide(String host, int port, KeepaliveSettings.TcpKeepalive tcpKeepalive) implements PipelineSide {
    @Override
    public SSLEngine createEngine(TlsProfile profile) {
      return profile.createClientEngine(host, port);
    }

    /** A sniffer names a peer that is not TLS. */
    @Override
    public BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> watch(
        Flow<ByteString, ByteString, NotUsed> cipherOut, ActorRef<ConnectionTransport.Signal> actor,
        AtomicReference<RecordHeaders.RecordHeader> lastRecord) {
      return BidiFlow.fromFlows(cipherOut, Flow.<ByteString>create()
          .map(new TlsRecordSniffer(first -> actor.tell(new ConnectionTransport.NotTls(first)))));
    }

    @Override
    public Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> tcp(ActorSystem<?> system) {
      return Tcp.get(system).outgoingConnection(InetSocketAddress.createUnresolved(host, port), Optional.empty(),
          TransportOptions.of(tcpKeepalive), true, Optional.empty(), Optional.empty());
    }
  }

  /** A listener accepted the connection. */
  record ServerSide(TransportPlan.Accepted accepted) implements PipelineSide {
    @Override
    public SSLEngine createEngine(TlsProfile profile) {
      return profile.createServerEngine(accepted.clientAuth());
    }

    /**
     * The guard answers plaintext HTTP with a 400, names the versions a ClientHello offered, and
     * keeps the last record header.
     */
    @Override
    public BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> watch(
        Flow<ByteString, ByteString, NotUsed> cipherOut, ActorRef<ConnectionTransport.Signal> actor,
        AtomicReference<RecordHeaders.RecordHeader> lastRecord) {
      return BidiFlow.fromFlows(cipherOut, Flow.<ByteString>create())
          .atop(InboundGuard.create(finding -> actor.tell(new ConnectionTransport.Found(finding)), lastRecord));
    }

    @Override
    public Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> tcp(ActorSystem<?> system) {
      CompletionStage<Tcp.OutgoingConnection> connected = CompletableFuture.completedFuture(null);
      return accepted.incoming().flow().mapMaterializedValue(notUsed -> connected);
    }
  }
}
