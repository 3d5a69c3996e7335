package dev.tether.connection.internal.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.stage.AsyncCallback;

/**
 * INTERNAL API: runs the engine's delegated tasks (certificate validation, key exchange) off the
 * stream's thread, so that one connection's handshake crypto never stalls the other connections
 * sharing that thread. Pekko's TLS actor runs them inline.
 */
final class DelegatedTasks {
  private DelegatedTasks() {}

  /**
   * The stream's blocking-I/O dispatcher ({@code pekko.stream.materializer.blocking-io-dispatcher}):
   * validating a certificate may fetch a CRL or ask an OCSP responder, so the tasks may block.
   */
  static Executor defaultExecutor(Materializer materializer) {
    return materializer.system().dispatchers().lookup(ActorAttributes.IODispatcher().dispatcher());
  }

  /**
   * Takes every task the engine has now and runs them, in order, on {@code executor}; then {@code
   * done} gets what a task threw, or empty. The JDK keeps a task's handshake failure itself and
   * throws it from the next wrap or unwrap, so empty does not mean the handshake went well.
   *
   * @return false if the engine had no task (nothing was started, {@code done} is not called)
   */
  static boolean start(SSLEngine engine, Executor executor, AsyncCallback<Optional<Throwable>> done) {
    List<Runnable> tasks = new ArrayList<>(2);
    for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) tasks.add(t);
    if (tasks.isEmpty()) return false;
    executor.execute(() -> {
      Throwable failure = null;
      try {
        for (Runnable t : tasks) t.run();
      } catch (Throwable t) { // reported to the stage, which fails with it
        failure = t;
      }
      done.invoke(Optional.ofNullable(failure));
    });
    return true;
  }
}
