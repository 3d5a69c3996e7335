package dev.tether.connection.internal.wire;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: recognises a plaintext HTTP request sent to a TLS port (someone typed {@code
 * http://} for an {@code https://} service) from its first bytes, and holds the answer nginx gives
 * in that case: a 400 that says so, instead of the handshake failure a browser would show as
 * "connection reset".
 */
public final class PlaintextHttp {
  private PlaintextHttp() {}

  /** Request methods (RFC 9110 §9 and PATCH), and PRI, the start of the HTTP/2 prior-knowledge preface. */
  static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE", "PRI");
  /** The longest method token and its space: more bytes than this decide for or against HTTP. */
  public static final int LONGEST_TOKEN = "OPTIONS ".length();
  /** How much of the request target a finding keeps. */
  public static final int MAX_PATH = 100;

  static final String BODY = "This port speaks TLS: the plain HTTP request was sent to a TLS port. Use https://.\n";
  private static final ByteString BAD_REQUEST = response();

  /** The start of a plaintext request: its method and (at most {@value #MAX_PATH} characters of) its target. */
  public record Request(String method, String path) {}

  /** The method and target of the HTTP request that {@code first} starts with; empty if it is not one. */
  public static Optional<Request> parse(ByteString first) {
    String method = method(first);
    if (method == null) return Optional.empty();
    StringBuilder path = new StringBuilder();
    boolean cut = false;
    for (int i = method.length() + 1; i < first.size(); i++) {
      int c = first.apply(i) & 0xff;
      if (c == ' ' || c == '\r' || c == '\n') break;
      String shown = c >= 0x21 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c);
      if (path.length() + shown.length() > MAX_PATH) {
        cut = true;
        break;
      }
      path.append(shown);
    }
    if (cut) path.append("...");
    return Optional.of(new Request(method, path.toString()));
  }

  /**
   * Whether {@code first} holds enough of the request line for {@link #parse}: the end of the
   * target (a space or line end) or {@value #MAX_PATH} bytes of it. A client may send the line in
   * pieces; the finding waits for the rest.
   */
  public static boolean targetComplete(ByteString first) {
    String method = method(first);
    if (method == null) return false;
    int start = method.length() + 1;
    for (int i = start; i < first.size() && i < start + MAX_PATH; i++) {
      int c = first.apply(i) & 0xff;
      if (c == ' ' || c == '\r' || c == '\n') return true;
    }
    return first.size() >= start + MAX_PATH;
  }

  /**
   * Whether more bytes could still make {@code first} a request line: it is a proper prefix of one
   * of the method tokens followed by a space, e.g. "GE" or "OPTIONS".
   */
  public static boolean couldStartRequest(ByteString first) {
    if (first.isEmpty() || first.size() >= LONGEST_TOKEN) return false;
    for (String m : METHODS) {
      if (first.size() <= m.length() && startsWith(m, first)) return true;
    }
    return false;
  }

  /** The complete answer to a plaintext request: {@code 400 Bad Request}, text body, {@code Connection: close}. */
  public static ByteString badRequestResponse() {
    return BAD_REQUEST;
  }

  /** The method token, if {@code first} starts with one of {@link #METHODS} and a space. */
  private static String method(ByteString first) {
    for (String m : METHODS) {
      if (first.size() > m.length() && (first.apply(m.length()) & 0xff) == ' ' && startsWith(m, first)) return m;
    }
    return null;
  }

  /** Whether the first {@code min(token, bytes)} characters agree. */
  private static boolean startsWith(String token, ByteString bytes) {
    int n = Math.min(token.length(), bytes.size());
    for (int i = 0; i < n; i++) {
      if ((bytes.apply(i) & 0xff) != token.charAt(i)) return false;
    }
    return true;
  }

  private static ByteString response() {
    byte[] body = BODY.getBytes(StandardCharsets.US_ASCII);
    String head = "HTTP/1.1 400 Bad Request\r\n"
        + "Content-Type: text/plain\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "Connection: close\r\n"
        + "\r\n";
    return ByteString.fromString(head, StandardCharsets.US_ASCII).concat(ByteString.fromArray(body)).compact();
  }
}
