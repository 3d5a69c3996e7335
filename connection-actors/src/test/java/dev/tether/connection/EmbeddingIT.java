package dev.tether.connection;

import org.junit.jupiter.api.Tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import dev.tether.testing.OpenSslServer;
import dev.tether.testing.TestCerts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The embedding path a host application takes: the {@link Tether} extension in its own actor
 * system, a TLS profile from configuration, typed asks. Mirrors the README example.
 *
 * <p>The actor system is the test's own, made after the certificate its configuration names, and
 * shut down by the test itself.
 */
@ExtendWith(LogCapturingExtension.class)
@Tag("peer")
class EmbeddingIT {

  @Test
  void hostApplicationUsesTheExtensionWithAConfiguredProfile() throws Exception {
    TestCerts certs = TestCerts.generate();
    try (OpenSslServer peer = OpenSslServer.startRev(certs, "localhost", "TLSv1.3")) {
      ActorTestKit kit = ActorTestKit.create("host-app", ConfigFactory.parseString(
              "tether.tls-profiles.backend { trust-pem = \"" + certs.cert("localhost") + "\" }")
          .withFallback(ConfigFactory.load()));
      try {
        ActorRef<ConnectionManager.Command> manager = Tether.get(kit.system()).manager();
        TestProbe<ReaderEvent> reader = kit.createTestProbe();
        ConnectionSpec spec = ConnectionSpec.of("backend-1", "localhost", peer.port())
            .withTlsProfile("backend")
            .withReader(reader.getRef());
        CompletionStage<ConnectionManager.OpenResult> opened = AskPattern.ask(manager,
            replyTo -> new ConnectionManager.Open(spec, replyTo), Duration.ofSeconds(5), kit.system().scheduler());
        assertInstanceOf(ConnectionManager.Opened.class, opened.toCompletableFuture().get());

        ReaderEvent.Opened o = reader.expectMessageClass(ReaderEvent.Opened.class, Duration.ofSeconds(20));
        assertEquals("TLSv1.3", o.tls().protocol());
        assertEquals("CN=localhost", o.tls().peerSubject());

        CompletionStage<SendResult> sent = AskPattern.ask(manager,
            replyTo -> new ConnectionManager.Send("backend-1", ByteString.fromString("ping\n", StandardCharsets.UTF_8), replyTo),
            Duration.ofSeconds(5), kit.system().scheduler());
        assertInstanceOf(SendResult.Accepted.class, sent.toCompletableFuture().get());
        ReaderEvent.Received r = reader.expectMessageClass(ReaderEvent.Received.class, Duration.ofSeconds(20));
        assertEquals("gnip", r.bytes().utf8String().trim());

        CompletionStage<ConnectionManager.CloseResult> closed = AskPattern.ask(manager,
            replyTo -> new ConnectionManager.Close("backend-1", Optional.empty(), replyTo),
            Duration.ofSeconds(10), kit.system().scheduler());
        var result = assertInstanceOf(ConnectionManager.Closed.class, closed.toCompletableFuture().get());
        assertEquals(OutcomeKind.CLEAN, result.outcome().kind(), result.outcome().toString());
        peer.awaitOutput(OpenSslServer.closeNotifyReceived("TLSv1.3"), Duration.ofSeconds(15));
      } finally {
        kit.shutdownTestKit();
      }
    }
  }
}
