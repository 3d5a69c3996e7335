package dev.tether.connection.session;

import org.apache.pekko.actor.typed.Behavior;

/**
 * Makes the handler actor of one session. A host registers factories by name ({@link
 * ConnectionManagerSettings#withHandler}); listeners and connection specs name them. The handler is
 * spawned as a child of the connection's incarnation when its TLS handshake has finished, so it never
 * outlives the connection. It runs on its connection's dispatcher ({@code tether.stream-dispatcher}),
 * beside the connection's stream, so that a read reaches it and its write reaches the stream without
 * a hand-over between thread pools. It must never block a thread: long work runs as timers, child
 * actors (on a dispatcher of the host's choosing) or streams, so that the handler keeps reacting to
 * new messages and the pool keeps serving other connections.
 */
@FunctionalInterface
public interface SessionHandlerFactory {
  Behavior<SessionEvent> create(Session session);
}
