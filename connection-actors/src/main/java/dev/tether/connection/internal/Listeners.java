package dev.tether.connection.internal;

import dev.tether.connection.internal.lifecycle.ClusterNodes;
import dev.tether.connection.internal.listener.Listener;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.ListenerInfo;
import dev.tether.connection.ListenerSpec;
import dev.tether.connection.tls.TlsProfile;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * INTERNAL API: the registry's listeners, one job: which {@link Listener} actors run here and what
 * each last published of itself. Not an actor: the registry owns it and calls it from its own
 * thread, so that listener bookkeeping stays out of the registry's routing code.
 */
final class Listeners {

  /** A listener actor stopped (stopped on request, or failed to bind as an API listener). */
  record Terminated(String name, ActorRef<Listener.Command> listener) implements ConnectionManager.Command {}

  private final ActorContext<ConnectionManager.Command> ctx;
  private final ConnectionManagerSettings settings;
  private final Map<String, ActorRef<Listener.Command>> running = new HashMap<>();
  /** The latest info of each listener, as it published it. */
  private final Map<String, ListenerInfo> infos = new HashMap<>();
  private long spawned;

  Listeners(ActorContext<ConnectionManager.Command> ctx, ConnectionManagerSettings settings) {
    this.ctx = ctx;
    this.settings = settings;
  }

  /** The configured listeners; one that cannot bind stays, showing why. */
  void startConfigured() {
    for (ListenerSpec spec : settings.listeners().values()) spawn(spec, ctx.getSystem().ignoreRef(), true);
  }

  /** Starts a listener asked for through the API, or answers why not. */
  void start(ConnectionManager.StartListener m) {
    ListenerSpec spec = m.spec();
    TlsProfile profile = settings.tlsProfiles().get(spec.tlsProfile());
    ConnectionManager.ListenerRejection reason = null;
    String why = null;
    if (running.containsKey(spec.name())) {
      reason = ConnectionManager.ListenerRejection.ALREADY_EXISTS;
      why = "a listener named '" + spec.name() + "' already exists";
    } else if (profile == null) {
      reason = ConnectionManager.ListenerRejection.UNKNOWN_TLS_PROFILE;
      why = "unknown TLS profile '" + spec.tlsProfile() + "'; configured profiles: " + new TreeSet<>(settings.tlsProfiles().keySet());
    } else if (!profile.hasIdentity()) {
      reason = ConnectionManager.ListenerRejection.NO_SERVER_IDENTITY;
      why = "TLS profile '" + spec.tlsProfile() + "' has no key-pem and cert-pem, so it cannot serve as a server identity";
    } else if (!settings.handlers().containsKey(spec.handler())) {
      reason = ConnectionManager.ListenerRejection.UNKNOWN_HANDLER;
      why = "unknown session handler '" + spec.handler() + "'; registered handlers: " + new TreeSet<>(settings.handlers().keySet());
    }
    if (reason != null) {
      m.replyTo().tell(new ConnectionManager.ListenerRejected(reason, why));
    } else {
      spawn(spec, m.replyTo(), false);
    }
  }

  private void spawn(ListenerSpec spec, ActorRef<ConnectionManager.ListenerResult> replyTo, boolean configured) {
    ActorRef<Listener.Command> listener = ctx.spawn(
        Listener.create(spec, ctx.getSelf(), settings.streamDispatcher(), replyTo, configured, clusterNode()),
        "listener-" + spec.name() + "-" + (++spawned));
    ctx.watchWith(listener, new Terminated(spec.name(), listener));
    running.put(spec.name(), listener);
  }

  private Optional<String> clusterNode() {
    return settings.cluster().enabled()
        ? Optional.of(ClusterNodes.node(ctx.getSystem().address(), ctx.getSystem()))
        : Optional.empty();
  }

  void stop(ConnectionManager.StopListener m) {
    ActorRef<Listener.Command> listener = running.get(m.name());
    if (listener == null) {
      m.replyTo().tell(new ConnectionManager.UnknownListener(m.name()));
    } else {
      listener.tell(new Listener.Stop(m.mode(), m.replyTo()));
    }
  }

  void list(ConnectionManager.ListListeners m) {
    m.replyTo().tell(new ConnectionManager.ListenerList(infos.values().stream()
        .sorted(Comparator.comparing(ListenerInfo::name)).toList()));
  }

  void updated(ListenerInfo info) {
    if (running.containsKey(info.name())) infos.put(info.name(), info);
  }

  void terminated(Terminated m) {
    if (running.remove(m.name(), m.listener())) infos.remove(m.name());
  }

  /** The running listeners, for a shutdown to unbind first. */
  List<ActorRef<Listener.Command>> all() {
    return List.copyOf(running.values());
  }
}
