package dev.tether.connection.session;

import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.Direction;
import dev.tether.connection.SendResult;
import dev.tether.connection.TlsInfo;
import com.typesafe.config.Config;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.util.ByteString;

/**
 * A session handler's handle on its connection, given once when the handler is spawned (the TLS
 * handshake has finished). The handler reads with {@link SessionEvent}s and writes, acknowledges and
 * closes through the methods here; none of them blocks.
 *
 * <p>It is the shortest way to a connection's stream: a write reaches the incarnation directly, on
 * the data plane's pool, where {@code ConnectionManager.Send} goes by id through the manager and the
 * supervisor first. A handler may hand it to other actors of its own; a write made after the
 * incarnation ended reaches no one (it is dead-lettered and never answered), so they should stop
 * writing when the handler gets {@link SessionEvent.Ended}.
 *
 * @param connectionId the connection's id ({@code <listener>-<n>} for an inbound one)
 * @param direction who opened the connection
 * @param listener the listener that accepted it, for an inbound connection
 * @param remote the peer's address, {@code host:port}
 * @param tls what the handshake negotiated; {@code peerSubject} names a client certificate under mTLS
 * @param options the listener's (or spec's) configuration block, for handler keys such as
 *     {@code auth-token}
 * @param connection where the commands go: the incarnation that spawned this handler
 */
public record Session(
    ConnectionId connectionId,
    Direction direction,
    Optional<String> listener,
    String remote,
    TlsInfo tls,
    Config options,
    ActorRef<SessionCommand> connection) {

  /** Writes bytes; {@code replyTo} hears {@link SendResult.Accepted} once the TLS stage took them. */
  public void write(ByteString bytes, ActorRef<SendResult> replyTo) {
    connection.tell(new SessionCommand.Write(bytes, replyTo));
  }

  /** Takes the last {@link SessionEvent.Received}: the next bytes may come. */
  public void ack() {
    connection.tell(SessionCommand.Ack.INSTANCE);
  }

  /** Closes the connection with {@code mode}, after the writes already accepted. */
  public void close(CloseMode mode) {
    connection.tell(new SessionCommand.Close(mode));
  }
}
