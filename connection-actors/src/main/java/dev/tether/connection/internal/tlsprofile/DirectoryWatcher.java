package dev.tether.connection.internal.tlsprofile;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * INTERNAL API: tells whenever something in a watched directory is created, deleted, changed or
 * renamed: a file written in place, a file moved over another, or Kubernetes' swap of the {@code
 * ..data} symlink of a mounted secret (a rename within the directory). It says only which directory;
 * deciding whether the content changed is the caller's job.
 *
 * <p>One daemon thread blocks on the {@link WatchService} (inotify on Linux) and hands each
 * directory to {@code onChange}, which must only send a message. {@link #close} ends the thread.
 */
final class DirectoryWatcher implements AutoCloseable {
  private final WatchService service;
  private final Map<WatchKey, Path> directories = new ConcurrentHashMap<>();
  private final Consumer<Path> onChange;

  DirectoryWatcher(String threadName, Consumer<Path> onChange) throws IOException {
    this.service = FileSystems.getDefault().newWatchService();
    this.onChange = onChange;
    Thread thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Watches {@code directory} (again, if it was: one registration per directory). */
  void watch(Path directory) throws IOException {
    WatchKey key = directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
        StandardWatchEventKinds.ENTRY_MODIFY);
    directories.put(key, directory);
  }

  private void run() {
    try {
      while (true) {
        WatchKey key = service.take();
        key.pollEvents(); // which entries does not matter: an overflow counts as a change too
        Path directory = directories.get(key);
        if (!key.reset()) directories.remove(key); // the directory itself is gone
        if (directory != null) onChange.accept(directory);
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      // closed: done
    }
  }

  @Override
  public void close() {
    try {
      service.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
