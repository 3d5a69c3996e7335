package dev.tether.connection.handlers;

import dev.tether.connection.Session;
import dev.tether.connection.SessionEvent;
import org.apache.pekko.actor.typed.Behavior;

/** The {@code jobs} handler (being written). */
public final class JobsHandler {
  private JobsHandler() {}

  public static Behavior<SessionEvent> create(Session session) {
    return EchoHandler.create(session);
  }
}
