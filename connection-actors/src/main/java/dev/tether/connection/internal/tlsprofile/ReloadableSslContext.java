package dev.tether.connection.internal.tlsprofile;

import dev.tether.connection.tls.TlsProfileInfo;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * INTERNAL API: the {@link SSLContext} of a TLS profile loaded from files, whose material can be
 * replaced while connections run. Every call goes to the current material's own context, so:
 *
 * <ul>
 *   <li>each engine is created from the material current at that moment, and keeps it: a connection
 *       (or an accepted one) that is open keeps its certificate and trust; incarnations and accepted
 *       connections created after a reload use the new one;
 *   <li>the swap is one volatile write of a whole {@link TlsMaterial}, so no engine ever sees half of
 *       a reload (say, a new certificate with the old key);
 *   <li>each material has its own session caches, so a new handshake cannot resume a session that was
 *       established with the old certificate and would present it again.
 * </ul>
 *
 * <p>Every holder of the profile (outbound plans, listeners, cluster entities) holds this one object,
 * so a reload reaches all of them without telling anyone.
 */
final class ReloadableSslContext extends SSLContext {

  /** The last reload that failed, until one succeeds. */
  record Failure(String reason, Instant at) {}

  private final TlsProfileSource source;
  private final Holder holder;
  private volatile Optional<Failure> lastFailure = Optional.empty();
  private volatile long reloads;

  ReloadableSslContext(TlsProfileSource source, TlsMaterial initial) {
    this(source, new Holder(initial));
  }

  private ReloadableSslContext(TlsProfileSource source, Holder holder) {
    super(new DelegatingSpi(holder), initial(holder).getProvider(), initial(holder).getProtocol());
    this.source = source;
    this.holder = holder;
  }

  private static SSLContext initial(Holder holder) {
    return holder.material.context();
  }

  TlsProfileSource source() {
    return source;
  }

  TlsMaterial material() {
    return holder.material;
  }

  Optional<Failure> lastFailure() {
    return lastFailure;
  }

  /**
   * Reads the files again, checks them, and swaps the new material in; on any problem keeps the
   * current material and remembers why. One reload at a time (the keeper calls it from its actor).
   *
   * @return the new material, or the reason nothing changed
   */
  synchronized Result reload(Instant now) {
    TlsMaterial next;
    try {
      next = TlsProfiles.loadMaterial(source, now, true);
    } catch (IllegalArgumentException e) {
      Failure failure = new Failure(e.getMessage(), now);
      lastFailure = Optional.of(failure);
      return new Result(Optional.empty(), Optional.of(failure));
    }
    holder.material = next;
    lastFailure = Optional.empty();
    reloads++;
    return new Result(Optional.of(next), Optional.empty());
  }

  /** What a reload did: exactly one of the two is present. */
  record Result(Optional<TlsMaterial> loaded, Optional<Failure> failure) {}

  /** What {@code GET /tls-profiles} shows of this profile, under {@code name}. */
  TlsProfileInfo info(String name) {
    TlsMaterial m = holder.material;
    Map<String, String> files = new TreeMap<>();
    source.files().forEach((key, path) -> files.put(key, path.toString()));
    Optional<Failure> failure = lastFailure;
    return new TlsProfileInfo(name, true,
        m.certificate().map(c -> c.getSubjectX500Principal().getName()),
        m.certificate().map(c -> c.getIssuerX500Principal().getName()),
        m.certificate().map(c -> c.getNotAfter().toInstant()),
        Optional.of(m.trustAnchors()), Optional.of(m.loadedAt()), files, source.watch(), reloads,
        failure.map(Failure::reason), failure.map(Failure::at));
  }

  /** The one mutable cell shared by the context and its SPI. */
  private static final class Holder {
    volatile TlsMaterial material;

    Holder(TlsMaterial material) {
      this.material = material;
    }
  }

  /** Forwards every operation to the current material's context. */
  private static final class DelegatingSpi extends SSLContextSpi {
    private final Holder holder;

    DelegatingSpi(Holder holder) {
      this.holder = holder;
    }

    private SSLContext current() {
      return holder.material.context();
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
      throw new KeyManagementException("a TLS profile's context is initialised from its files, not by init()");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return current().getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return current().getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return current().createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return current().createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return current().getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return current().getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return current().getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return current().getSupportedSSLParameters();
    }
  }
}
