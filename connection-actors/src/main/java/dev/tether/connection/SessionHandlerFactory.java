package dev.tether.connection;

import org.apache.pekko.actor.typed.Behavior;

/**
 * Makes the handler actor of one session. A host registers factories by name ({@link
 * ConnectionManagerSettings#withHandler}); listeners and connection specs name them. The handler is
 * spawned as a child of the connection's incarnation when its TLS handshake has finished, so it never
 * outlives the connection. It must never block a thread: long work runs as timers, child actors or
 * streams, so that the handler keeps reacting to new messages.
 */
@FunctionalInterface
public interface SessionHandlerFactory {
  Behavior<SessionEvent> create(Session session);
}
