package dev.tether.connection.internal;

import dev.tether.connection.internal.lifecycle.ClusterNodes;
import dev.tether.connection.internal.tlsprofile.TlsProfileKeeper;
import dev.tether.connection.ConnectionManager;
import dev.tether.connection.settings.ConnectionManagerSettings;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * INTERNAL API: the registry's TLS-profile commands ({@code ListTlsProfiles}, {@code
 * ReloadTlsProfile}), one job: hand them to the {@link TlsProfileKeeper} it starts, which runs on the
 * blocking dispatcher because a reload reads files; the registry never waits for it.
 */
final class TlsProfileRequests {
  private final ActorRef<TlsProfileKeeper.Command> keeper;

  TlsProfileRequests(ActorContext<ConnectionManager.Command> ctx, ConnectionManagerSettings settings) {
    this.keeper = ctx.spawn(TlsProfileKeeper.create(settings.tlsProfiles(), ctx.getSelf(),
        settings.maxConcurrentHandshakes(), settings.cluster().enabled()
            ? Optional.of(ClusterNodes.node(ctx.getSystem().address(), ctx.getSystem())) : Optional.empty()),
        "tls-profiles", DispatcherSelector.blocking());
  }

  void list(ConnectionManager.ListTlsProfiles m) {
    keeper.tell(new TlsProfileKeeper.Request(m));
  }

  void reload(ConnectionManager.ReloadTlsProfile m) {
    keeper.tell(new TlsProfileKeeper.Request(m));
  }
}
