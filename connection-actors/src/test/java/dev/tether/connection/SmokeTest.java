package dev.tether.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.testing.OpenSslServer;
import dev.tether.testing.TetherFixture;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmokeTest {
  final TetherFixture fx = new TetherFixture("SmokeTest");

  @AfterAll
  void shutdown() {
    fx.close();
  }

  @Test
  void opensEchoesAndClosesGracefully() {
    try (OpenSslServer peer = OpenSslServer.startRev(fx.certs, "localhost", "TLSv1.3")) {
      var m = fx.manager();
      var listener = m.open("c1", peer.port(), "test", fx.fastSettings());
      m.awaitState("c1", ConnectionState.OPEN);
      assertEquals(SendResult.Accepted.class, m.send("c1", "hello\n").getClass());
      TetherFixture.receiveText(listener, "olleh");
      var r = m.close("c1", Optional.of(CloseMode.GRACEFUL));
      System.out.println(r);
      peer.awaitOutput(OpenSslServer.closeNotifyReceived("TLSv1.3"), Duration.ofSeconds(10));
      assertEquals(OutcomeKind.CLEAN, ((ConnectionManager.Closed) r).outcome().kind());
    }
  }
}
