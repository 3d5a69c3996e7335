package dev.tether.connection.internal.wire;

import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: decodes the 5-byte header that starts every TLS record (RFC 8446 §5.1): content
 * type (1 byte), record version (2 bytes), payload length (2 bytes). When the TLS stage fails on a
 * record, the JDK says what went wrong ("Unexpected handshake message", "bad_record_mac") but not
 * which record; {@link InboundGuard} keeps the last header it saw so that the explanation can.
 */
public final class RecordHeaders {
  private RecordHeaders() {}

  /** The length of a record header. */
  public static final int HEADER_LENGTH = 5;

  public static final int CHANGE_CIPHER_SPEC = 20;
  static final int ALERT = 21;
  public static final int HANDSHAKE = 22;
  static final int APPLICATION_DATA = 23;
  public static final int HEARTBEAT = 24;

  /** A plaintext fragment is at most 2^14 bytes (RFC 8446 §5.1). */
  static final int MAX_PLAINTEXT = 16384;
  /** TLS 1.3 allows at most 256 bytes of expansion by the cipher (RFC 8446 §5.2). */
  static final int MAX_CIPHERTEXT_TLS13 = MAX_PLAINTEXT + 256;
  /** TLS 1.2 and earlier allow at most 2048 bytes of expansion (RFC 5246 §6.2.3). */
  static final int MAX_CIPHERTEXT = MAX_PLAINTEXT + 2048;

  /**
   * One record header, as read from the wire.
   *
   * @param contentType the first byte, 20 to 24 for TLS
   * @param version the record version, e.g. {@code 0x0303}; TLS 1.3 still writes {@code 0x0303}
   *     (and {@code 0x0301} in its first ClientHello)
   * @param length the payload length that follows the header
   */
  public record RecordHeader(int contentType, int version, int length) {
    /** Whether the content type is one TLS defines (20 to 24). */
    boolean knownType() {
      return contentType >= CHANGE_CIPHER_SPEC && contentType <= HEARTBEAT;
    }

    /** Whether this can be the header of a TLS record at all: known type, major version 3, a possible length. */
    public boolean plausible() {
      return knownType() && (version >>> 8) == 3 && length <= MAX_CIPHERTEXT;
    }

    @Override
    public String toString() {
      return describe(this);
    }
  }

  /** Decodes the header at {@code offset}; the caller makes sure 5 bytes are there. */
  public static RecordHeader decode(ByteString bytes, int offset) {
    return new RecordHeader(
        bytes.apply(offset) & 0xff,
        (bytes.apply(offset + 1) & 0xff) << 8 | (bytes.apply(offset + 2) & 0xff),
        (bytes.apply(offset + 3) & 0xff) << 8 | (bytes.apply(offset + 4) & 0xff));
  }

  /** The content type's name from the RFCs, e.g. "handshake", or "unknown". */
  static String typeName(int contentType) {
    return switch (contentType) {
      case CHANGE_CIPHER_SPEC -> "change_cipher_spec";
      case ALERT -> "alert";
      case HANDSHAKE -> "handshake";
      case APPLICATION_DATA -> "application_data";
      case HEARTBEAT -> "heartbeat";
      default -> "unknown";
    };
  }

  /** A record version's name, e.g. "TLS 1.2" for {@code 0x0303}, or "not a TLS version". */
  static String versionName(int version) {
    return switch (version) {
      case 0x0300 -> "SSL 3.0";
      case 0x0301 -> "TLS 1.0";
      case 0x0302 -> "TLS 1.1";
      case 0x0303 -> "TLS 1.2";
      case 0x0304 -> "TLS 1.3";
      default -> "not a TLS version";
    };
  }

  /** E.g. "handshake record (type 22), version TLS 1.2 (0x0303), 517 bytes". */
  static String describe(RecordHeader h) {
    return typeName(h.contentType()) + " record (type " + h.contentType() + "), version "
        + versionName(h.version()) + " (" + hex(h.version()) + "), " + h.length() + " bytes";
  }

  /**
   * What to say about the record the TLS stage failed on after the handshake had finished: which
   * record it was, what the client most likely did, and the JDK's own message at the end.
   *
   * @param last the last complete record header the client sent, or null if none was seen
   * @param negotiatedProtocol the session's protocol, e.g. "TLSv1.3"
   * @param failure what the TLS stage failed with
   */
  public static String describeUnexpected(RecordHeader last, String negotiatedProtocol, Throwable failure) {
    String jdk = failure == null ? "no exception" : TlsErrors.messages(failure);
    String tail = "; the JDK said: " + jdk;
    String prefix = "unexpected record from the client: ";
    if (last == null) {
      return prefix + "no complete TLS record from the client was seen, so the failure is not about one it sent" + tail;
    }
    boolean tls13 = "TLSv1.3".equals(negotiatedProtocol);
    String after = " after the " + negotiatedProtocol + " handshake had finished";
    String type = typeName(last.contentType());
    String record = (type.startsWith("a") || type.startsWith("u") ? "an " : "a ") + type
        + " record (type " + last.contentType() + ", "
        + (versionName(last.version()).startsWith("not") ? "version " + hex(last.version()) : versionName(last.version()))
        + " header, " + last.length() + " bytes)";
    if (!last.knownType() || (last.version() >>> 8) != 3) {
      return prefix + "not TLS: the client sent bytes that are no TLS record (type " + last.contentType()
          + ", version " + hex(last.version()) + ")" + after
          + "; the stream is out of sync, or the client writes plaintext on the TLS connection" + tail;
    }
    int max = tls13 ? MAX_CIPHERTEXT_TLS13 : MAX_CIPHERTEXT;
    if (last.length() > max) {
      return prefix + "not a TLS record: the client sent " + record + after + ", longer than " + negotiatedProtocol
          + " allows (" + max + "); the stream is out of sync / the client writes plaintext" + tail;
    }
    String cause = switch (last.contentType()) {
      // TLS 1.3 encrypts every post-handshake message under the outer type application_data.
      case HANDSHAKE -> tls13
          ? "; it most likely reset its TLS state and started a new handshake on the same connection"
              + " (TLS 1.3 allows no renegotiation)"
          : "; it either asked for a renegotiation that failed, or reset its TLS state and sent a new plaintext"
              + " ClientHello (which then fails decryption, bad_record_mac)";
      case CHANGE_CIPHER_SPEC -> tls13
          ? "; TLS 1.3 accepts change_cipher_spec only during the handshake (middlebox compatibility), so the"
              + " client most likely started a new handshake on the same connection"
          : "; outside a renegotiation this is out of order: the client most likely reset its TLS state";
      case ALERT -> "; the client reported a problem or closed the session with an alert, see the JDK's message";
      case HEARTBEAT -> "; the JDK does not support the heartbeat extension (RFC 6520)";
      default -> "; the record failed to decrypt or verify: it was corrupted on the way, or the client's keys no"
          + " longer match (for example it reset its TLS state)";
    };
    return prefix + "the client sent " + record + after + cause + tail;
  }

  private static String hex(int version) {
    return String.format("0x%04x", version);
  }
}
