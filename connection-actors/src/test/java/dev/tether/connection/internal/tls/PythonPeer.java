package dev.tether.connection.internal.tls;

import dev.tether.testing.OpenSslServer;
import dev.tether.testing.PeerProcess;
import dev.tether.testing.TestCerts;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;

/** The one-connection TLS server of {@code peers/tls_peer.py} (Python's ssl, i.e. OpenSSL), in a chosen close mode. */
final class PythonPeer {
  private PythonPeer() {}

  /** Starts the peer serving the "localhost" certificate and waits until it listens; {@code port} is where. */
  static PeerProcess start(String mode, TestCerts certs, String protocol, long bytes, int port) {
    Path script;
    try {
      script = Path.of(Objects.requireNonNull(PythonPeer.class.getResource("/peers/tls_peer.py")).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    PeerProcess peer = PeerProcess.start("python3", script.toString(), mode, String.valueOf(port),
        certs.cert("localhost").toString(), certs.key("localhost").toString(), protocol, String.valueOf(bytes));
    peer.awaitOutput("READY", StageRun.MAX);
    return peer;
  }

  static int freePort() {
    return OpenSslServer.freePort();
  }
}
