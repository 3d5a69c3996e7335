package dev.tether.connection.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.tether.connection.CloseMode;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ReaderEvent;
import dev.tether.connection.settings.KeepaliveSettings;
import dev.tether.connection.settings.KeepaliveSettings.TcpKeepalive;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.TestInbox;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ConnectionSpecCodec}: a spec survives the text exactly, and bad text is refused with a reason. */
class ConnectionSpecCodecTest {
  private static final ConnectionSettings DEFAULTS =
      ConnectionManagerSettings.create(ConfigFactory.defaultReference()).defaults();

  private static ByteString bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
    return ByteString.fromArray(b);
  }

  /** Encodes {@code spec} with its own settings (or the defaults) and decodes the text. */
  private static ConnectionSpec roundTrip(ConnectionSpec spec) {
    return ConnectionSpecCodec.decode(ConnectionSpecCodec.encode(spec, spec.settings().orElse(DEFAULTS))).spec();
  }

  private static String validText() {
    return ConnectionSpecCodec.encode(ConnectionSpec.of("conn-1", "example.com", 443), DEFAULTS);
  }

  /** {@code text} with the value at {@code path} replaced. */
  private static String with(String text, String path, Object value) {
    return ConfigFactory.parseString(text).withValue(path, ConfigValueFactory.fromAnyRef(value)).root()
        .render(ConfigRenderOptions.concise());
  }

  private static String without(String text, String path) {
    return ConfigFactory.parseString(text).withoutPath(path).root().render(ConfigRenderOptions.concise());
  }

  private static IllegalArgumentException refused(String text) {
    return assertThrows(IllegalArgumentException.class, () -> ConnectionSpecCodec.decode(text));
  }

  private static void assertMentions(IllegalArgumentException e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message should mention '" + p + "': " + e.getMessage());
    }
  }

  @Test
  void referenceDefaultsRoundTripWithoutBeingStoredAsOverride() {
    ConnectionSpec spec = ConnectionSpec.of("conn-1", "example.com", 443);
    assertEquals(spec, roundTrip(spec));
  }

  @Test
  void referenceDefaultsRoundTripAsOverride() {
    ConnectionSpec spec = ConnectionSpec.of("conn-1", "example.com", 443).withSettings(DEFAULTS);
    ConnectionSpec decoded = roundTrip(spec);
    assertEquals(Optional.of(DEFAULTS), decoded.settings());
    assertEquals(spec, decoded);
  }

  @Test
  void theSettingsBlockIsAConnectionDefaultsBlockOnItsOwn() {
    Config stored = ConfigFactory.parseString(validText());
    assertEquals(ConnectionSpecCodec.FORMAT, stored.getInt("format"));
    assertFalse(stored.getBoolean("settings-overridden"));
    assertEquals(DEFAULTS, ConnectionSettings.fromConfig(stored.getConfig("settings"), "settings"));
  }

  @Test
  void durationsAreWrittenExactlyInTheLargestUnitThatHoldsThem() {
    ConnectionSettings s = DEFAULTS.withConnectTimeout(Duration.ofMillis(1500)).withHandshakeTimeout(Duration.ofHours(3))
        .withCloseTimeout(Duration.ofMillis(1).plusNanos(1));
    Config stored = ConfigFactory.parseString(
        ConnectionSpecCodec.encode(ConnectionSpec.of("a", "h", 1).withSettings(s), s)).getConfig("settings");
    assertEquals("1500ms", stored.getString("connect-timeout"));
    assertEquals("3h", stored.getString("handshake-timeout"));
    assertEquals("1000001ns", stored.getString("close-timeout"));
  }

  static Stream<Arguments> overrides() {
    KeepaliveSettings k = DEFAULTS.keepalive();
    return Stream.of(
        Arguments.of("connect-timeout 1ms", (UnaryOperator<ConnectionSettings>) s -> s.withConnectTimeout(Duration.ofMillis(1))),
        Arguments.of("connect-timeout 1ns", (UnaryOperator<ConnectionSettings>) s -> s.withConnectTimeout(Duration.ofNanos(1))),
        Arguments.of("handshake-timeout 1500ms", (UnaryOperator<ConnectionSettings>) s -> s.withHandshakeTimeout(Duration.ofMillis(1500))),
        Arguments.of("handshake-timeout 250us", (UnaryOperator<ConnectionSettings>) s -> s.withHandshakeTimeout(Duration.ofNanos(250_000))),
        Arguments.of("close-timeout 3h", (UnaryOperator<ConnectionSettings>) s -> s.withCloseTimeout(Duration.ofHours(3))),
        Arguments.of("close-timeout 1d and 1ns", (UnaryOperator<ConnectionSettings>) s -> s.withCloseTimeout(Duration.ofDays(1).plusNanos(1))),
        Arguments.of("close-timeout 200 years", (UnaryOperator<ConnectionSettings>) s -> s.withCloseTimeout(Duration.ofDays(365L * 200))),
        Arguments.of("close-mode graceful", (UnaryOperator<ConnectionSettings>) s -> s.withCloseMode(CloseMode.GRACEFUL)),
        Arguments.of("close-mode send-only", (UnaryOperator<ConnectionSettings>) s -> s.withCloseMode(CloseMode.SEND_ONLY)),
        Arguments.of("close-mode abort", (UnaryOperator<ConnectionSettings>) s -> s.withCloseMode(CloseMode.ABORT)),
        Arguments.of("max-pending-writes 1", (UnaryOperator<ConnectionSettings>) s -> s.withMaxPendingWrites(1)),
        Arguments.of("max-pending-writes max int", (UnaryOperator<ConnectionSettings>) s -> s.withMaxPendingWrites(Integer.MAX_VALUE)),
        Arguments.of("reconnect backoff 1ms to 3h", (UnaryOperator<ConnectionSettings>) s ->
            s.withReconnect(s.reconnect().withMinBackoff(Duration.ofMillis(1)).withMaxBackoff(Duration.ofHours(3)))),
        Arguments.of("reconnect equal backoffs 1500ms", (UnaryOperator<ConnectionSettings>) s ->
            s.withReconnect(s.reconnect().withMinBackoff(Duration.ofMillis(1500)).withMaxBackoff(Duration.ofMillis(1500)))),
        Arguments.of("random-factor 0", (UnaryOperator<ConnectionSettings>) s -> s.withReconnect(s.reconnect().withRandomFactor(0.0))),
        Arguments.of("random-factor 10", (UnaryOperator<ConnectionSettings>) s -> s.withReconnect(s.reconnect().withRandomFactor(10.0))),
        Arguments.of("random-factor 0.1+0.2", (UnaryOperator<ConnectionSettings>) s -> s.withReconnect(s.reconnect().withRandomFactor(0.1 + 0.2))),
        Arguments.of("random-factor 1e-7", (UnaryOperator<ConnectionSettings>) s -> s.withReconnect(s.reconnect().withRandomFactor(1e-7))),
        Arguments.of("reset-after 1500ms", (UnaryOperator<ConnectionSettings>) s -> s.withReconnect(s.reconnect().withResetAfter(Duration.ofMillis(1500)))),
        Arguments.of("max-failures 1 within 1ms", (UnaryOperator<ConnectionSettings>) s ->
            s.withReconnect(s.reconnect().withMaxFailures(1, Duration.ofMillis(1)))),
        Arguments.of("max-failures 1000 within 3h", (UnaryOperator<ConnectionSettings>) s ->
            s.withReconnect(s.reconnect().withMaxFailures(1000, Duration.ofHours(3)))),
        Arguments.of("keepalive on, binary ping, no pong", (UnaryOperator<ConnectionSettings>) s -> s.withKeepalive(
            k.withEnabled(true).withInterval(Duration.ofMillis(1)).withTimeout(Duration.ofMillis(1500))
                .withPing(bytes(0x00, 0xff)).withPong(Optional.empty()))),
        Arguments.of("keepalive on, binary ping and pong", (UnaryOperator<ConnectionSettings>) s -> s.withKeepalive(
            k.withEnabled(true).withPing(bytes(0x00, 0xff)).withPong(Optional.of(bytes(0xff, 0xfe, 0x00, 0x80))))),
        Arguments.of("keepalive text pong", (UnaryOperator<ConnectionSettings>) s -> s.withKeepalive(
            k.withEnabled(true).withPing(ByteString.fromString("PING\n")).withPong(Optional.of(ByteString.fromString("PONG\n"))))),
        Arguments.of("keepalive present but empty pong", (UnaryOperator<ConnectionSettings>) s -> s.withKeepalive(
            k.withPong(Optional.of(ByteString.emptyByteString())))),
        Arguments.of("keepalive ping with HOCON syntax and unicode", (UnaryOperator<ConnectionSettings>) s -> s.withKeepalive(
            k.withPing(ByteString.fromString("\"${x}\" \\ # // é ✓\r\n", StandardCharsets.UTF_8)))),
        Arguments.of("keepalive allowed-misses 7, timeout 3h", (UnaryOperator<ConnectionSettings>) s -> s.withKeepalive(
            k.withAllowedMisses(7).withTimeout(Duration.ofHours(3)))),
        Arguments.of("tcp keepalive on", (UnaryOperator<ConnectionSettings>) s -> s.withKeepalive(
            k.withTcp(new TcpKeepalive(true, Duration.ofSeconds(1), Duration.ofMillis(1500), 1)))),
        Arguments.of("tcp keepalive off with odd values", (UnaryOperator<ConnectionSettings>) s -> s.withKeepalive(
            k.withTcp(new TcpKeepalive(false, Duration.ofHours(3), Duration.ofMillis(1), 99)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overrides")
  void everyOverriddenFieldRoundTrips(String name, UnaryOperator<ConnectionSettings> change) {
    ConnectionSettings s = change.apply(DEFAULTS);
    ConnectionSpec spec = ConnectionSpec.of("conn-1", "example.com", 443).withSettings(s);
    ConnectionSpec decoded = roundTrip(spec);
    assertEquals(Optional.of(s), decoded.settings());
    assertEquals(spec, decoded);
  }

  @Test
  void binaryPingIsStoredAsBase64AndThePlainKeyStaysReadable() {
    ConnectionSettings s = DEFAULTS.withKeepalive(DEFAULTS.keepalive().withPing(bytes(0x00, 0xff)));
    Config k = ConfigFactory.parseString(ConnectionSpecCodec.encode(ConnectionSpec.of("a", "h", 1).withSettings(s), s))
        .getConfig("settings.keepalive");
    assertEquals("AP8=", k.getString("ping-base64"));
    assertEquals("\u0000\ufffd", k.getString("ping"));
    assertEquals("", k.getString("pong"));
    assertFalse(k.hasPath("pong-base64"), "no pong: any inbound bytes count");
  }

  @Test
  void aSpecWithAHandlerRoundTrips() {
    ConnectionSpec spec = ConnectionSpec.of("conn-1", "example.com", 443).withHandler("jobs").withTlsProfile("internal");
    assertEquals(spec, roundTrip(spec));
    assertEquals(Optional.of("jobs"), roundTrip(spec).handler());
  }

  @Test
  void aSpecWithoutAHandlerStoresNoHandlerKey() {
    ConnectionSpec spec = ConnectionSpec.of("conn-1", "example.com", 443);
    assertFalse(ConfigFactory.parseString(validText()).hasPath("handler"));
    assertEquals(Optional.empty(), roundTrip(spec).handler());
  }

  @Test
  void theReaderIsNotStored() {
    TestInbox<ReaderEvent> inbox = TestInbox.create();
    ConnectionSpec spec = ConnectionSpec.of("conn-1", "example.com", 443).withReader(inbox.getRef());
    ConnectionSpec decoded = roundTrip(spec);
    assertEquals(Optional.empty(), decoded.reader());
    assertEquals(new ConnectionSpec(spec.id(), spec.host(), spec.port(), spec.tlsProfile(), Optional.empty(),
        spec.settings(), spec.handler()), decoded);
  }

  @ParameterizedTest
  @ValueSource(strings = {"::1", "2001:db8::1", "fe80::1%eth0", "192.0.2.7", "xn--bcher-kva.example"})
  void hostsRoundTrip(String host) {
    ConnectionSpec spec = ConnectionSpec.of("conn-1", host, 8443);
    assertEquals(spec, roundTrip(spec));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 65535})
  void portsAtTheLimitsRoundTrip(int port) {
    ConnectionSpec spec = ConnectionSpec.of("conn-1", "example.com", port);
    assertEquals(spec, roundTrip(spec));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "-", ".", "A.b_c-9", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._"})
  void idsAtThePatternsLimitsRoundTrip(String id) {
    assertTrue(ConnectionId.problem(id).isEmpty(), "test id must be valid");
    ConnectionSpec spec = ConnectionSpec.of(id, "example.com", 443);
    assertEquals(spec, roundTrip(spec));
  }

  @Test
  void theLongestIdIsSixtyFourCharacters() {
    String id = "x".repeat(64);
    assertEquals(id, roundTrip(ConnectionSpec.of(id, "example.com", 443)).id().value());
    refused(with(validText(), "id", "x".repeat(65)));
  }

  @Test
  void encodingRefusesEffectiveSettingsThatAreNotTheSpecsOwn() {
    ConnectionSpec spec = ConnectionSpec.of("conn-1", "example.com", 443).withSettings(DEFAULTS.withMaxPendingWrites(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConnectionSpecCodec.encode(spec, DEFAULTS));
    assertMentions(e, "conn-1", "effective settings");
  }

  @Test
  void encodingRefusesADurationTooLongForHocon() {
    ConnectionSettings s = DEFAULTS.withCloseTimeout(Duration.ofSeconds(Long.MAX_VALUE));
    ConnectionSpec spec = ConnectionSpec.of("conn-1", "example.com", 443).withSettings(s);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConnectionSpecCodec.encode(spec, s));
    assertMentions(e, "close-timeout", "too long");
  }

  @Test
  void garbageIsRefused() {
    assertMentions(refused("{{{ not : hocon"), "does not parse");
    assertMentions(refused(null), "no text");
  }

  @Test
  void textWithoutAFormatIsRefused() {
    assertMentions(refused(""), "format");
    assertMentions(refused("id = x"), "format");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2})
  void anotherFormatIsRefused(int format) {
    assertMentions(refused(with(validText(), "format", format)), "unsupported format " + format, "expected 1");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 65536})
  void aPortOutOfRangeIsRefused(int port) {
    assertMentions(refused(with(validText(), "port", port)), "conn-1", "port must be between 1 and 65535, was " + port);
  }

  @Test
  void anUnknownCloseModeIsRefused() {
    assertMentions(refused(with(validText(), "settings.close-mode", "linger")), "unknown close mode 'linger'", "graceful");
  }

  @Test
  void anInvalidIdIsRefused() {
    assertMentions(refused(with(validText(), "id", "has space")), "must match", "has space");
  }

  @Test
  void aMissingSettingsKeyIsRefused() {
    assertMentions(refused(without(validText(), "settings.reconnect.max-backoff")), "conn-1", "max-backoff");
  }

  @Test
  void settingsThatConfigurationWouldRejectAreRefused() {
    assertMentions(refused(with(validText(), "settings.reconnect.random-factor", 11)), "random-factor");
    assertMentions(refused(with(validText(), "settings.connect-timeout", "0ms")), "connect-timeout must be > 0");
    assertMentions(refused(with(validText(), "settings.max-pending-writes", "many")), "max-pending-writes");
  }

  @Test
  void pingBytesThatAreMissingEmptyOrNotBase64AreRefused() {
    assertMentions(refused(without(validText(), "settings.keepalive.ping-base64")), "ping-base64");
    assertMentions(refused(with(validText(), "settings.keepalive.ping-base64", "")), "ping must not be empty");
    assertMentions(refused(with(validText(), "settings.keepalive.ping-base64", "not base64!")), "ping-base64 is not base64");
  }
}
