package dev.tether.admin.service;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's {@code chromium}, headless, driven through Debian's {@code chromedriver} (packages
 * chromium and chromium-driver, same version): Selenium is given both paths, so it downloads
 * nothing. Without them the calling test is skipped with a message, unless {@code CI=true}, where
 * it fails: CI installs both (.ci/run) and must run the browser test.
 */
final class HeadlessChromium {
  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private HeadlessChromium() {}

  static boolean installed() {
    return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
  }

  /** Skips the calling test when {@link #installed()} is false, or fails it when {@code CI=true}. */
  static void require() {
    for (Path p : new Path[] {BROWSER, DRIVER}) {
      if (Files.isExecutable(p)) continue;
      String message = p + " is not installed: the console's browser test needs Debian's chromium and chromium-driver"
          + " (apt-get install chromium chromium-driver; .ci/run installs them)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError("CI=true, so this test is required, but " + message);
      Assumptions.abort(message + ". Skipped.");
    }
  }

  /**
   * A fresh browser with its own profile in {@code profileDir}, W3C BiDi on (to see every request
   * it makes), and chromedriver's log in {@code driverLog}.
   */
  static ChromeDriver start(Path profileDir, Path driverLog) throws IOException {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.enableBiDi();
    options.addArguments(
        "--headless=new", "--no-sandbox" /* CI runs as root */, "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1600,1000", "--user-data-dir=" + profileDir, "--no-first-run",
        // This machine's network is closed: no background requests to Google's hosts.
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic");
    Files.createDirectories(driverLog.getParent());
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(DRIVER.toString()))
        .usingAnyFreePort()
        .withLogOutput(new FileOutputStream(driverLog.toFile()))
        .build();
    return new ChromeDriver(service, options);
  }
}
