package dev.tether.connection.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Processes;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;


/** Real ClientHellos from {@code openssl s_client}, captured by a plain ServerSocket and decoded by {@link ClientHellos}. */
@Tag("peer")
class ClientHellosIT {
  // ---- real ClientHellos from openssl s_client, captured by a plain ServerSocket ----

  @Test
  void realOpenSslTls11() throws Exception {
    assertEquals(List.of("TLSv1.1", "TLSv1"), capture("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0").offeredVersions());
  }

  @Test
  void realOpenSslTls12() throws Exception {
    assertEquals(List.of("TLSv1.2", "TLSv1.1", "TLSv1"), capture("-tls1_2").offeredVersions());
  }

  @Test
  void realOpenSslTls13Only() throws Exception {
    ClientHellos.Hello h = capture("-tls1_3");
    assertEquals(0x0303, h.legacyVersion());
    assertEquals(List.of("TLSv1.3"), h.offeredVersions());
  }

  @Test
  void realOpenSslDefault() throws Exception {
    ClientHellos.Hello h = capture();
    assertTrue(h.supportedVersions().isPresent(), "a TLS 1.3 client lists its versions in supported_versions");
    // What comes after 1.2 depends on the system's openssl.cnf (MinProtocol): Debian's offers 1.1 and 1.0 too.
    assertEquals(List.of("TLSv1.3", "TLSv1.2"), h.offeredVersions().subList(0, 2), h.toString());
  }

  /**
   * Runs {@code openssl s_client} with {@code options} against a ServerSocket that reads until the
   * ClientHello is complete and then closes (s_client then gives up and exits).
   */
  private static ClientHellos.Hello capture(String... options) throws Exception {
    Processes.requireTools("openssl");
    ExecutorService acceptor = Executors.newSingleThreadExecutor();
    Process client = null;
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      server.setSoTimeout(10_000);
      Future<ByteString> first = acceptor.submit(() -> readClientHello(server));
      List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + server.getLocalPort()));
      command.addAll(List.of(options));
      client = new ProcessBuilder(command)
          .redirectInput(new File("/dev/null"))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      ByteString bytes = first.get(15, TimeUnit.SECONDS);
      return ClientHellos.parse(bytes).orElseThrow(() -> new AssertionError("no ClientHello in " + bytes));
    } finally {
      if (client != null && !client.waitFor(10, TimeUnit.SECONDS)) client.destroyForcibly();
      acceptor.shutdownNow();
    }
  }

  private static ByteString readClientHello(ServerSocket server) throws IOException {
    try (Socket s = server.accept()) {
      s.setSoTimeout(10_000);
      InputStream in = s.getInputStream();
      ByteString got = ByteString.emptyByteString();
      byte[] buf = new byte[4096];
      while (ClientHellos.parse(got).isEmpty() && (got.isEmpty() || ClientHellos.incomplete(got))) {
        int n = in.read(buf);
        if (n < 0) break;
        got = got.concat(ByteString.fromArray(buf, 0, n));
      }
      return got;
    }
  }
}
