package dev.tether.connection.internal.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: reads which TLS versions a client offers from its ClientHello, as it arrives on the
 * wire (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2). When a handshake fails with "protocol_version" or "No
 * appropriate protocol", the JDK does not say what the client wanted; this does. Only the fields
 * needed for that are decoded: {@code legacy_version} and the {@code supported_versions} extension.
 */
public final class ClientHellos {
  private ClientHellos() {}

  /** The extension type of {@code supported_versions} (RFC 8446 §4.2.1). */
  static final int SUPPORTED_VERSIONS = 43;
  private static final int CLIENT_HELLO = 1;

  /**
   * The decoded part of a ClientHello.
   *
   * @param legacyVersion {@code legacy_version}, e.g. {@code 0x0303}; the highest version offered
   *     when there is no {@code supported_versions} extension
   * @param supportedVersions the {@code supported_versions} extension's list, in the client's
   *     order of preference, GREASE values included; empty when the extension is absent
   */
  public record Hello(int legacyVersion, Optional<List<Integer>> supportedVersions) {
    public Hello {
      supportedVersions = supportedVersions.map(List::copyOf);
    }

    /**
     * The versions the client offers, as JDK protocol names, highest first as the client lists them,
     * e.g. ["TLSv1.3", "TLSv1.2"]. Without {@code supported_versions}: every version from TLSv1 up
     * to {@code legacy_version}.
     */
    public List<String> offeredVersions() {
      List<String> names = new ArrayList<>();
      if (supportedVersions.isPresent()) {
        for (int v : supportedVersions.get()) {
          if (!isGrease(v)) names.add(versionName(v));
        }
      } else if (legacyVersion == 0x0300 || (legacyVersion >>> 8) != 3) {
        names.add(versionName(legacyVersion));
      } else {
        for (int v = Math.min(legacyVersion, 0x0304); v >= 0x0301; v--) names.add(versionName(v));
      }
      return List.copyOf(names);
    }
  }

  /**
   * Parses the ClientHello at the start of {@code bytes}, which begin with the first TLS record and
   * may be a prefix of what the client sends; the message may span several handshake records.
   * Empty when the bytes are not a ClientHello or not all of it has arrived yet (see {@link
   * #incomplete}).
   */
  public static Optional<Hello> parse(ByteString bytes) {
    Reassembly r = reassemble(bytes);
    if (r.state != State.COMPLETE) return Optional.empty();
    return parseBody(r.message.drop(4));
  }

  /** Whether {@code bytes} are the start of a ClientHello whose rest has not arrived yet. */
  public static boolean incomplete(ByteString bytes) {
    return reassemble(bytes).state == State.INCOMPLETE;
  }

  /**
   * Why a handshake with a client that offered {@code offered} cannot agree on a version, when none
   * of them is in {@code accepted} (the listener's enabled protocols): e.g. "the client offered
   * only TLSv1.1, TLSv1 and this listener accepts TLSv1.3, TLSv1.2". Empty when they overlap or
   * either list is unknown (empty).
   */
  public static Optional<String> describeRefusal(List<String> offered, List<String> accepted) {
    if (offered.isEmpty() || accepted.isEmpty()) return Optional.empty();
    for (String v : offered) {
      if (accepted.contains(v)) return Optional.empty();
    }
    return Optional.of("the client offered only " + String.join(", ", offered) + " and this listener accepts "
        + String.join(", ", accepted));
  }

  /** The JDK's protocol name of a TLS version, e.g. "TLSv1.2" for {@code 0x0303}; hex when unknown. */
  static String versionName(int version) {
    return switch (version) {
      case 0x0300 -> "SSLv3";
      case 0x0301 -> "TLSv1";
      case 0x0302 -> "TLSv1.1";
      case 0x0303 -> "TLSv1.2";
      case 0x0304 -> "TLSv1.3";
      default -> String.format("0x%04x", version);
    };
  }

  /** GREASE values (RFC 8701) are {@code 0x?a?a} with both bytes equal; clients send them to keep servers honest. */
  static boolean isGrease(int value) {
    return (value & 0x0f0f) == 0x0a0a && (value >>> 8) == (value & 0xff);
  }

  private enum State { COMPLETE, INCOMPLETE, NOT_A_CLIENT_HELLO }

  /** The handshake message (header included) put together from the payloads of the leading handshake records. */
  private record Reassembly(State state, ByteString message) {}

  private static Reassembly reassemble(ByteString bytes) {
    ByteString message = ByteString.emptyByteString();
    int offset = 0;
    while (true) {
      if (bytes.size() - offset < RecordHeaders.HEADER_LENGTH) return partial(message);
      RecordHeaders.RecordHeader h = RecordHeaders.decode(bytes, offset);
      if (h.contentType() != RecordHeaders.HANDSHAKE || (h.version() >>> 8) != 3 || h.length() == 0
          || h.length() > RecordHeaders.MAX_PLAINTEXT) {
        return new Reassembly(State.NOT_A_CLIENT_HELLO, message);
      }
      int start = offset + RecordHeaders.HEADER_LENGTH;
      int available = Math.min(h.length(), bytes.size() - start);
      message = message.concat(bytes.slice(start, start + available));
      if (message.size() >= 1 && (message.apply(0) & 0xff) != CLIENT_HELLO) {
        return new Reassembly(State.NOT_A_CLIENT_HELLO, message);
      }
      if (message.size() >= 4 && message.size() >= 4 + uint24(message, 1)) {
        return new Reassembly(State.COMPLETE, message.take(4 + uint24(message, 1)));
      }
      if (available < h.length()) return partial(message);
      offset = start + h.length();
    }
  }

  private static Reassembly partial(ByteString message) {
    return new Reassembly(State.INCOMPLETE, message);
  }

  /** Parses the ClientHello's body: version, random, session id, suites, compression, extensions. */
  private static Optional<Hello> parseBody(ByteString body) {
    Cursor c = new Cursor(body);
    int legacyVersion = c.uint16();
    c.skip(32); // random
    c.skip(c.uint8()); // legacy_session_id
    c.skip(c.uint16()); // cipher_suites
    c.skip(c.uint8()); // legacy_compression_methods
    if (c.failed) return Optional.empty();
    if (c.remaining() == 0) return Optional.of(new Hello(legacyVersion, Optional.empty())); // no extensions (SSL 3.0 style)
    int extensionsLength = c.uint16();
    int extensionsEnd = c.position + extensionsLength;
    while (!c.failed && c.position + 4 <= extensionsEnd) {
      int type = c.uint16();
      int length = c.uint16();
      if (type != SUPPORTED_VERSIONS) {
        c.skip(length);
        continue;
      }
      int listLength = c.uint8();
      int listEnd = c.position + listLength;
      List<Integer> versions = new ArrayList<>();
      while (!c.failed && c.position + 2 <= listEnd) versions.add(c.uint16());
      if (c.failed || c.position != listEnd) return Optional.empty();
      return Optional.of(new Hello(legacyVersion, Optional.of(versions)));
    }
    if (c.failed) return Optional.empty();
    return Optional.of(new Hello(legacyVersion, Optional.empty()));
  }

  private static int uint24(ByteString b, int at) {
    return (b.apply(at) & 0xff) << 16 | (b.apply(at + 1) & 0xff) << 8 | (b.apply(at + 2) & 0xff);
  }

  /** Reads big-endian integers; past the end it sets {@code failed} and returns 0 instead of throwing. */
  private static final class Cursor {
    private final ByteString bytes;
    private int position;
    private boolean failed;

    Cursor(ByteString bytes) {
      this.bytes = bytes.compact();
    }

    int remaining() {
      return bytes.size() - position;
    }

    int uint8() {
      if (failed || remaining() < 1) return fail();
      return bytes.apply(position++) & 0xff;
    }

    int uint16() {
      if (failed || remaining() < 2) return fail();
      int v = (bytes.apply(position) & 0xff) << 8 | (bytes.apply(position + 1) & 0xff);
      position += 2;
      return v;
    }

    void skip(int n) {
      if (failed || remaining() < n) {
        fail();
      } else {
        position += n;
      }
    }

    private int fail() {
      failed = true;
      return 0;
    }
  }
}
