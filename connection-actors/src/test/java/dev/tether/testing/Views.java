package dev.tether.testing;

import com.typesafe.config.ConfigFactory;
import dev.tether.connection.ConnectionSpec;
import dev.tether.connection.ConnectionState;
import dev.tether.connection.ConnectionView;
import dev.tether.connection.Direction;
import dev.tether.connection.Outcome;
import dev.tether.connection.TlsInfo;
import dev.tether.connection.settings.ConnectionManagerSettings;
import dev.tether.connection.settings.ConnectionSettings;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Test data: a {@link ConnectionView} built by name instead of by position. A fresh builder
 * describes an outbound connection of its spec that is {@code open} in its first incarnation since
 * {@link #T0}, with nothing counted, no TLS, no history and the spec's settings (or the reference
 * defaults); set only what a test is about.
 *
 * <pre>{@code
 * Views.of(ConnectionSpec.of("b", "example.org", 443)).state(ConnectionState.BACKOFF).incarnation(2).build();
 * }</pre>
 */
public final class Views {
  /** When a built view's state was entered, unless {@link Builder#since} says otherwise. */
  public static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

  /** {@code tether.connection-defaults} from the reference configuration. */
  public static final ConnectionSettings DEFAULTS =
      ConnectionManagerSettings.create(ConfigFactory.defaultReference()).defaults();

  private Views() {}

  /** A view of {@code spec}: its id and remote, outbound. */
  public static Builder of(ConnectionSpec spec) {
    return new Builder(spec);
  }

  /** A view of {@code ConnectionSpec.of(id, host, port)}. */
  public static Builder of(String id, String host, int port) {
    return of(ConnectionSpec.of(id, host, port));
  }

  /** Collects a view's fields; {@link #build()} groups them. */
  public static final class Builder {
    private ConnectionSpec spec;
    private String remote;
    private Direction direction = Direction.OUTBOUND;
    private Optional<String> listener = Optional.empty();
    private Optional<String> node = Optional.empty();
    private ConnectionState state = ConnectionState.OPEN;
    private long incarnation = 1;
    private Instant since = T0;
    private Optional<TlsInfo> tls = Optional.empty();
    private Optional<Instant> nextAttemptAt = Optional.empty();
    private long bytesIn;
    private long bytesOut;
    private Optional<Long> lastPingRttMillis = Optional.empty();
    private Optional<ConnectionView.RttPercentiles> pingRttPercentiles = Optional.empty();
    private long reconnects;
    private List<Outcome> history = List.of();
    private Optional<ConnectionSettings> settings = Optional.empty();
    private Optional<ConnectionView.RestartBudget> budget = Optional.empty();

    private Builder(ConnectionSpec spec) {
      spec(spec);
    }

    /** The spec, and the id and remote taken from it. */
    public Builder spec(ConnectionSpec spec) {
      this.spec = spec;
      this.remote = spec.remote();
      return this;
    }

    public Builder remote(String remote) {
      this.remote = remote;
      return this;
    }

    public Builder direction(Direction direction) {
      this.direction = direction;
      return this;
    }

    /** Accepted by {@code listener}. */
    public Builder inbound(String listener) {
      this.direction = Direction.INBOUND;
      this.listener = Optional.of(listener);
      return this;
    }

    public Builder listener(Optional<String> listener) {
      this.listener = listener;
      return this;
    }

    public Builder node(String node) {
      this.node = Optional.of(node);
      return this;
    }

    public Builder state(ConnectionState state) {
      this.state = state;
      return this;
    }

    public Builder incarnation(long incarnation) {
      this.incarnation = incarnation;
      return this;
    }

    public Builder since(Instant since) {
      this.since = since;
      return this;
    }

    public Builder tls(TlsInfo tls) {
      this.tls = Optional.of(tls);
      return this;
    }

    public Builder nextAttemptAt(Instant at) {
      this.nextAttemptAt = Optional.of(at);
      return this;
    }

    public Builder bytes(long in, long out) {
      this.bytesIn = in;
      this.bytesOut = out;
      return this;
    }

    public Builder lastPingRttMillis(long millis) {
      this.lastPingRttMillis = Optional.of(millis);
      return this;
    }

    public Builder pingRttPercentiles(ConnectionView.RttPercentiles percentiles) {
      this.pingRttPercentiles = Optional.of(percentiles);
      return this;
    }

    public Builder reconnects(long reconnects) {
      this.reconnects = reconnects;
      return this;
    }

    /** The recent outcomes, oldest first; the last one is the view's last outcome. */
    public Builder history(Outcome... outcomes) {
      this.history = List.of(outcomes);
      return this;
    }

    /** The effective settings; unset, the spec's or {@link #DEFAULTS}. */
    public Builder settings(ConnectionSettings settings) {
      this.settings = Optional.of(settings);
      return this;
    }

    /** Unset, none used of the settings' reconnect policy. */
    public Builder budget(ConnectionView.RestartBudget budget) {
      this.budget = Optional.of(budget);
      return this;
    }

    public ConnectionView build() {
      ConnectionSettings effective = settings.or(spec::settings).orElse(DEFAULTS);
      return new ConnectionView(
          new ConnectionView.Identity(spec.id(), remote, direction, listener, node),
          new ConnectionView.Status(state, incarnation, since, tls, nextAttemptAt),
          new ConnectionView.Counters(bytesIn, bytesOut, lastPingRttMillis, pingRttPercentiles),
          new ConnectionView.Restarts(reconnects, history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1)),
              history, budget.orElseGet(() -> ConnectionView.RestartBudget.unused(effective.reconnect()))),
          spec, effective);
    }
  }
}
