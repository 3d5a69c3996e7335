package dev.tether.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A network namespace for a test's peer, made (and removed) by the test itself, so that network
 * faults can be injected without touching the host's own network.
 *
 * <p>Layout: one namespace {@code tether-peer-<pid>-<n>} holding the peer end of a veth pair
 * ({@code tth-p…}, {@link #peerAddress()} = {@code 10.231.X.1/24}); the other end ({@code tth-h…},
 * {@link #hostAddress()} = {@code 10.231.X.2/24}) stays in the root namespace, where the JVM under
 * test runs. The only addresses a test touches are these two. Faults (all verified by hand first,
 * see notes/peers-and-faults.md section 5):
 *
 * <ul>
 *   <li>{@link #blackhole()}: nftables in the peer namespace drops everything from and to the
 *       client: a dead NAT, a silently vanished network;
 *   <li>{@link #linkDown()}: the root end of the veth goes down: "wifi off";
 *   <li>{@link #dropFinAndRst()}: the peer namespace stops sending FIN and RST, so a peer killed
 *       afterwards leaves a half-open connection behind.
 * </ul>
 *
 * <p>Needs root (CAP_NET_ADMIN), {@code ip} (iproute2) and {@code nft} (nftables). Use {@link
 * #createOrSkip()}: without them the calling tests are skipped with a message saying why, except
 * when the environment variable {@code CI} is {@code true}, where a missing capability fails them.
 */
public final class NetNs implements AutoCloseable {
  /** Prefix of every namespace these fixtures create; stale ones are removed on the next run. */
  public static final String NAMESPACE_PREFIX = "tether-peer-";

  private static final String HOST_IF_PREFIX = "tth-h";
  private static final String PEER_IF_PREFIX = "tth-p";
  private static final String TABLE = "tether_chaos";
  /** Metric of the fallback route that keeps our subnet's packets local while the link is down. */
  private static final String FALLBACK_METRIC = "4242";
  private static final Pattern FALLBACK_ROUTE =
      Pattern.compile("unreachable 10\\.231\\.(\\d+)\\.0/24 .*metric " + FALLBACK_METRIC);

  private final String name;
  private final String hostIf;
  private final String peerIf;
  private final int subnet;
  private boolean closed;

  private NetNs(String name, String hostIf, String peerIf, int subnet) {
    this.name = name;
    this.hostIf = hostIf;
    this.peerIf = peerIf;
    this.subnet = subnet;
  }

  /**
   * Creates a namespace, or skips the calling test (JUnit assumption) when this machine cannot: not
   * root, {@code ip} or {@code nft} missing, or {@code ip netns add} failing. With {@code CI=true}
   * a missing capability is an error instead: CI must run these tests, never skip them.
   */
  public static NetNs createOrSkip() {
    Optional<String> missing = missingCapability();
    if (missing.isPresent()) unavailable(missing.get(), null);
    try {
      return create();
    } catch (RuntimeException e) {
      unavailable("cannot create a network namespace: " + e.getMessage(), e);
      throw e; // not reached
    }
  }

  /** Whether a missing capability must fail rather than skip ({@code CI=true}). */
  public static boolean required() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  private static void unavailable(String why, Throwable cause) {
    String message = "Network-fault tests need root, iproute2 and nftables (apt-get install -y nftables) "
        + "to make their own network namespace: " + why;
    if (required()) throw new AssertionError("CI=true, so these tests are required, but: " + message, cause);
    Assumptions.abort(message + ". Skipped (set CI=true to make this a failure).");
  }

  private static Optional<String> missingCapability() {
    if (!Processes.isRoot()) return Optional.of("this JVM does not run as root");
    if (!Processes.available("ip")) return Optional.of("'ip' (iproute2) is not installed");
    if (!Processes.available("nft")) return Optional.of("'nft' (nftables) is not installed");
    return Optional.empty();
  }

  /** Creates the namespace and the veth pair; fails if it cannot. Prefer {@link #createOrSkip()}. */
  public static NetNs create() {
    removeStale();
    long pid = ProcessHandle.current().pid();
    int subnet = freeSubnet();
    String ns = NAMESPACE_PREFIX + pid + "-" + subnet;
    NetNs n = new NetNs(ns, hostIf(pid, subnet), PEER_IF_PREFIX + ifSuffix(pid, subnet), subnet);
    try {
      n.setUp();
    } catch (RuntimeException e) {
      n.close();
      throw e;
    }
    return n;
  }

  private void setUp() {
    ip("netns", "add", name);
    ip("link", "add", hostIf, "type", "veth", "peer", "name", peerIf);
    ip("link", "set", peerIf, "netns", name);
    // While the link is down its connected route is gone; without this fallback the default route
    // would carry our packets for 10.231.X.0/24 out of this machine. With it they fail at once
    // ("no route to host"), as on a laptop whose wifi is off.
    ip("route", "add", "unreachable", subnet() + "/24", "metric", FALLBACK_METRIC);
    ip("addr", "add", hostAddress() + "/24", "dev", hostIf);
    ip("link", "set", hostIf, "up");
    ip("-n", name, "addr", "add", peerAddress() + "/24", "dev", peerIf);
    ip("-n", name, "link", "set", peerIf, "up");
    ip("-n", name, "link", "set", "lo", "up");
  }

  /** The peer's address, inside the namespace. */
  public String peerAddress() {
    return "10.231." + subnet + ".1";
  }

  private String subnet() {
    return subnet(subnet);
  }

  private static String subnet(int x) {
    return "10.231." + x + ".0";
  }

  /** The client's address: the root namespace's end of the veth pair. */
  public String hostAddress() {
    return "10.231." + subnet + ".2";
  }

  public String name() {
    return name;
  }

  /** {@code ip netns exec <ns>}: prefix for a command that must run inside the namespace. */
  public List<String> execPrefix() {
    return List.of("ip", "netns", "exec", name);
  }

  /** Runs a command inside the namespace; fails on a non-zero exit. */
  public String exec(String... command) {
    List<String> cmd = new ArrayList<>(execPrefix());
    cmd.addAll(List.of(command));
    return Processes.run(cmd);
  }

  // ------------------------------------------------------------------ faults

  /** Drops every packet from and to the client, in the peer namespace. Nothing is answered. */
  public void blackhole() {
    nft("table inet " + TABLE + " {",
        "  chain input {",
        "    type filter hook input priority 0; policy accept;",
        "    ip saddr " + hostAddress() + " drop",
        "  }",
        "  chain output {",
        "    type filter hook output priority 0; policy accept;",
        "    ip daddr " + hostAddress() + " drop",
        "  }",
        "}");
  }

  /**
   * The peer namespace stops sending TCP segments with FIN or RST. A peer process killed after
   * this leaves its connections half-open: the client never learns that the other end is gone.
   */
  public void dropFinAndRst() {
    nft("table inet " + TABLE + " {",
        "  chain output {",
        "    type filter hook output priority 0; policy accept;",
        "    tcp flags & (fin | rst) != 0 drop",
        "  }",
        "}");
  }

  /** Removes every nftables rule this fixture added (blackhole, FIN/RST drop). */
  public void restore() {
    String tables = exec("nft", "list", "tables");
    if (tables.contains("inet " + TABLE)) exec("nft", "delete", "table", "inet", TABLE);
  }

  /** "Wifi off": the root namespace's end of the link goes down. */
  public void linkDown() {
    ip("link", "set", hostIf, "down");
  }

  public void linkUp() {
    ip("link", "set", hostIf, "up");
  }

  /**
   * Resets the peer's own TCP connections from inside its namespace ({@code ss -K}), as the peer's
   * own dead-peer detection would once it noticed. Needed after a blackhole: {@code s_server} serves
   * one connection at a time and blocks reading a connection whose client is long gone.
   */
  public void resetPeerConnections() {
    List<String> cmd = new ArrayList<>(execPrefix());
    cmd.addAll(List.of("ss", "-K", "state", "established"));
    try {
      Processes.run(cmd);
    } catch (IllegalStateException e) {
      // ss -K sometimes reports "Invalid argument" although the sockets were destroyed; what
      // matters is the result, which callers check.
    }
  }

  /** TCP connections of the root namespace (this JVM's side) to the peer, as {@code ss} shows them. */
  public List<String> clientSockets() {
    String out = Processes.run(List.of("ss", "-Htan", "dst", peerAddress()));
    return out.lines().filter(l -> !l.isBlank()).toList();
  }

  // ------------------------------------------------------------------ lifecycle

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    deleteQuietly(name, hostIf, subnet);
  }

  /** Deletes namespaces (and root-side veth ends) left behind by earlier runs whose JVM is gone. */
  public static void removeStale() {
    String namespaces;
    try {
      namespaces = Processes.run(List.of("ip", "netns", "list"));
    } catch (IllegalStateException e) {
      return;
    }
    for (String line : namespaces.lines().toList()) {
      String ns = line.split("\\s+")[0];
      if (!ns.startsWith(NAMESPACE_PREFIX)) continue;
      String[] parts = ns.substring(NAMESPACE_PREFIX.length()).split("-");
      long owner = -1;
      int subnet = -1;
      try {
        owner = Long.parseLong(parts[0]);
        subnet = Integer.parseInt(parts[1]);
      } catch (RuntimeException e) {
        // not of our making after all: delete the namespace only
      }
      if (owner > 0 && ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) continue; // another live run
      deleteQuietly(ns, subnet > 0 ? hostIf(owner, subnet) : null, subnet);
    }
    // Fallback routes whose namespace is gone (a run killed between the two deletions).
    String live = Processes.run(List.of("ip", "netns", "list"));
    Matcher r = FALLBACK_ROUTE.matcher(Processes.run(List.of("ip", "-4", "route", "show")));
    while (r.find()) {
      int x = Integer.parseInt(r.group(1));
      if (!Pattern.compile(Pattern.quote(NAMESPACE_PREFIX) + "\\d+-" + x + "\\b").matcher(live).find()) {
        deleteQuietly(null, null, x);
      }
    }
  }

  private static void deleteQuietly(String ns, String hostIf, int subnet) {
    if (hostIf != null) {
      try {
        // Deleting one end deletes the pair at once (the namespace itself is torn down lazily).
        Processes.run(List.of("ip", "link", "del", hostIf));
      } catch (IllegalStateException ignored) {
        // already gone
      }
    }
    if (ns != null) {
      try {
        Processes.run(List.of("ip", "netns", "del", ns));
      } catch (IllegalStateException ignored) {
        // already gone
      }
    }
    if (subnet > 0) {
      try {
        // Last: until here it keeps packets for the subnet from leaving through the default route.
        Processes.run(List.of("ip", "route", "del", "unreachable", subnet(subnet) + "/24", "metric", FALLBACK_METRIC));
      } catch (IllegalStateException ignored) {
        // already gone
      }
    }
  }

  /** Interface names are at most 15 characters: tth-h + 4 digits of the pid + - + the subnet. */
  private static String ifSuffix(long pid, int subnet) {
    return (pid % 10_000) + "-" + subnet;
  }

  private static String hostIf(long pid, int subnet) {
    return HOST_IF_PREFIX + ifSuffix(pid, subnet);
  }

  /** A 10.231.X.0/24 that no address or route of the root namespace uses yet. */
  private static int freeSubnet() {
    String used = Processes.run(List.of("ip", "-o", "-4", "addr", "show")) + "\n"
        + Processes.run(List.of("ip", "-4", "route", "show", "table", "all"));
    for (int x = 1; x < 255; x++) {
      if (!used.contains("10.231." + x + ".")) return x;
    }
    throw new IllegalStateException("no free 10.231.X.0/24 subnet");
  }

  private static void ip(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("ip");
    cmd.addAll(List.of(args));
    Processes.run(cmd);
  }

  /** Loads a ruleset into the peer namespace; each rule on its own line (nft rejects one-liners). */
  private void nft(String... lines) {
    try {
      Path file = Files.createTempFile("tether-nft-", ".nft");
      try {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        exec("nft", "-f", file.toString());
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
