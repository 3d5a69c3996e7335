package dev.tether.connection.internal.tls;

import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: finds where the complete TLS records end in what TCP has delivered so far, from
 * the 5-byte header of each record (RFC 8446 §5.1: type, version, 2-byte length). The stage hands
 * the engine only complete records, so that it pulls more bytes from TCP exactly when a record is
 * still incomplete, and never copies a partial record into a buffer just to hear "underflow".
 */
final class CipherRecords {
  private CipherRecords() {}

  static final int HEADER_LENGTH = 5;
  /** The longest record payload TLS 1.2 allows (2^14 + 2048, RFC 5246 §6.2.3); TLS 1.3 allows less. */
  static final int MAX_PAYLOAD = 16384 + 2048;

  /**
   * The length of the complete records at the start of {@code bytes}: whole records only, and no
   * more than {@code limit} bytes unless the first record alone is longer. Bytes that do not start
   * with a plausible record header (not TLS at all, an SSLv2 hello, a corrupted stream) are all
   * handed over (up to {@code limit}): the engine then says what is wrong with them, as it would
   * under Pekko's stage.
   *
   * @return 0 when not even one record is complete
   */
  static int readyLength(ByteString bytes, int limit) {
    int size = bytes.size();
    int end = 0;
    while (size - end >= HEADER_LENGTH) {
      if (!plausibleHeader(bytes, end)) return end > 0 ? end : Math.min(size, limit);
      int next = end + HEADER_LENGTH + payloadLength(bytes, end);
      if (next > size || (next > limit && end > 0)) break;
      end = next;
    }
    return end;
  }

  private static boolean plausibleHeader(ByteString bytes, int at) {
    int type = bytes.apply(at) & 0xff;
    int major = bytes.apply(at + 1) & 0xff;
    return type >= 20 && type <= 24 && major == 3 && payloadLength(bytes, at) <= MAX_PAYLOAD;
  }

  private static int payloadLength(ByteString bytes, int at) {
    return (bytes.apply(at + 3) & 0xff) << 8 | (bytes.apply(at + 4) & 0xff);
  }
}
