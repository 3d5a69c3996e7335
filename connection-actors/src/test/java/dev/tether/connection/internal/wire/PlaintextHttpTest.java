package dev.tether.connection.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.connection.internal.wire.PlaintextHttp.Request;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/** {@link PlaintextHttp}: recognising a plaintext request line, and the 400 it gets. */
class PlaintextHttpTest {

  private static ByteString bytes(String s) {
    return ByteString.fromString(s, StandardCharsets.ISO_8859_1);
  }

  @Test
  void everyKnownMethodIsRecognised() {
    for (String m : PlaintextHttp.METHODS) {
      assertEquals(Optional.of(new Request(m, "/x")), PlaintextHttp.parse(bytes(m + " /x HTTP/1.1\r\n")), m);
    }
    assertEquals(Optional.of(new Request("PRI", "*")), PlaintextHttp.parse(bytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")),
        "the HTTP/2 prior-knowledge preface");
    assertEquals(Optional.of(new Request("CONNECT", "example.com:443")),
        PlaintextHttp.parse(bytes("CONNECT example.com:443 HTTP/1.1\r\n")));
  }

  @Test
  void theTargetEndsAtASpaceOrLineEndOrWhereTheBytesEnd() {
    assertEquals("/a?b=c", PlaintextHttp.parse(bytes("GET /a?b=c HTTP/1.1\r\n")).orElseThrow().path());
    assertEquals("/", PlaintextHttp.parse(bytes("GET /\r\n")).orElseThrow().path(), "HTTP/0.9 style");
    assertEquals("/hel", PlaintextHttp.parse(bytes("GET /hel")).orElseThrow().path(), "what arrived so far");
    assertEquals("", PlaintextHttp.parse(bytes("GET ")).orElseThrow().path());
  }

  @Test
  void notARequest() {
    assertEquals(Optional.empty(), PlaintextHttp.parse(bytes("get / HTTP/1.1\r\n")), "methods are case-sensitive");
    assertEquals(Optional.empty(), PlaintextHttp.parse(bytes("GETX / HTTP/1.1\r\n")));
    assertEquals(Optional.empty(), PlaintextHttp.parse(bytes("GET")), "no space yet");
    assertEquals(Optional.empty(), PlaintextHttp.parse(bytes("SSH-2.0-OpenSSH_9.2\r\n")));
    assertEquals(Optional.empty(), PlaintextHttp.parse(ByteString.fromArray(new byte[] {0x16, 0x03, 0x01, 0x00, 0x10})));
    assertEquals(Optional.empty(), PlaintextHttp.parse(ByteString.emptyByteString()));
  }

  @Test
  void theTargetIsCutTo100CharactersAndNonPrintablesAreEscaped() {
    String longPath = "/" + "a".repeat(150);
    assertEquals("/" + "a".repeat(99) + "...", PlaintextHttp.parse(bytes("GET " + longPath + " HTTP/1.1")).orElseThrow().path());
    assertEquals("/a\\x00b\\x1b[31m\\xff",
        PlaintextHttp.parse(bytes("GET /a\u0000b\u001b[31m\u00ff HTTP/1.1")).orElseThrow().path());
  }

  @Test
  void targetCompleteOnceItsEndOrEnoughOfItArrived() {
    assertFalse(PlaintextHttp.targetComplete(bytes("GET /hel")));
    assertTrue(PlaintextHttp.targetComplete(bytes("GET /hello ")));
    assertTrue(PlaintextHttp.targetComplete(bytes("GET /hello\r")));
    assertTrue(PlaintextHttp.targetComplete(bytes("GET /" + "a".repeat(99))), "100 bytes are all a finding keeps");
    assertFalse(PlaintextHttp.targetComplete(bytes("GEX /hello ")));
  }

  @Test
  void prefixesOfAMethodTokenMayStillBecomeARequest() {
    assertTrue(PlaintextHttp.couldStartRequest(bytes("G")));
    assertTrue(PlaintextHttp.couldStartRequest(bytes("GET")));
    assertTrue(PlaintextHttp.couldStartRequest(bytes("OPTIONS")));
    assertTrue(PlaintextHttp.couldStartRequest(bytes("P")), "POST, PUT, PATCH, PRI");
    assertFalse(PlaintextHttp.couldStartRequest(bytes("GEX")));
    assertFalse(PlaintextHttp.couldStartRequest(bytes("GET /")), "already decided: parse recognises it");
    assertFalse(PlaintextHttp.couldStartRequest(bytes("S")));
    assertFalse(PlaintextHttp.couldStartRequest(ByteString.emptyByteString()));
  }

  @Test
  void theAnswerIsACompleteHttp400ThatClosesTheConnection() {
    String response = PlaintextHttp.badRequestResponse().decodeString(StandardCharsets.US_ASCII);
    int split = response.indexOf("\r\n\r\n");
    String head = response.substring(0, split);
    String body = response.substring(split + 4);
    assertEquals("This port speaks TLS: the plain HTTP request was sent to a TLS port. Use https://.\n", body);
    assertEquals("HTTP/1.1 400 Bad Request\r\n"
        + "Content-Type: text/plain\r\n"
        + "Content-Length: " + body.length() + "\r\n"
        + "Connection: close", head);
  }
}
