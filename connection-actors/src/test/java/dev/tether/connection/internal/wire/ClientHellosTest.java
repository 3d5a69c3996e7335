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
import org.junit.jupiter.api.Test;

/**
 * {@link ClientHellos}: which versions a client offers. The ClientHellos below are written by hand,
 * byte by byte; ClientHellosIT captures real ones from {@code openssl s_client}.
 */
public class ClientHellosTest {

  private static byte[] concat(int[]... parts) {
    int n = 0;
    for (int[] p : parts) n += p.length;
    byte[] out = new byte[n];
    int i = 0;
    for (int[] p : parts) {
      for (int v : p) out[i++] = (byte) v;
    }
    return out;
  }

  private static int[] range(int from, int count) {
    int[] r = new int[count];
    for (int i = 0; i < count; i++) r[i] = from + i;
    return r;
  }

  /** A TLS 1.3 ClientHello in one record: 71 bytes, offering 1.3 and 1.2 (and a GREASE value) in supported_versions. */
  public static final byte[] TLS13_HELLO = concat(
      new int[] {0x16, 0x03, 0x01, 0x00, 0x42}, // record: handshake, version 0x0301 (TLS 1.3 clients write 1.0 here), 66 bytes
      new int[] {0x01, 0x00, 0x00, 0x3e}, //       handshake: client_hello (1), 62 bytes
      new int[] {0x03, 0x03}, //                   legacy_version 0x0303
      range(0x00, 32), //                          random: 00 01 .. 1f
      new int[] {0x00}, //                         legacy_session_id: empty
      new int[] {0x00, 0x04, 0x13, 0x01, 0x13, 0x02}, // cipher_suites: 4 bytes, TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384
      new int[] {0x01, 0x00}, //                   legacy_compression_methods: 1 byte, null
      new int[] {0x00, 0x11}, //                   extensions: 17 bytes
      new int[] {0x00, 0x0b, 0x00, 0x02, 0x01, 0x00}, // ec_point_formats (11), 2 bytes: 1 format, uncompressed (skipped)
      new int[] {0x00, 0x2b, 0x00, 0x07}, //       supported_versions (43), 7 bytes:
      new int[] {0x06, 0x7a, 0x7a, 0x03, 0x04, 0x03, 0x03}); // list of 6 bytes: GREASE 0x7a7a, TLS 1.3, TLS 1.2

  /** A TLS 1.1 ClientHello without extensions: 50 bytes, legacy_version 0x0302. */
  public static final byte[] TLS11_HELLO = concat(
      new int[] {0x16, 0x03, 0x01, 0x00, 0x2d}, // record: handshake, version 0x0301, 45 bytes
      new int[] {0x01, 0x00, 0x00, 0x29}, //       handshake: client_hello (1), 41 bytes
      new int[] {0x03, 0x02}, //                   legacy_version 0x0302 (TLS 1.1)
      range(0x20, 32), //                          random: 20 21 .. 3f
      new int[] {0x00}, //                         legacy_session_id: empty
      new int[] {0x00, 0x02, 0x00, 0x2f}, //       cipher_suites: 2 bytes, TLS_RSA_WITH_AES_128_CBC_SHA
      new int[] {0x01, 0x00}); //                  legacy_compression_methods: 1 byte, null; no extensions

  /** {@link #TLS13_HELLO}'s handshake message in two records: its first 10 bytes, then the other 56. */
  public static final byte[] TLS13_HELLO_FRAGMENTED = fragmented(TLS13_HELLO, 10);

  private static byte[] fragmented(byte[] hello, int firstPart) {
    int message = hello.length - 5;
    int secondPart = message - firstPart;
    byte[] out = new byte[hello.length + 5];
    System.arraycopy(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) firstPart}, 0, out, 0, 5);
    System.arraycopy(hello, 5, out, 5, firstPart);
    System.arraycopy(new byte[] {0x16, 0x03, 0x01, (byte) (secondPart >> 8), (byte) secondPart}, 0, out, 5 + firstPart, 5);
    System.arraycopy(hello, 5 + firstPart, out, 10 + firstPart, secondPart);
    return out;
  }

  private static List<String> offered(byte[] hello) {
    return ClientHellos.parse(ByteString.fromArray(hello)).orElseThrow().offeredVersions();
  }

  @Test
  void supportedVersionsListsTheOfferInTheClientsOrderWithoutGrease() {
    ClientHellos.Hello h = ClientHellos.parse(ByteString.fromArray(TLS13_HELLO)).orElseThrow();
    assertEquals(0x0303, h.legacyVersion());
    assertEquals(Optional.of(List.of(0x7a7a, 0x0304, 0x0303)), h.supportedVersions());
    assertEquals(List.of("TLSv1.3", "TLSv1.2"), h.offeredVersions());
  }

  @Test
  void withoutSupportedVersionsEveryVersionUpToLegacyVersionIsOffered() {
    assertEquals(List.of("TLSv1.1", "TLSv1"), offered(TLS11_HELLO));
    assertEquals(List.of("SSLv3"), new ClientHellos.Hello(0x0300, Optional.empty()).offeredVersions());
    assertEquals(List.of("TLSv1.2", "TLSv1.1", "TLSv1"), new ClientHellos.Hello(0x0303, Optional.empty()).offeredVersions());
  }

  @Test
  void versionNamesAreTheJdksAndUnknownOnesAreHex() {
    assertEquals(List.of("SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3", "0x7f1c"),
        new ClientHellos.Hello(0x0303, Optional.of(List.of(0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x7f1c, 0xdada)))
            .offeredVersions());
    assertTrue(ClientHellos.isGrease(0x0a0a));
    assertTrue(ClientHellos.isGrease(0xfafa));
    assertFalse(ClientHellos.isGrease(0x0a1a));
    assertFalse(ClientHellos.isGrease(0x0303));
  }

  @Test
  void everyPrefixIsIncompleteAndExtraBytesDoNotMatter() {
    for (int n = 0; n < TLS13_HELLO.length; n++) {
      ByteString prefix = ByteString.fromArray(TLS13_HELLO).take(n);
      assertEquals(Optional.empty(), ClientHellos.parse(prefix), "prefix of " + n);
      assertTrue(ClientHellos.incomplete(prefix), "prefix of " + n);
    }
    ByteString more = ByteString.fromArray(TLS13_HELLO).concat(ByteString.fromArray(new byte[] {0x14, 0x03, 0x03, 0x00, 0x01, 0x01}));
    assertEquals(List.of("TLSv1.3", "TLSv1.2"), ClientHellos.parse(more).orElseThrow().offeredVersions());
    assertFalse(ClientHellos.incomplete(more));
  }

  @Test
  void aClientHelloSpreadOverTwoRecordsIsPutTogether() {
    assertEquals(List.of("TLSv1.3", "TLSv1.2"), offered(TLS13_HELLO_FRAGMENTED));
    ByteString cut = ByteString.fromArray(TLS13_HELLO_FRAGMENTED).take(20);
    assertTrue(ClientHellos.incomplete(cut), "the second record has not arrived");
  }

  @Test
  void whatIsNoClientHelloIsNeitherParsedNorIncomplete() {
    ByteString http = ByteString.fromString("GET / HTTP/1.1\r\n");
    assertEquals(Optional.empty(), ClientHellos.parse(http));
    assertFalse(ClientHellos.incomplete(http));
    // a handshake record whose message is a ServerHello (2), not a ClientHello (1)
    byte[] serverHello = TLS13_HELLO.clone();
    serverHello[5] = 0x02;
    assertFalse(ClientHellos.incomplete(ByteString.fromArray(serverHello)));
    // an alert record first
    assertFalse(ClientHellos.incomplete(ByteString.fromArray(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28})));
    // the message says 62 bytes, but supported_versions claims more than there is
    byte[] broken = TLS13_HELLO.clone();
    broken[broken.length - 7] = 0x08;
    assertEquals(Optional.empty(), ClientHellos.parse(ByteString.fromArray(broken)));
  }

  @Test
  void aRefusalIsDescribedOnlyWhenNoVersionIsInCommon() {
    assertEquals(Optional.of("the client offered only TLSv1.1, TLSv1 and this listener accepts TLSv1.3, TLSv1.2"),
        ClientHellos.describeRefusal(List.of("TLSv1.1", "TLSv1"), List.of("TLSv1.3", "TLSv1.2")));
    assertEquals(Optional.empty(),
        ClientHellos.describeRefusal(List.of("TLSv1.3", "TLSv1.2"), List.of("TLSv1.2")));
    assertEquals(Optional.empty(), ClientHellos.describeRefusal(List.of(), List.of("TLSv1.3")), "nothing known");
    assertEquals(Optional.empty(), ClientHellos.describeRefusal(List.of("TLSv1"), List.of()), "JDK defaults");
  }
}
