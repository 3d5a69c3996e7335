package dev.tether.connection.internal;

import dev.tether.connection.ConnectionEvent;
import dev.tether.connection.ConnectionId;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionManager.Close;
import dev.tether.connection.ConnectionManager.CloseAll;
import dev.tether.connection.ConnectionManager.Get;
import dev.tether.connection.ConnectionManager.ListConnections;
import dev.tether.connection.ConnectionManager.Open;
import dev.tether.connection.ConnectionManager.OpenRejected;
import dev.tether.connection.ConnectionManager.OpenRejection;
import dev.tether.connection.ConnectionManager.Reconnect;
import dev.tether.connection.ConnectionManager.Send;
import dev.tether.connection.ConnectionManager.Subscribe;
import dev.tether.connection.ConnectionManager.Unsubscribe;
import dev.tether.connection.ConnectionManagerSettings;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.SendResult;
import dev.tether.connection.TlsProfile;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * INTERNAL API: the node-local registry behind {@link ConnectionManager}: which connections are
 * managed here (routing each request to its {@link ConnectionSupervisor} by id), their latest
 * states, the subscribers and their events, and the handshake admission limit. It decides nothing
 * about a connection's lifecycle; that is the supervisor's job.
 *
 * <p>Public only so that {@link ConnectionManager#create} can spawn it.
 */
public final class ConnectionRegistry extends AbstractBehavior<ConnectionManager.Command> {

  /** A supervisor's event, to be published to every subscriber. */
  record Published(ConnectionEvent event) implements ConnectionManager.Command {}

  /** A supervisor wants a handshake permit for an incarnation; answered with {@link ConnectionSupervisor.Admitted}. */
  record AdmissionRequested(ConnectionId id, long incarnation, ActorRef<ConnectionManager.Command> supervisor)
      implements ConnectionManager.Command {}

  /** A supervisor's incarnation left connecting/handshaking (or it stopped waiting for a permit). */
  record AdmissionReleased(ConnectionId id) implements ConnectionManager.Command {}

  private record SupervisorStopped(ConnectionId id, ActorRef<ConnectionManager.Command> supervisor)
      implements ConnectionManager.Command {}

  private record SubscriberTerminated(ActorRef<ConnectionEvent> subscriber) implements ConnectionManager.Command {}

  @SuppressWarnings("unchecked")
  private static final Class<Optional<ConnectionView>> VIEW_REPLY = (Class<Optional<ConnectionView>>) (Class<?>) Optional.class;

  /** The manager's behavior: {@link ConnectionManager#create} returns it. */
  public static Behavior<ConnectionManager.Command> create(ConnectionManagerSettings settings) {
    return Behaviors.setup(ctx -> new ConnectionRegistry(ctx, settings));
  }

  private final ConnectionManagerSettings settings;
  private final Map<ConnectionId, ActorRef<ConnectionManager.Command>> supervisors = new HashMap<>();
  /** The latest state of each connection, for new subscribers. */
  private final Map<ConnectionId, ConnectionEvent.StateChanged> latest = new LinkedHashMap<>();
  private final Set<ActorRef<ConnectionEvent>> subscribers = new HashSet<>();
  private final HandshakeAdmission<Long> admission;
  private long spawned;

  private ConnectionRegistry(ActorContext<ConnectionManager.Command> ctx, ConnectionManagerSettings settings) {
    super(ctx);
    this.settings = settings;
    this.admission = new HandshakeAdmission<>(settings.maxConcurrentHandshakes());
  }

  @Override
  public Receive<ConnectionManager.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Open.class, this::onOpen)
        .onMessage(Send.class, m -> route(m.id(), m, () -> m.replyTo().tell(new SendResult.Rejected(m.id(),
            SendResult.Reason.UNKNOWN_CONNECTION, "no connection with id '" + m.id() + "'"))))
        .onMessage(Close.class, m -> route(m.id(), m, () -> m.replyTo().tell(new ConnectionManager.UnknownConnection(m.id()))))
        .onMessage(Reconnect.class, m -> route(m.id(), m, () -> m.replyTo().tell(Optional.empty())))
        .onMessage(Get.class, m -> route(m.id(), m, () -> m.replyTo().tell(Optional.empty())))
        .onMessage(ListConnections.class, this::onList)
        .onMessage(CloseAll.class, this::onCloseAll)
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(Unsubscribe.class, m -> onSubscriberGone(m.subscriber()))
        .onMessage(SubscriberTerminated.class, m -> onSubscriberGone(m.subscriber()))
        .onMessage(Published.class, this::onPublished)
        .onMessage(AdmissionRequested.class, this::onAdmissionRequested)
        .onMessage(AdmissionReleased.class, m -> release(m.id()))
        .onMessage(SupervisorStopped.class, this::onSupervisorStopped)
        .build();
  }

  // ---------------------------------------------------------------- requests

  private Behavior<ConnectionManager.Command> onOpen(Open m) {
    ConnectionId id = m.spec().id();
    if (supervisors.containsKey(id)) {
      m.replyTo().tell(new OpenRejected(OpenRejection.ALREADY_EXISTS, "a connection with id '" + id + "' already exists"));
      return this;
    }
    TlsProfile profile = settings.tlsProfiles().get(m.spec().tlsProfile());
    if (profile == null) {
      m.replyTo().tell(new OpenRejected(OpenRejection.UNKNOWN_TLS_PROFILE, "unknown TLS profile '" + m.spec().tlsProfile()
          + "'; configured profiles: " + settings.tlsProfiles().keySet().stream().sorted().collect(Collectors.joining(", "))));
      return this;
    }
    // The first incarnation's permit is decided here, saving the supervisor a round trip. A fresh
    // name each time: a removed connection's supervisor may still be stopping when its id is reused.
    boolean admitted = admission.request(id, 1L);
    ActorRef<ConnectionManager.Command> supervisor = getContext().spawn(
        ConnectionSupervisor.create(m.spec(), profile, settings, getContext().getSelf(), m.replyTo(), admitted),
        "connection-" + id + "-" + (++spawned));
    getContext().watchWith(supervisor, new SupervisorStopped(id, supervisor));
    supervisors.put(id, supervisor);
    return this;
  }

  private Behavior<ConnectionManager.Command> route(ConnectionId id, ConnectionManager.Command m, Runnable unknown) {
    ActorRef<ConnectionManager.Command> supervisor = supervisors.get(id);
    if (supervisor == null) {
      unknown.run();
    } else {
      supervisor.tell(m);
    }
    return this;
  }

  private Behavior<ConnectionManager.Command> onList(ListConnections m) {
    getContext().spawnAnonymous(SupervisorFanOut.create(Map.copyOf(supervisors), VIEW_REPLY,
        ConnectionManager.Get::new,
        view -> view.map(ConnectionView::id),
        views -> m.replyTo().tell(new ConnectionManager.ConnectionList(
            views.stream().flatMap(Optional::stream).sorted(Comparator.comparing(ConnectionView::id)).toList()))));
    return this;
  }

  private Behavior<ConnectionManager.Command> onCloseAll(CloseAll m) {
    getContext().spawnAnonymous(SupervisorFanOut.create(Map.copyOf(supervisors), ConnectionManager.CloseResult.class,
        (id, replyTo) -> new Close(id, Optional.empty(), replyTo),
        result -> Optional.of(result.id()),
        results -> m.replyTo().tell(new ConnectionManager.AllClosed(results.stream()
            .filter(ConnectionManager.Closed.class::isInstance).map(ConnectionManager.Closed.class::cast).toList()))));
    return this;
  }

  private Behavior<ConnectionManager.Command> onSubscribe(Subscribe m) {
    if (subscribers.add(m.subscriber())) {
      getContext().watchWith(m.subscriber(), new SubscriberTerminated(m.subscriber()));
      latest.values().forEach(m.subscriber()::tell);
    }
    return this;
  }

  private Behavior<ConnectionManager.Command> onSubscriberGone(ActorRef<ConnectionEvent> s) {
    if (subscribers.remove(s)) getContext().unwatch(s);
    return this;
  }

  // ---------------------------------------------------------------- from supervisors

  private Behavior<ConnectionManager.Command> onPublished(Published m) {
    ConnectionEvent event = m.event();
    if (event instanceof ConnectionEvent.StateChanged s) {
      latest.put(s.connectionId(), s);
    } else if (event instanceof ConnectionEvent.Removed r) {
      latest.remove(r.connectionId());
      supervisors.remove(r.connectionId());
    }
    for (ActorRef<ConnectionEvent> s : subscribers) s.tell(event);
    return this;
  }

  private Behavior<ConnectionManager.Command> onAdmissionRequested(AdmissionRequested m) {
    if (admission.request(m.id(), m.incarnation())) {
      m.supervisor().tell(new ConnectionSupervisor.Admitted(m.incarnation()));
    }
    return this;
  }

  private Behavior<ConnectionManager.Command> release(ConnectionId id) {
    for (HandshakeAdmission.Grant<Long> g : admission.release(id)) {
      ActorRef<ConnectionManager.Command> supervisor = supervisors.get(g.id());
      if (supervisor != null) {
        supervisor.tell(new ConnectionSupervisor.Admitted(g.grantTo()));
      } else {
        release(g.id()); // removed while waiting: pass the permit on
      }
    }
    return this;
  }

  /**
   * A supervisor stops right after publishing {@code Removed}, which already dropped its route. One
   * still routed here failed (a bug): forget it, give back any permit it held, and tell subscribers.
   */
  private Behavior<ConnectionManager.Command> onSupervisorStopped(SupervisorStopped m) {
    if (supervisors.remove(m.id(), m.supervisor())) {
      getContext().getLog().error("the supervisor of connection {} stopped unexpectedly; it is no longer managed", m.id());
      release(m.id());
      onPublished(new Published(new ConnectionEvent.Removed(m.id(), Instant.now())));
    }
    return this;
  }
}
