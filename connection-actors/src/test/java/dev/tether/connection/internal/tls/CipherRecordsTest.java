package dev.tether.connection.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/** {@link CipherRecords#readyLength}, case by case, on hand-made record headers. */
class CipherRecordsTest {
  /** A record of type application_data (23), version TLS 1.2, with {@code length} zero bytes of payload. */
  private static ByteString record(int length) {
    byte[] r = new byte[5 + length];
    r[0] = 23;
    r[1] = 3;
    r[2] = 3;
    r[3] = (byte) (length >>> 8);
    r[4] = (byte) length;
    return ByteString.fromArray(r);
  }

  @Test
  void nothingOrAPartialHeaderIsNotReady() {
    assertEquals(0, CipherRecords.readyLength(ByteString.emptyByteString(), 1000));
    assertEquals(0, CipherRecords.readyLength(record(10).take(4), 1000));
  }

  @Test
  void aPartialRecordIsNotReady() {
    assertEquals(0, CipherRecords.readyLength(record(100).take(50), 1000));
  }

  @Test
  void wholeRecordsAreReadyAndAPartialOneAfterThemIsNot() {
    ByteString two = record(10).concat(record(20));
    assertEquals(15 + 25, CipherRecords.readyLength(two, 1000));
    assertEquals(15 + 25, CipherRecords.readyLength(two.concat(record(30).take(7)), 1000));
  }

  @Test
  void recordsSplitAcrossChunksCount() {
    ByteString r = record(100);
    ByteString fragmented = r.take(3).concat(r.drop(3).take(50)).concat(r.drop(53)); // a composite ByteString
    assertEquals(105, CipherRecords.readyLength(fragmented, 1000));
  }

  @Test
  void theLimitStopsAfterWholeRecordsButNeverBeforeTheFirst() {
    ByteString three = record(100).concat(record(100)).concat(record(100));
    assertEquals(210, CipherRecords.readyLength(three, 250));
    assertEquals(105, CipherRecords.readyLength(three, 50));
  }

  @Test
  void bytesThatAreNoTlsRecordAreAllHandedToTheEngine() {
    ByteString http = ByteString.fromString("HTTP/1.1 400 Bad Request\r\n\r\n");
    assertEquals(http.size(), CipherRecords.readyLength(http, 1000));
    assertEquals(10, CipherRecords.readyLength(http, 10));
  }

  @Test
  void wholeRecordsComeBeforeWhatFollowsThemThatIsNoRecord() {
    ByteString mixed = record(10).concat(ByteString.fromString("garbage!"));
    assertEquals(15, CipherRecords.readyLength(mixed, 1000));
    assertEquals(8, CipherRecords.readyLength(mixed.drop(15), 1000));
  }

  @Test
  void aLengthBeyondWhatTlsAllowsIsNoRecord() {
    ByteString huge = record(CipherRecords.MAX_PAYLOAD + 1).take(100);
    assertEquals(100, CipherRecords.readyLength(huge, 1000));
  }
}
