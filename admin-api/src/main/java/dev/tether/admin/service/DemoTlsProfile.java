package dev.tether.admin.service;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueType;
import dev.tether.throwaway.ThrowawayCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The demo's TLS profile {@code demo}: the throwaway identity written as PEM files, and the
 * configuration overlay that defines {@code tether.tls-profiles.demo} from them. The service layers
 * it over its configuration before the connection manager's settings are read, because reading them
 * builds every profile's {@code SSLContext} from its files and checks that each listener's profile
 * exists and holds a key and certificate. Configuration stays declarative: a listener simply names
 * {@code tls-profile = "demo"}.
 */
final class DemoTlsProfile {
  /** The profile's name, in {@code tether.tls-profiles}. */
  public static final String NAME = "demo";
  /** File names in the temporary directory; {@code throwaway-*} says what they are. */
  public static final String KEY_FILE = "throwaway-key.pem";
  public static final String CERT_FILE = "throwaway-cert.pem";

  private static final String PROFILE_PATH = "tether.tls-profiles." + NAME;

  private DemoTlsProfile() {}

  /** The throwaway identity on disk. */
  public record PemFiles(Path directory, Path key, Path certificate) {}

  /**
   * The configuration to start with, and what the start log should say about how it was made.
   *
   * @param config the service's configuration, with the demo applied
   * @param notes one line each, for the log
   */
  public record Layered(Config config, List<String> notes) {
    public Layered {
      notes = List.copyOf(notes);
    }
  }

  /**
   * Applies the demo to the service's configuration. Enabled: a fresh throwaway certificate is
   * written into a new owner-only temporary directory (deleted when the JVM exits), and the
   * profile is layered on top. Disabled: listeners whose TLS profile is {@code demo} while no such
   * profile is configured are left out, since they could only have served the demo's identity.
   *
   * @throws IllegalStateException if the certificate cannot be written
   */
  public static Layered layer(Config root, boolean demoEnabled) {
    if (!demoEnabled) return withoutDemoListeners(root);
    PemFiles files = writeToTemporaryDirectory(ThrowawayCertificate.generate());
    return withProfile(root, files);
  }

  /** {@code root} with {@code tether.tls-profiles.demo} defined by {@code files}, replacing any configured one. */
  public static Layered withProfile(Config root, PemFiles files) {
    List<String> notes = new ArrayList<>();
    notes.add("demo: throwaway certificate for TLS profile '" + NAME + "' in " + files.directory()
        + " (openssl s_client -CAfile " + files.certificate() + ")");
    if (root.hasPath(PROFILE_PATH)) {
      notes.add("demo: the configured " + PROFILE_PATH + " is replaced by the demo's throwaway profile"
          + " while tether.demo.enabled is on");
    }
    return new Layered(overlay(files).withFallback(root.withoutPath(PROFILE_PATH)), notes);
  }

  /** The overlay alone: {@code tether.tls-profiles.demo { key-pem, cert-pem, trust-pem, protocols }}. */
  public static Config overlay(PemFiles files) {
    return ConfigFactory.parseMap(Map.of(
        PROFILE_PATH + ".key-pem", files.key().toString(),
        PROFILE_PATH + ".cert-pem", files.certificate().toString(),
        // Self-signed: the demo connections trust exactly this certificate.
        PROFILE_PATH + ".trust-pem", files.certificate().toString(),
        PROFILE_PATH + ".protocols", List.of("TLSv1.3")),
        "the demo's throwaway TLS profile (tether.demo.enabled)");
  }

  /** {@code root} without the listeners that name the profile {@code demo} while none is configured. */
  public static Layered withoutDemoListeners(Config root) {
    if (root.hasPath(PROFILE_PATH) || !root.hasPath("tether.listeners")) return new Layered(root, List.of());
    Config listeners = root.getConfig("tether.listeners");
    Config defaults = root.hasPath("tether.listener-defaults") ? root.getConfig("tether.listener-defaults")
        : ConfigFactory.empty();
    Config result = root;
    List<String> notes = new ArrayList<>();
    for (String name : new TreeSet<>(listeners.root().keySet())) {
      // Anything malformed is left for the connection manager's settings to report, naming the key.
      if (listeners.root().get(name).valueType() != ConfigValueType.OBJECT) continue;
      Config block = listeners.getConfig(ConfigUtil.quoteString(name)).withFallback(defaults);
      if (block.hasPath("tls-profile") && block.getValue("tls-profile").valueType() == ConfigValueType.STRING
          && block.getString("tls-profile").equals(NAME)) {
        result = result.withoutPath(ConfigUtil.joinPath("tether", "listeners", name));
        notes.add("demo off: listener '" + name + "' is not started: its tls-profile '" + NAME
            + "' is the demo's throwaway identity (tether.demo.enabled = off)");
      }
    }
    return new Layered(result, notes);
  }

  /**
   * Writes the certificate and its key as PEM files into a new temporary directory that only this
   * user can read, all deleted when the JVM exits.
   *
   * @throws IllegalStateException if they cannot be written
   */
  public static PemFiles writeToTemporaryDirectory(ThrowawayCertificate cert) {
    Path dir;
    try {
      // On POSIX systems createTempDirectory makes the directory rwx------.
      dir = Files.createTempDirectory("tether-demo-");
    } catch (IOException e) {
      throw new IllegalStateException("demo: cannot create a temporary directory for the throwaway certificate: " + e, e);
    }
    dir.toFile().deleteOnExit();
    return write(cert, dir);
  }

  /**
   * Writes {@code throwaway-key.pem} (owner-only where the file system allows) and {@code
   * throwaway-cert.pem} into {@code dir}, both deleted when the JVM exits.
   *
   * @throws IllegalStateException if they cannot be written
   */
  public static PemFiles write(ThrowawayCertificate cert, Path dir) {
    Path key = dir.resolve(KEY_FILE);
    Path certificate = dir.resolve(CERT_FILE);
    try {
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      key.toFile().deleteOnExit();
      Files.writeString(key, cert.privateKeyPem(), StandardCharsets.US_ASCII);
      certificate.toFile().deleteOnExit();
      Files.writeString(certificate, cert.certificatePem(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException("demo: cannot write the throwaway certificate to " + dir + ": " + e, e);
    }
    return new PemFiles(dir, key, certificate);
  }
}
