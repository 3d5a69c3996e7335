package dev.tether.connection.internal.transport;

import dev.tether.connection.internal.wire.ClientHellos;
import dev.tether.connection.internal.wire.ClientHellosTest;
import dev.tether.connection.internal.wire.PlaintextHttp;
import dev.tether.connection.internal.wire.RecordHeaders;
import dev.tether.connection.internal.wire.TlsErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tether.connection.internal.wire.RecordHeaders.RecordHeader;
import dev.tether.testing.Processes;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.TLS;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link InboundGuard} in real streams: the TLS side and the TCP side are sources and sinks, the
 * findings are collected from the callback. The last tests put it under a real TLS server stage on
 * a real TCP listener and talk to it with {@code curl} and {@code openssl s_client}.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboundGuardTest {
  private static final long TIMEOUT = 10;
  @JUnit5TestKit final ActorTestKit kit = ActorTestKit.create("InboundGuardTest");

  private Materializer mat() {
    return Materializer.matFromSystem(kit.system());
  }

  private static ByteString bytes(String s) {
    return ByteString.fromString(s, StandardCharsets.ISO_8859_1);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(TIMEOUT, TimeUnit.SECONDS);
  }

  /** A TLS record with a payload of {@code length} bytes counting up from {@code seed}. */
  private static ByteString record(int type, int version, int length, int seed) {
    byte[] b = new byte[5 + length];
    b[0] = (byte) type;
    b[1] = (byte) (version >> 8);
    b[2] = (byte) version;
    b[3] = (byte) (length >> 8);
    b[4] = (byte) length;
    for (int i = 0; i < length; i++) b[5 + i] = (byte) (seed + i);
    return ByteString.fromArray(b);
  }

  /** Cuts {@code all} into chunks of 1, 2, 3, 5, 7, 11, 13 bytes, round and round. */
  private static List<ByteString> oddChunks(ByteString all) {
    int[] sizes = {1, 2, 3, 5, 7, 11, 13};
    List<ByteString> chunks = new ArrayList<>();
    int at = 0;
    for (int i = 0; at < all.size(); i++) {
      int n = Math.min(sizes[i % sizes.length], all.size() - at);
      chunks.add(all.slice(at, at + n));
      at += n;
    }
    return chunks;
  }

  private static ByteString concat(List<ByteString> chunks) {
    ByteString all = ByteString.emptyByteString();
    for (ByteString c : chunks) all = all.concat(c);
    return all;
  }

  /** The guard's four ports, materialized: what the TLS stage and TCP would see. */
  private record Ports(
      BoundedSourceQueue<ByteString> fromTls,
      BoundedSourceQueue<ByteString> fromTcp,
      CompletableFuture<List<ByteString>> toTcp,
      CompletableFuture<List<ByteString>> toTls,
      UniqueKillSwitch toTlsSwitch,
      Map<ByteString, CompletableFuture<Void>> pulledFromTcp) {

    /** Completes once the guard has pulled {@code chunk} from the TCP side. */
    CompletableFuture<Void> pulled(ByteString chunk) {
      return pulledFromTcp.computeIfAbsent(chunk, c -> new CompletableFuture<>());
    }
  }

  private final List<InboundFinding> findings = new CopyOnWriteArrayList<>();
  private final AtomicReference<RecordHeader> lastRecord = new AtomicReference<>();

  private BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> guard(CompletableFuture<InboundFinding> first) {
    findings.clear();
    lastRecord.set(null);
    return InboundGuard.create(f -> {
      findings.add(f);
      first.complete(f);
    }, lastRecord);
  }

  /**
   * Runs the guard with queues on both inputs and collecting sinks on both outputs. {@code
   * pulledFromTcp} completes a future for every element the guard pulled from the TCP side (the
   * stream is fused, with no buffer in between: an element is taken only when the guard asks).
   */
  private Ports run(BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> guard) {
    Map<ByteString, CompletableFuture<Void>> pulled = new ConcurrentHashMap<>();
    Source<ByteString, BoundedSourceQueue<ByteString>> tcpIn = Source.<ByteString>queue(64).map(b -> {
      pulled.computeIfAbsent(b, c -> new CompletableFuture<>()).complete(null);
      return b;
    });
    Flow<ByteString, ByteString, Pair<CompletionStage<List<ByteString>>, BoundedSourceQueue<ByteString>>> tcp =
        Flow.fromSinkAndSourceMat(Sink.seq(), tcpIn, Keep.both());
    var result = Source.<ByteString>queue(64)
        .viaMat(guard.join(tcp, Keep.right()), Keep.both())
        .viaMat(KillSwitches.single(), Keep.both())
        .toMat(Sink.seq(), Keep.both())
        .run(mat());
    var tlsAndTcp = result.first().first();
    return new Ports(tlsAndTcp.first(), tlsAndTcp.second().second(),
        tlsAndTcp.second().first().toCompletableFuture(), result.second().toCompletableFuture(),
        result.first().second(), pulled);
  }

  /** Runs the guard with fixed inputs: {@code fromTls} and {@code fromTcp} complete after their elements. */
  private Pair<List<ByteString>, List<ByteString>> runFixed(
      BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> guard, List<ByteString> fromTls,
      List<ByteString> fromTcp) throws Exception {
    Flow<ByteString, ByteString, CompletionStage<List<ByteString>>> tcp =
        Flow.fromSinkAndSourceMat(Sink.seq(), Source.from(fromTcp), Keep.left());
    var result = Source.from(fromTls)
        .viaMat(guard.join(tcp, Keep.right()), Keep.right())
        .toMat(Sink.seq(), Keep.both())
        .run(mat());
    return Pair.create(await(result.first()), await(result.second()));
  }

  // ---- TLS ----

  @Test
  void tlsBytesPassThroughByteIdenticalAcrossOddChunksAndTheLastRecordIsKept() throws Exception {
    CompletableFuture<InboundFinding> first = new CompletableFuture<>();
    ByteString client = ByteString.fromArray(ClientHellosTest.TLS13_HELLO)
        .concat(record(20, 0x0303, 1, 1)) // change_cipher_spec (middlebox compatibility)
        .concat(record(23, 0x0303, 300, 7))
        .concat(record(23, 0x0303, 3, 9))
        .concat(record(23, 0x0303, 300, 11)) // the same header as two records before
        .concat(record(22, 0x0303, 517, 13)); // a new ClientHello's header after a TLS 1.3 handshake
    List<ByteString> chunks = oddChunks(client);
    List<ByteString> server = List.of(bytes("server hello"), bytes("and more"));

    var out = runFixed(guard(first), server, chunks);

    assertEquals(client, concat(out.second()), "the TLS stage got every byte, in order");
    assertEquals(concat(server), concat(out.first()), "TCP got every byte from the TLS stage");
    assertEquals(new InboundFinding.ClientHello(List.of("TLSv1.3", "TLSv1.2")), first.get(TIMEOUT, TimeUnit.SECONDS));
    assertEquals(1, findings.size(), findings.toString());
    assertEquals(new RecordHeader(22, 0x0303, 517), lastRecord.get());
  }

  @Test
  void everyChunkingOfAClientHelloSpreadOverTwoRecordsIsFound() throws Exception {
    ByteString hello = ByteString.fromArray(ClientHellosTest.TLS13_HELLO_FRAGMENTED);
    for (int cut = 1; cut < hello.size(); cut++) {
      CompletableFuture<InboundFinding> first = new CompletableFuture<>();
      List<ByteString> chunks = List.of(hello.take(cut), hello.drop(cut));
      var out = runFixed(guard(first), List.of(), chunks);
      assertEquals(hello, concat(out.second()), "cut at " + cut);
      assertEquals(new InboundFinding.ClientHello(List.of("TLSv1.3", "TLSv1.2")), first.get(TIMEOUT, TimeUnit.SECONDS),
          "cut at " + cut);
      assertEquals(new RecordHeader(22, 0x0301, 56), lastRecord.get(), "the second record: 66 - 10 bytes");
    }
  }

  @Test
  void aFirstByteAloneIsPassedOnOnceTheHeaderIsCompleteAndNotBefore() throws Exception {
    CompletableFuture<InboundFinding> first = new CompletableFuture<>();
    Ports p = run(guard(first));
    ByteString hello = ByteString.fromArray(ClientHellosTest.TLS11_HELLO);
    p.fromTcp().offer(hello.take(1));
    p.fromTcp().offer(hello.drop(1).take(3));
    p.fromTcp().offer(hello.drop(4).take(1)); // now the header is complete
    p.fromTcp().offer(hello.drop(5));
    p.fromTcp().complete();
    assertEquals(new InboundFinding.ClientHello(List.of("TLSv1.1", "TLSv1")), first.get(TIMEOUT, TimeUnit.SECONDS));
    List<ByteString> toTls = p.toTls().get(TIMEOUT, TimeUnit.SECONDS);
    assertEquals(hello, concat(toTls));
    assertEquals(List.of(hello.take(5), hello.drop(5)), toTls, "the first 5 bytes waited for each other, the rest did not");
    p.fromTls().complete();
    assertEquals(List.of(), p.toTcp().get(TIMEOUT, TimeUnit.SECONDS));
  }

  @Test
  void aHandshakeRecordThatIsNoClientHelloGivesNoFindingButPasses() throws Exception {
    CompletableFuture<InboundFinding> first = new CompletableFuture<>();
    // a handshake record whose message starts with 0x02 (ServerHello), then an alert
    ByteString serverHello = record(22, 0x0303, 40, 2).concat(record(21, 0x0303, 2, 0));
    var out = runFixed(guard(first), List.of(), List.of(serverHello));
    assertEquals(serverHello, concat(out.second()));
    assertEquals(List.of(), findings);
    assertEquals(new RecordHeader(21, 0x0303, 2), lastRecord.get());
  }

  // ---- plaintext HTTP ----

  @Test
  void aPlaintextRequestIsAnsweredWith400AndAFinThenDrainedUntilTheClientCloses() throws Exception {
    CompletableFuture<InboundFinding> first = new CompletableFuture<>();
    Ports p = run(guard(first));
    p.fromTcp().offer(bytes("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));

    assertEquals(new InboundFinding.PlaintextHttp("GET", "/hello"), first.get(TIMEOUT, TimeUnit.SECONDS));
    assertEquals(List.of(PlaintextHttp.badRequestResponse()), p.toTcp().get(TIMEOUT, TimeUnit.SECONDS),
        "the answer, then completion (a FIN)");

    // The client still writes: the guard still reads (and discards), and the TLS stage gets nothing.
    ByteString more = bytes("more body bytes");
    p.fromTcp().offer(more);
    p.pulled(more).get(TIMEOUT, TimeUnit.SECONDS);
    assertFalse(p.toTls().isDone(), "the TLS side stays open until the client closes");

    p.fromTcp().complete();
    assertEquals(List.of(), p.toTls().get(TIMEOUT, TimeUnit.SECONDS), "nothing reached the TLS stage; then it completed");
    assertEquals(1, findings.size(), findings.toString());
    assertNull(lastRecord.get(), "no TLS record was seen");
  }

  @Test
  void whileDrainingTheTlsStageCanNeitherCompleteNorCancelTheGuard() throws Exception {
    CompletableFuture<InboundFinding> first = new CompletableFuture<>();
    Ports p = run(guard(first));
    p.fromTcp().offer(bytes("POST /api HTTP/1.1\r\nContent-Length: 100000\r\n\r\n"));
    assertEquals(new InboundFinding.PlaintextHttp("POST", "/api"), first.get(TIMEOUT, TimeUnit.SECONDS));
    assertEquals(List.of(PlaintextHttp.badRequestResponse()), p.toTcp().get(TIMEOUT, TimeUnit.SECONDS));

    p.fromTls().complete(); // the TLS stage's cipher side ends
    p.toTlsSwitch().shutdown(); // and it cancels its cipher input
    assertEquals(List.of(), p.toTls().get(TIMEOUT, TimeUnit.SECONDS));

    for (int i = 0; i < 3; i++) {
      ByteString chunk = bytes("body chunk " + i);
      p.fromTcp().offer(chunk);
      p.pulled(chunk).get(TIMEOUT, TimeUnit.SECONDS); // still draining: the client's upload does not get stuck
    }
    p.fromTcp().complete();
  }

  @Test
  void aRequestLineArrivingByteByByteIsRecognisedAndItsWholeTargetReported() throws Exception {
    CompletableFuture<InboundFinding> first = new CompletableFuture<>();
    Ports p = run(guard(first));
    for (String piece : List.of("G", "E", "T", " /hel", "lo", " HTTP/1.1\r\n\r\n")) p.fromTcp().offer(bytes(piece));
    assertEquals(new InboundFinding.PlaintextHttp("GET", "/hello"), first.get(TIMEOUT, TimeUnit.SECONDS));
    assertEquals(List.of(PlaintextHttp.badRequestResponse()), p.toTcp().get(TIMEOUT, TimeUnit.SECONDS));
    p.fromTcp().complete();
    assertEquals(List.of(), p.toTls().get(TIMEOUT, TimeUnit.SECONDS));
  }

  @Test
  void aTargetCutShortByTheClientsCloseIsReportedAsFarAsItCame() throws Exception {
    CompletableFuture<InboundFinding> first = new CompletableFuture<>();
    var out = runFixed(guard(first), List.of(), List.of(bytes("GET /hel")));
    assertEquals(new InboundFinding.PlaintextHttp("GET", "/hel"), first.get(TIMEOUT, TimeUnit.SECONDS));
    assertEquals(List.of(PlaintextHttp.badRequestResponse()), out.first());
    assertEquals(List.of(), out.second());
  }

  // ---- neither ----

  @Test
  void garbageIsNotTlsAndPassesThrough() throws Exception {
    CompletableFuture<InboundFinding> first = new CompletableFuture<>();
    ByteString ssh = bytes("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
    var out = runFixed(guard(first), List.of(), oddChunks(ssh));
    InboundFinding.NotTls notTls = (InboundFinding.NotTls) first.get(TIMEOUT, TimeUnit.SECONDS);
    assertEquals(bytes("S"), notTls.firstBytes(), "'S' can start no method: decided at the first byte");
    assertEquals(ssh, concat(out.second()), "the TLS stage gets the bytes and fails on them");
    assertTrue(notTls.describe().startsWith("the client is not speaking TLS"), notTls.describe());
  }

  @Test
  void aMethodPrefixThatGoesWrongIsNotTlsWithTheBytesSoFar() throws Exception {
    CompletableFuture<InboundFinding> first = new CompletableFuture<>();
    var out = runFixed(guard(first), List.of(), List.of(bytes("GE"), bytes("Xtra stuff")));
    assertEquals(new InboundFinding.NotTls(bytes("GEXtra stuff")), first.get(TIMEOUT, TimeUnit.SECONDS));
    assertEquals(bytes("GEXtra stuff"), concat(out.second()));
  }

  @Test
  void aTlsTypeByteWithAnotherMajorVersionIsNotTls() throws Exception {
    CompletableFuture<InboundFinding> first = new CompletableFuture<>();
    ByteString notTls = ByteString.fromArray(new byte[] {0x16, 0x7f, 0x00, 0x01});
    var out = runFixed(guard(first), List.of(), List.of(notTls));
    assertEquals(new InboundFinding.NotTls(notTls), first.get(TIMEOUT, TimeUnit.SECONDS));
    assertEquals(notTls, concat(out.second()));
  }

  @Test
  void aClientThatSendsNothingGivesNoFindingAndBothSidesEndNormally() throws Exception {
    var out = runFixed(guard(new CompletableFuture<>()), List.of(bytes("x")), List.of());
    assertEquals(List.of(bytes("x")), out.first());
    assertEquals(List.of(), out.second());
    assertEquals(List.of(), findings);
  }

  @Test
  void aTcpFailureReachesTheTlsStage() throws Exception {
    Ports p = run(guard(new CompletableFuture<>()));
    p.fromTcp().offer(ByteString.fromArray(ClientHellosTest.TLS13_HELLO));
    p.fromTcp().fail(new IllegalStateException("Connection reset"));
    try {
      p.toTls().get(TIMEOUT, TimeUnit.SECONDS);
      fail("the TLS side must fail");
    } catch (ExecutionException e) {
      assertEquals("Connection reset", e.getCause().getMessage());
    }
    p.fromTls().complete();
    assertEquals(List.of(), p.toTcp().get(TIMEOUT, TimeUnit.SECONDS));
  }
}
