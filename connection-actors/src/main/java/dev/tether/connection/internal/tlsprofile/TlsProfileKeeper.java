package dev.tether.connection.internal.tlsprofile;

import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionManager.ListTlsProfiles;
import dev.tether.connection.ConnectionManager.ReloadTlsProfile;
import dev.tether.connection.tls.TlsProfile;
import dev.tether.connection.tls.TlsProfileInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * INTERNAL API: this node's TLS profiles, one job: reload them, on request or when their watched
 * files change, one reload at a time. The registry forwards {@link ListTlsProfiles} and {@link
 * ReloadTlsProfile} here. It runs on the blocking dispatcher, because a reload reads files.
 *
 * <p>The watch: a change in a directory that holds a profile's files (re)starts that profile's
 * {@code watch-debounce} timer; when it fires, the files' content is compared with what is loaded
 * (a fingerprint), and only different content is reloaded. The result is logged; a failed reload
 * keeps the old material and shows as the profile's {@code lastReloadError}.
 */
public final class TlsProfileKeeper extends AbstractBehavior<TlsProfileKeeper.Command> {

  public interface Command {}

  /** A request of the manager's protocol, forwarded by the registry. */
  public record Request(ConnectionManager.Command request) implements Command {}

  /** Something changed in a watched directory (sent by the watcher's thread). */
  private record DirectoryChanged(Path directory) implements Command {}

  /** A profile's files have been quiet for its debounce time: compare and maybe reload. */
  private record CheckFiles(String profile) implements Command {}

  public static Behavior<Command> create(Map<String, TlsProfile> profiles, ActorRef<ConnectionManager.Command> registry,
      int rollingWindow, Optional<String> node) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new TlsProfileKeeper(ctx, timers, profiles, registry, rollingWindow, node)));
  }

  private final TimerScheduler<Command> timers;
  /** By name, ordered; only those loaded from files are reloadable. */
  private final Map<String, TlsProfile> profiles;
  private final ActorRef<ConnectionManager.Command> registry;
  private final int rollingWindow;
  private final Optional<String> node;
  /** The fingerprint of files a watch reload already failed on, so a failure is logged once per content. */
  private final Map<String, String> failedFingerprints = new HashMap<>();
  private final Optional<DirectoryWatcher> watcher;

  private TlsProfileKeeper(ActorContext<Command> ctx, TimerScheduler<Command> timers, Map<String, TlsProfile> profiles,
      ActorRef<ConnectionManager.Command> registry, int rollingWindow, Optional<String> node) {
    super(ctx);
    this.timers = timers;
    this.profiles = new TreeMap<>(profiles);
    this.registry = registry;
    this.rollingWindow = rollingWindow;
    this.node = node;
    this.watcher = startWatcher();
  }

  private Optional<DirectoryWatcher> startWatcher() {
    if (watched().isEmpty()) return Optional.empty();
    ActorRef<Command> self = getContext().getSelf();
    try {
      DirectoryWatcher w = new DirectoryWatcher("tether-tls-profile-watch", dir -> self.tell(new DirectoryChanged(dir)));
      for (ReloadableSslContext p : watched().values()) watchDirectories(w, p);
      return Optional.of(w);
    } catch (IOException e) {
      getContext().getLog().error("TLS profiles: cannot start watching files; profiles with watch = on are not reloaded "
          + "by themselves: {}", e.toString());
      return Optional.empty();
    }
  }

  private void watchDirectories(DirectoryWatcher w, ReloadableSslContext p) {
    for (Path dir : p.source().directories()) {
      try {
        w.watch(dir);
      } catch (IOException e) {
        getContext().getLog().error("TLS profile {}: cannot watch directory {}: {}", p.source().name(), dir, e.toString());
      }
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Request.class, this::onRequest)
        .onMessage(DirectoryChanged.class, this::onDirectoryChanged)
        .onMessage(CheckFiles.class, this::onCheckFiles)
        .onSignal(PostStop.class, s -> {
          watcher.ifPresent(DirectoryWatcher::close);
          return this;
        })
        .build();
  }

  private Behavior<Command> onRequest(Request m) {
    if (m.request() instanceof ListTlsProfiles list) {
      list.replyTo().tell(new ConnectionManager.TlsProfileList(profiles.keySet().stream().map(this::info).toList(), node));
    } else if (m.request() instanceof ReloadTlsProfile reload) {
      onReload(reload);
    }
    return this;
  }

  private void onReload(ReloadTlsProfile m) {
    TlsProfile profile = profiles.get(m.name());
    if (profile == null) {
      m.replyTo().tell(new ConnectionManager.UnknownTlsProfile(m.name()));
      return;
    }
    if (!(profile.context() instanceof ReloadableSslContext reloadable)) {
      m.replyTo().tell(new ConnectionManager.TlsProfileReloadFailed(m.name(), "TLS profile '" + m.name()
          + "' was built by the host application from its own SSLContext, not from files; it cannot be reloaded",
          info(m.name()), node));
      return;
    }
    ReloadableSslContext.Result result = reloadable.reload(Instant.now());
    if (result.failure().isPresent()) {
      String reason = result.failure().get().reason();
      getContext().getLog().warn("TLS profile {}: reload requested, but the files were not loaded; the old material stays: {}",
          m.name(), reason);
      m.replyTo().tell(new ConnectionManager.TlsProfileReloadFailed(m.name(), reason, info(m.name()), node));
      return;
    }
    failedFingerprints.remove(m.name());
    TlsProfileInfo info = info(m.name());
    logReloaded("reload requested", info);
    if (m.rollingReconnect()) {
      getContext().spawnAnonymous(RollingReconnect.create(info, node, registry, rollingWindow,
          reloadable.source().rollingReconnectJitter(), m.replyTo()));
    } else {
      m.replyTo().tell(new ConnectionManager.TlsProfileReloaded(info, 0, 0, node));
    }
  }

  private Behavior<Command> onDirectoryChanged(DirectoryChanged m) {
    watched().forEach((name, p) -> {
      if (p.source().directories().contains(m.directory())) {
        timers.startSingleTimer(name, new CheckFiles(name), p.source().watchDebounce()); // restarts a running one
      }
    });
    return this;
  }

  private Behavior<Command> onCheckFiles(CheckFiles m) {
    ReloadableSslContext p = watched().get(m.profile());
    if (p == null) return this;
    Optional<String> now = fingerprint(p);
    watcher.ifPresent(w -> watchDirectories(w, p)); // a directory replaced as a whole is watched anew
    if (now.isPresent() && (now.get().equals(p.material().fingerprint()) || now.get().equals(failedFingerprints.get(m.profile())))) {
      getContext().getLog().debug("TLS profile {}: files touched, content unchanged; nothing reloaded", m.profile());
      return this;
    }
    ReloadableSslContext.Result result = p.reload(Instant.now());
    if (result.failure().isPresent()) {
      now.ifPresent(f -> failedFingerprints.put(m.profile(), f));
      getContext().getLog().warn("TLS profile {}: its files changed but were not loaded; the old material stays: {}",
          m.profile(), result.failure().get().reason());
    } else {
      failedFingerprints.remove(m.profile());
      logReloaded("its files changed", info(m.profile()));
    }
    return this;
  }

  /** The files' fingerprint now, or empty if they cannot all be read (the reload will say why). */
  private static Optional<String> fingerprint(ReloadableSslContext p) {
    try {
      return Optional.of(TlsProfiles.fingerprintOf(p.source()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private void logReloaded(String why, TlsProfileInfo info) {
    getContext().getLog().info("TLS profile {} reloaded ({}): subject {}, issuer {}, notAfter {}, {} trust anchors; "
            + "new handshakes use it, open connections keep theirs", info.name(), why, info.subject().orElse("-"),
        info.issuer().orElse("-"), info.notAfter().map(Instant::toString).orElse("-"), info.trustAnchors().orElse(0));
  }

  private TlsProfileInfo info(String name) {
    return profiles.get(name).context() instanceof ReloadableSslContext r ? r.info(name) : TlsProfileInfo.notFromFiles(name);
  }

  /** The profiles with {@code watch = on}, by name. */
  private Map<String, ReloadableSslContext> watched() {
    Map<String, ReloadableSslContext> result = new TreeMap<>();
    profiles.forEach((name, p) -> {
      if (p.context() instanceof ReloadableSslContext r && r.source().watch()) result.put(name, r);
    });
    return result;
  }
}
