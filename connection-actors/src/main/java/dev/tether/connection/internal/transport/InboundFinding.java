package dev.tether.connection.internal.transport;

import dev.tether.connection.internal.wire.PlaintextHttp;
import java.util.List;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: what {@link InboundGuard} found out about an accepted connection's first bytes. At
 * most one finding per connection, reported from the stream (the callback must only {@code tell}).
 */
public sealed interface InboundFinding {

  /** What to tell an operator. */
  String describe();

  /**
   * The client sent a ClientHello offering these versions (JDK names, e.g. ["TLSv1.3", "TLSv1.2"]);
   * see {@link ClientHellos#describeRefusal} when the handshake then fails.
   */
  record ClientHello(List<String> offeredVersions) implements InboundFinding {
    public ClientHello {
      offeredVersions = List.copyOf(offeredVersions);
    }

    @Override
    public String describe() {
      return "the client offered " + String.join(", ", offeredVersions);
    }
  }

  /**
   * The client sent a plaintext HTTP request. The guard has answered it with {@link
   * PlaintextHttp#badRequestResponse()} and a FIN, and now discards what the client still sends
   * until it closes; the actor bounds that with its own timer.
   */
  record PlaintextHttp(String method, String path) implements InboundFinding {
    @Override
    public String describe() {
      return "the client sent a plaintext HTTP request (" + method + " " + path + ") to this TLS port;"
          + " it was answered with 400 Bad Request";
    }
  }

  /** The client's first bytes are neither TLS nor HTTP: the actor resets the connection. */
  record NotTls(ByteString firstBytes) implements InboundFinding {
    @Override
    public String describe() {
      StringBuilder text = new StringBuilder();
      StringBuilder hex = new StringBuilder();
      for (int i = 0; i < firstBytes.size(); i++) {
        int c = firstBytes.apply(i) & 0xff;
        text.append(c >= 32 && c < 127 ? (char) c : '.');
        if (i < 8) hex.append(String.format(" %02x", c));
      }
      return "the client is not speaking TLS (another protocol, or a client pointed at the wrong port): its first"
          + " bytes were \"" + text + "\" (" + hex.toString().trim() + ")";
    }
  }
}
