package dev.tether.connection.internal;

import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * INTERNAL API: the registry's subscribers and the latest state of each connection here. A new
 * subscriber first hears every connection's latest state, then every event as it is published; a
 * subscriber that stops is forgotten (the registry hears of it as the message made by {@code gone}).
 */
final class EventHub {
  private final ActorContext<ConnectionManager.Command> ctx;
  private final java.util.function.Function<ActorRef<ConnectionEvent>, ConnectionManager.Command> gone;
  private final Map<ConnectionId, ConnectionEvent.StateChanged> latest = new LinkedHashMap<>();
  private final Set<ActorRef<ConnectionEvent>> subscribers = new HashSet<>();

  EventHub(ActorContext<ConnectionManager.Command> ctx,
      java.util.function.Function<ActorRef<ConnectionEvent>, ConnectionManager.Command> gone) {
    this.ctx = ctx;
    this.gone = gone;
  }

  void subscribe(ActorRef<ConnectionEvent> subscriber) {
    if (subscribers.add(subscriber)) {
      ctx.watchWith(subscriber, gone.apply(subscriber));
      latest.values().forEach(subscriber::tell);
    }
  }

  void unsubscribe(ActorRef<ConnectionEvent> subscriber) {
    if (subscribers.remove(subscriber)) ctx.unwatch(subscriber);
  }

  /** Keeps the latest state, then tells every subscriber. */
  void publish(ConnectionEvent event) {
    if (event instanceof ConnectionEvent.StateChanged s) {
      latest.put(s.connectionId(), s);
    } else if (event instanceof ConnectionEvent.Removed r) {
      latest.remove(r.connectionId());
    }
    for (ActorRef<ConnectionEvent> s : subscribers) s.tell(event);
  }

  /** The latest state of each connection here, in the order they appeared. */
  Collection<ConnectionEvent.StateChanged> latest() {
    return latest.values();
  }
}
