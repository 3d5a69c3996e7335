package dev.tether.connection;

import org.junit.jupiter.api.Tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.tether.testing.PeerProcess;
import dev.tether.testing.TetherFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code jobs} protocol end to end over TLS, typed into {@code gnutls-cli} and {@code openssl
 * s_client}: a long job does not stop the session from answering, and it can be cancelled.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("peer")
class JobsSessionIT {
  /** STATUS must come back well within this while a 60 s job runs (generous for a shared 2-core machine). */
  private static final Duration ANSWER_MAX = Duration.ofSeconds(5);
  final TetherFixture fx = new TetherFixture("JobsSessionIT");
  @JUnit5TestKit final ActorTestKit testKit = fx.testKit;

  private int start(String name, String authToken) {
    var m = fx.manager(fx.settings()
        .withTlsProfile(fx.certs().identityProfile("server", "localhost", "localhost", List.of("TLSv1.3", "TLSv1.2"))));
    TestProbe<ConnectionManager.ListenerResult> reply = testKit.createTestProbe();
    m.ref.tell(new ConnectionManager.StartListener(
        ListenerSpec.of(name, "127.0.0.1", 0, "server", "jobs", fx.fastSettings())
            .withOptions(ConfigFactory.parseMap(Map.of("auth-token", authToken))),
        reply.getRef()));
    return assertInstanceOf(ConnectionManager.ListenerStarted.class, reply.receiveMessage(TetherFixture.MAX)).info().port();
  }

  @Test
  void aLongJobKeepsTheSessionAnsweringAndCanBeCancelledWithOpenssl() {
    int port = start("jobs", "");
    try (PeerProcess c = PeerProcess.start("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-quiet",
        "-CAfile", fx.certs().cert("localhost").toString(), "-verify_return_error")) {
      c.typeLine("PING");
      c.awaitOutput("PONG", TetherFixture.MAX);
      c.typeLine("RUN 60");
      c.awaitOutput("STARTED 1", ANSWER_MAX);
      c.typeLine("STATUS");
      c.awaitOutput("RUNNING 1 ", ANSWER_MAX);
      c.typeLine("RUN 5");
      c.awaitOutput("BUSY 1", ANSWER_MAX);
      c.typeLine("CANCEL");
      c.awaitOutput("CANCELLED 1", ANSWER_MAX);
      c.typeLine("STATUS");
      c.awaitOutput("IDLE", ANSWER_MAX);
      c.typeLine("FROB");
      c.awaitOutput("ERR unknown command", ANSWER_MAX);
      c.typeLine("QUIT");
      c.awaitOutput("BYE", ANSWER_MAX);
      c.awaitExit(TetherFixture.MAX); // the server closed: s_client saw close_notify and exited
      assertEquals(0, c.count("DONE"), c.output());
    }
  }

  @Test
  void withAnAuthTokenAWrongFirstLineIsRefusedAndClosedWithGnutls() {
    int port = start("locked", "s3cret");
    Processes.requireGnutls();
    try (PeerProcess c = PeerProcess.start("gnutls-cli", "--port=" + port, "--x509cafile="
        + fx.certs().cert("localhost"), "127.0.0.1")) {
      c.awaitOutput("Handshake was completed", TetherFixture.MAX);
      c.typeLine("RUN 1");
      c.awaitOutput("ERR unauthorized", ANSWER_MAX);
      c.awaitOutput("Peer has closed the GnuTLS connection", TetherFixture.MAX);
    }
    try (PeerProcess c = PeerProcess.start("gnutls-cli", "--port=" + port, "--x509cafile="
        + fx.certs().cert("localhost"), "127.0.0.1")) {
      c.awaitOutput("Handshake was completed", TetherFixture.MAX);
      c.typeLine("AUTH s3cret");
      c.awaitOutput("OK", ANSWER_MAX);
      c.typeLine("RUN 0");
      c.awaitOutput("DONE 1", ANSWER_MAX);
      assertTrue(c.output().contains("STARTED 1"), c.output());
    }
  }

  /** gnutls-cli is a separate package; CI installs it. */
  private static final class Processes {
    static void requireGnutls() {
      dev.tether.testing.Processes.requireTools("gnutls-cli");
    }
  }
}
