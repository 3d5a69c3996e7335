package dev.tether.bench;

import java.net.URI;
import java.nio.file.Path;

/**
 * One {@code tether.jar} service process of the cluster-scale run: its ports, address, log and
 * process, and its memory as measured at each step (set by {@link ClusterScale}).
 */
final class ScaleNode {
  final int index;
  final int remoting;
  final int admin;
  final String address;
  final Path log;
  Process process;
  long startedAt;
  NodeMemory idle;
  NodeMemory loaded;
  NodeMemory afterFailover;

  ScaleNode(int index, int remoting, int admin, Path log) {
    this.index = index;
    this.remoting = remoting;
    this.admin = admin;
    this.address = "127.0.0.1:" + remoting;
    this.log = log;
  }

  String name() {
    return "node-" + (index + 1);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + admin + path);
  }
}
