package dev.tether.connection.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.journal.ConnectionJournal;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.ReaderEvent;
import dev.tether.connection.journal.JournalEntry;
import dev.tether.connection.journal.JournalEvent;
import dev.tether.connection.Initiator;
import dev.tether.connection.Outcome;
import dev.tether.connection.OutcomeKind;
import dev.tether.connection.TlsInfo;
import dev.tether.testing.Views;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The groundwork of cluster mode: a view (spec, settings with binary keepalive bytes, an actor ref,
 * optional and time fields, outcomes) survives Pekko's Jackson CBOR serializer unchanged, with the
 * library's {@code ByteStringJacksonModule} registered by its reference.conf.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ViewSerializationTest {
  private final ActorTestKit kit = ActorTestKit.create("ViewSerializationTest", ConfigFactory.parseString(
      "pekko.actor.serialization-bindings { \"dev.tether.connection.ConnectionView\" = jackson-cbor }")
      .withFallback(ConfigFactory.load()));

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void aViewRoundTripsThroughJacksonCbor() {
    Serialization serialization = SerializationExtension.get(kit.system().classicSystem());
    ConnectionSettings d = ConnectionManagerSettings.create(ConfigFactory.defaultReference()).defaults();
    ConnectionSettings s = d.withKeepalive(d.keepalive().withEnabled(true)
        .withPing(ByteString.fromArray(new byte[] {0, (byte) 0xff, '\n'})));
    ConnectionSpec spec = ConnectionSpec.of("a", "example.org", 443)
        .withReader(kit.createTestProbe(ReaderEvent.class).getRef()).withSettings(s).withHandler("echo");
    Outcome o = new Outcome(OutcomeKind.CLEAN, Initiator.LOCAL, "close_notify exchanged", Instant.parse("2026-11-29T10:00:00Z"),
        1, 2, 3, Duration.ofMillis(1500));
    ConnectionView v = Views.of(spec).settings(s).since(Instant.parse("2026-11-29T10:00:01.123456789Z"))
        .tls(new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", null)).bytes(10, 20).lastPingRttMillis(3)
        .pingRttPercentiles(new ConnectionView.RttPercentiles(1, 2, 3, 4)).history(o).build();

    byte[] bytes = serialization.serialize(v).get();
    var serializer = serialization.findSerializerFor(v);
    Object back = serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, v)).get();
    assertEquals(v, back);
  }

  @Test
  void aJournalAsAMemberAnswersItRoundTrips() {
    Serialization serialization = SerializationExtension.get(kit.system().classicSystem());
    Instant t = Instant.parse("2026-11-29T10:00:01.123456Z");
    Outcome o = new Outcome(OutcomeKind.KEEPALIVE_TIMEOUT, Initiator.LOCAL, "no answer", t, 1, 2, 3, Duration.ofMillis(1500));
    ConnectionJournal journal = new ConnectionJournal(ConnectionId.of("a"), 200, List.of(
        new JournalEntry(t, 1, new JournalEvent.StateChanged(Optional.empty(), ConnectionState.CONNECTING)),
        new JournalEntry(t, 1, new JournalEvent.StateChanged(Optional.of(ConnectionState.CONNECTING), ConnectionState.OPEN)),
        new JournalEntry(t, 1, new JournalEvent.RttMeasured(Duration.ofNanos(1_234_567))),
        new JournalEntry(t, 1, new JournalEvent.KeepaliveMissed(1, 0)),
        new JournalEntry(t, 1, new JournalEvent.OutcomeRecorded(o)),
        new JournalEntry(t, 1, new JournalEvent.ReconnectDelayChosen(Duration.ofMillis(850), 2)),
        new JournalEntry(t, 2, new JournalEvent.AdminAction(JournalEvent.Action.CLOSE, Optional.of(CloseMode.GRACEFUL),
            Optional.of("127.0.0.1"))),
        new JournalEntry(t, 2, new JournalEvent.AdminAction(JournalEvent.Action.RECONNECT, Optional.empty(),
            Optional.empty()))));
    Object msg = dev.tether.connection.internal.cluster.ClusterMessagesForTests.memberJournal("127.0.0.1:2551", journal);
    byte[] bytes = serialization.serialize(msg).get();
    var serializer = serialization.findSerializerFor(msg);
    Object back = serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, msg)).get();
    assertEquals(msg, back);
  }

  @Test
  void anOpenedReplyAsTheServiceMakesItRoundTrips() {
    Serialization serialization = SerializationExtension.get(kit.system().classicSystem());
    ConnectionSettings d = ConnectionManagerSettings.create(ConfigFactory.load()).defaults();
    ConnectionSpec spec = new ConnectionSpec(ConnectionId.of("x1"), "127.0.0.1", 9, "default", Optional.empty(),
        Optional.empty(), Optional.empty());
    ConnectionView v = Views.of(spec).settings(d).state(ConnectionState.CONNECTING).since(Instant.parse("2026-11-29T10:00:01Z"))
        .node("h:1").build();
    Object msg = new dev.tether.connection.ConnectionManager.Opened(v);
    byte[] bytes = serialization.serialize(msg).get();
    var serializer = serialization.findSerializerFor(msg);
    assertEquals("jackson-cbor", serializer.getClass().getSimpleName().contains("Cbor") ? "jackson-cbor" : serializer.toString());
    Object back = serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, msg)).get();
    assertEquals(msg, back);
  }

  /**
   * Nodes before the reader's rename wrote the spec's reader as "listener", and still need the
   * settings' window as "inboundWindow": a spec from such a node keeps its reader, and the window
   * keeps its field name (a rolling upgrade mixes both).
   */
  @Test
  void aSpecFromANodeBeforeTheRenameKeepsItsReader() throws Exception {
    Serialization serialization = SerializationExtension.get(kit.system().classicSystem());
    ConnectionSettings d = ConnectionManagerSettings.create(ConfigFactory.defaultReference()).defaults();
    ConnectionSpec spec = ConnectionSpec.of("a", "example.org", 443)
        .withReader(kit.createTestProbe(ReaderEvent.class).getRef()).withSettings(d.withReceiveWindow(4096));
    Object msg = new dev.tether.connection.ConnectionManager.Open(spec, kit.createTestProbe(
        dev.tether.connection.ConnectionManager.OpenResult.class).getRef());
    var serializer = serialization.findSerializerFor(msg);
    String manifest = Serializers.manifestFor(serializer, msg);
    ObjectMapper cbor = JacksonObjectMapperProvider.get(kit.system()).getOrCreate("jackson-cbor", Optional.empty());
    ObjectNode tree = (ObjectNode) cbor.readTree(serialization.serialize(msg).get());
    ObjectNode specNode = (ObjectNode) tree.get("spec");
    assertTrue(((ObjectNode) specNode.get("settings")).has("inboundWindow"), "settings: " + specNode.get("settings"));
    specNode.set("listener", specNode.remove("reader"));
    Object back = serialization.deserialize(cbor.writeValueAsBytes(tree), serializer.identifier(), manifest).get();
    assertEquals(msg, back);
  }
}
