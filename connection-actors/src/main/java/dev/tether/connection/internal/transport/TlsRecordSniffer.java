package dev.tether.connection.internal.transport;

import java.util.function.Consumer;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: looks at the first bytes the peer sends, below the TLS stage. A TLS record starts
 * with a content type (20 to 24) and the major version 3; anything else means the peer is not
 * speaking TLS: a plaintext service, or the wrong port. OpenSSL reports this as "wrong version
 * number", the JDK as "Unrecognized SSL message" or not at all (it may wait for a record length
 * read from plaintext). One instance per stream materialization.
 */
public final class TlsRecordSniffer implements Function<ByteString, ByteString> {
  private static final int SAMPLE = 48;
  private final Consumer<ByteString> onNotTls;
  private boolean checked;

  TlsRecordSniffer(Consumer<ByteString> onNotTls) {
    this.onNotTls = onNotTls;
  }

  @Override
  public ByteString apply(ByteString chunk) {
    if (!checked && !chunk.isEmpty()) {
      checked = true;
      if (!looksLikeTls(chunk)) onNotTls.accept(chunk.take(SAMPLE).compact());
    }
    return chunk;
  }

  static boolean looksLikeTls(ByteString b) {
    int type = b.apply(0) & 0xff;
    if (type < 20 || type > 24) return false;
    return b.size() < 2 || (b.apply(1) & 0xff) == 3;
  }

  /** What to tell an operator about a peer that answered with these bytes. */
  public static String describe(ByteString first) {
    StringBuilder text = new StringBuilder();
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < first.size(); i++) {
      int c = first.apply(i) & 0xff;
      text.append(c >= 32 && c < 127 ? (char) c : '.');
      if (i < 8) hex.append(String.format("%02x ", c));
    }
    return "the peer is not speaking TLS on this port (plaintext service, or wrong port; OpenSSL calls this "
        + "\"wrong version number\"): its first bytes were \"" + text + "\" (" + hex.toString().trim() + ")";
  }
}
