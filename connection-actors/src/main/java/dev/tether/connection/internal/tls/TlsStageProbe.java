package dev.tether.connection.internal.tls;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.stage.AsyncCallback;

/**
 * INTERNAL API, for tests: asks a running {@link TetherTls} stage what it holds. The question is
 * answered on the stage's own thread (through an async callback), so the answer is consistent.
 * Only stages made by {@code TetherTls.createProbed} have one; production stages carry nothing.
 */
final class TlsStageProbe {
  /**
   * What a stage holds between two of its callbacks.
   *
   * @param established the handshake finished and the peer was verified
   * @param buffersBorrowed engine buffers borrowed on the stage's thread and not given back
   * @param cipherBytes ciphertext received and not yet unwrapped (a partial record at most, once idle)
   * @param plainBytes plaintext taken from plaintext-in and not yet wrapped
   * @param undeliveredBytes plaintext unwrapped and not yet pushed to plaintext-out
   * @param tasksRunning delegated tasks are running
   */
  record Holdings(boolean established, int buffersBorrowed, int cipherBytes, int plainBytes, int undeliveredBytes,
      boolean tasksRunning) {
    /** Holds nothing at all: no buffer, no byte, no task. */
    boolean idle() {
      return buffersBorrowed == 0 && cipherBytes == 0 && plainBytes == 0 && undeliveredBytes == 0 && !tasksRunning;
    }
  }

  /**
   * What a stage made without a probe materializes (the materializer takes no null): never
   * attached, so asking it fails.
   */
  static final TlsStageProbe NONE = new TlsStageProbe();

  private volatile AsyncCallback<CompletableFuture<Holdings>> ask;

  void attach(AsyncCallback<CompletableFuture<Holdings>> ask) {
    this.ask = ask;
  }

  /** What the stage holds now; fails once the stage has stopped. */
  CompletionStage<Holdings> holdings() {
    CompletableFuture<Holdings> answer = new CompletableFuture<>();
    AsyncCallback<CompletableFuture<Holdings>> ask = this.ask;
    if (ask == null) {
      answer.completeExceptionally(new IllegalStateException("this stage was made without a probe (TetherTls.createProbed)"));
      return answer;
    }
    ask.invokeWithFeedbackCompletionStage(answer).whenComplete((done, failure) -> {
      if (failure != null) answer.completeExceptionally(failure);
    });
    return answer;
  }
}
