package dev.tether.connection.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.connection.internal.wire.RecordHeaders.RecordHeader;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLProtocolException;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/** {@link RecordHeaders}: decoding a record header, and what an operator is told about an unexpected record. */
class RecordHeadersTest {
  private static final SSLException UNEXPECTED_HANDSHAKE = new SSLProtocolException("Unexpected handshake message");

  private static ByteString bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
    return ByteString.fromArray(b);
  }

  @Test
  void decodesTypeVersionAndLength() {
    // 0x16 handshake, 0x0303 TLS 1.2, 0x0205 = 517 bytes; preceded by one byte that is not part of it
    RecordHeader h = RecordHeaders.decode(bytes(0xff, 0x16, 0x03, 0x03, 0x02, 0x05), 1);
    assertEquals(new RecordHeader(22, 0x0303, 517), h);
    assertEquals("handshake record (type 22), version TLS 1.2 (0x0303), 517 bytes", RecordHeaders.describe(h));
    assertTrue(h.plausible());
  }

  @Test
  void namesEveryTypeAndVersion() {
    assertEquals("change_cipher_spec", RecordHeaders.typeName(20));
    assertEquals("alert", RecordHeaders.typeName(21));
    assertEquals("handshake", RecordHeaders.typeName(22));
    assertEquals("application_data", RecordHeaders.typeName(23));
    assertEquals("heartbeat", RecordHeaders.typeName(24));
    assertEquals("unknown", RecordHeaders.typeName(71));
    assertEquals("SSL 3.0", RecordHeaders.versionName(0x0300));
    assertEquals("TLS 1.0", RecordHeaders.versionName(0x0301));
    assertEquals("TLS 1.1", RecordHeaders.versionName(0x0302));
    assertEquals("TLS 1.2", RecordHeaders.versionName(0x0303));
    assertEquals("TLS 1.3", RecordHeaders.versionName(0x0304));
    assertEquals("not a TLS version", RecordHeaders.versionName(0x4554));
  }

  @Test
  void plaintextDecodedAsAHeaderIsNotPlausible() {
    RecordHeader get = RecordHeaders.decode(ByteString.fromString("GET / HTTP/1.1"), 0);
    assertEquals(new RecordHeader('G', 0x4554, 0x202f), get);
    assertFalse(get.plausible());
    assertEquals("unknown record (type 71), version not a TLS version (0x4554), 8239 bytes", RecordHeaders.describe(get));
    assertFalse(new RecordHeader(23, 0x0303, RecordHeaders.MAX_CIPHERTEXT + 1).plausible(), "too long");
  }

  @Test
  void aHandshakeRecordAfterATls13HandshakeIsANewHandshake() {
    String d = RecordHeaders.describeUnexpected(new RecordHeader(22, 0x0303, 517), "TLSv1.3", UNEXPECTED_HANDSHAKE);
    assertEquals("unexpected record from the client: the client sent a handshake record (type 22, TLS 1.2 header,"
        + " 517 bytes) after the TLSv1.3 handshake had finished; it most likely reset its TLS state and started a"
        + " new handshake on the same connection (TLS 1.3 allows no renegotiation); the JDK said: Unexpected"
        + " handshake message", d);
  }

  @Test
  void aHandshakeRecordAfterATls12HandshakeIsARenegotiationOrAReset() {
    String d = RecordHeaders.describeUnexpected(new RecordHeader(22, 0x0303, 517), "TLSv1.2",
        new SSLException("bad_record_mac"));
    assertTrue(d.contains("a handshake record (type 22, TLS 1.2 header, 517 bytes) after the TLSv1.2 handshake"), d);
    assertTrue(d.contains("renegotiation"), d);
    assertTrue(d.endsWith("the JDK said: bad_record_mac"), d);
  }

  @Test
  void tooLongApplicationDataIsNoTlsRecord() {
    String d = RecordHeaders.describeUnexpected(new RecordHeader(23, 0x0303, 16384 + 257), "TLSv1.3",
        new SSLException("Invalid TLSCiphertext length"));
    assertTrue(d.contains("not a TLS record: the client sent an application_data record (type 23, TLS 1.2 header,"
        + " 16641 bytes) after the TLSv1.3 handshake had finished, longer than TLSv1.3 allows (16640)"), d);
    assertTrue(d.contains("the stream is out of sync / the client writes plaintext"), d);
    assertTrue(d.endsWith("Invalid TLSCiphertext length"), d);
    assertFalse(RecordHeaders.describeUnexpected(new RecordHeader(23, 0x0303, 16384 + 257), "TLSv1.2", null)
        .contains("not a TLS record"), "TLS 1.2 allows 2048 bytes of expansion");
  }

  @Test
  void anUnknownTypeIsNotTls() {
    String d = RecordHeaders.describeUnexpected(new RecordHeader('G', 0x4554, 0x202f), "TLSv1.3",
        new SSLException("Unsupported or unrecognized SSL message"));
    assertTrue(d.contains("not TLS: the client sent bytes that are no TLS record (type 71, version 0x4554)"), d);
    assertTrue(d.contains("writes plaintext on the TLS connection"), d);
    assertTrue(d.endsWith("Unsupported or unrecognized SSL message"), d);
  }

  @Test
  void otherTypesGetTheirOwnCause() {
    assertTrue(RecordHeaders.describeUnexpected(new RecordHeader(20, 0x0303, 1), "TLSv1.3", UNEXPECTED_HANDSHAKE)
        .contains("a change_cipher_spec record (type 20, TLS 1.2 header, 1 bytes) after the TLSv1.3 handshake had"
            + " finished; TLS 1.3 accepts change_cipher_spec only during the handshake"));
    assertTrue(RecordHeaders.describeUnexpected(new RecordHeader(21, 0x0303, 2), "TLSv1.2", UNEXPECTED_HANDSHAKE)
        .contains("an alert record"));
    assertTrue(RecordHeaders.describeUnexpected(new RecordHeader(24, 0x0303, 20), "TLSv1.2", UNEXPECTED_HANDSHAKE)
        .contains("heartbeat extension"));
    assertTrue(RecordHeaders.describeUnexpected(new RecordHeader(23, 0x0303, 100), "TLSv1.3",
        new SSLException("Tag mismatch")).contains("failed to decrypt or verify"));
  }

  @Test
  void withoutARecordItSaysSoAndStillGivesTheJdksMessage() {
    String d = RecordHeaders.describeUnexpected(null, "TLSv1.3", new SSLException("outer", new SSLException("inner")));
    assertTrue(d.contains("no complete TLS record from the client was seen"), d);
    assertTrue(d.endsWith("the JDK said: outer / inner"), d);
  }
}
