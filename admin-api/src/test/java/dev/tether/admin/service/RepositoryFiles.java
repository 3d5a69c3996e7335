package dev.tether.admin.service;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository itself, found from wherever Maven runs the tests (the module or the root). */
final class RepositoryFiles {
  private RepositoryFiles() {}

  /** The root {@code application.conf}: the service's configuration as users run it. */
  static Path applicationConf() {
    Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (!Files.exists(root.resolve("application.conf")) || !Files.exists(root.resolve("admin-api"))) {
      root = root.getParent();
      if (root == null) throw new AssertionError("application.conf not found above " + System.getProperty("user.dir"));
    }
    return root.resolve("application.conf");
  }
}
