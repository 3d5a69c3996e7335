package dev.tether.admin.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.bidi.module.LogInspector;
import org.openqa.selenium.bidi.module.Network;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless Chromium against the real service: the repository's
 * application.conf (the demo: a jobs listener and demo-1..3 connected to it) with a token set.
 * The page must ask for the token, then show the demo connections live, close one with its button
 * and show the outcome, and never put the token in a URL: every request the browser sends is
 * recorded through WebDriver BiDi. Each test leaves a screenshot in target/console-browser/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("browser")
@Tag("service")
class ConsoleBrowserIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path ARTIFACTS = Path.of("target", "console-browser").toAbsolutePath();
  private static final String TOKEN = "console-" + UUID.randomUUID();

  private ServiceProcess service;
  private String base;

  private ChromeDriver driver;
  private WebDriverWait wait;
  private Network network;
  private LogInspector logs;
  private final List<String> requested = Collections.synchronizedList(new ArrayList<>());
  private final List<String> scriptErrors = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  void startService() throws Exception {
    if (!HeadlessChromium.installed()) return; // each test then says why it is skipped (or fails, with CI=true)
    service = ServiceProcess.builder("tether service").config(RepositoryFiles.applicationConf())
        .env("TETHER_JOBS_PORT", String.valueOf(ServiceProcess.freePort()))
        .env("TETHER_ADMIN_TOKEN", TOKEN)
        .start();
    base = service.awaitReady(WAIT);
  }

  @AfterAll
  void stopService() throws InterruptedException {
    if (service == null) return;
    service.stop();
    service.close();
  }

  @BeforeEach
  void startBrowser(TestInfo test, @TempDir Path profile) throws IOException {
    HeadlessChromium.require();
    requested.clear();
    scriptErrors.clear();
    driver = HeadlessChromium.start(profile, ARTIFACTS.resolve(name(test) + "-chromedriver.log"));
    wait = new WebDriverWait(driver, WAIT);
    network = new Network(driver);
    network.onBeforeRequestSent(r -> requested.add(r.getRequest().getUrl()));
    logs = new LogInspector(driver);
    logs.onJavaScriptException(e -> scriptErrors.add(e.getText()));
  }

  @AfterEach
  void screenshotAndQuit(TestInfo test) throws IOException {
    if (driver == null) return;
    try {
      // The artifact, also (and above all) when the test failed.
      Files.write(ARTIFACTS.resolve(name(test) + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    } finally {
      logs.close();
      network.close();
      driver.quit();
      driver = null;
    }
  }

  @Test
  void asksForTheTokenOnceAndNeverPutsItInAUrl() {
    driver.get(base + "/");
    WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-input")));
    assertFalse(driver.findElement(By.id("main")).isDisplayed(), "no data before the token");

    input.sendKeys("not-the-token");
    driver.findElement(By.cssSelector("#token-form button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("token-problem"), "refused"));

    driver.findElement(By.id("token-input")).sendKeys(TOKEN);
    driver.findElement(By.cssSelector("#token-form button[type=submit]")).click();
    awaitOpen("demo-1");
    assertFalse(driver.findElement(By.id("token-form")).isDisplayed());
    assertEquals(TOKEN, driver.executeScript("return sessionStorage.getItem('tether.admin.token')"));

    // Asked once: the tab keeps it, also for the page under /ui/.
    driver.get(base + "/ui/");
    awaitOpen("demo-1");
    assertFalse(driver.findElement(By.id("token-form")).isDisplayed(), "asked for the token again");

    assertNoTokenInAnyUrl();
    assertTrue(requested.stream().anyMatch(u -> u.endsWith("/events")), "the event stream was not requested: " + requested);
    assertTrue(scriptErrors.isEmpty(), "script errors: " + scriptErrors);
  }

  @Test
  void showsTheDemoConnectionsLiveAndClosesOneWithTheButton() throws InterruptedException {
    signIn();
    for (String id : List.of("demo-1", "demo-2", "demo-3")) awaitOpen(id);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("stream"), "live"));
    WebElement inbound = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-id^='jobs-']")));
    assertEquals("inbound", inbound.findElement(By.cssSelector("td.direction")).getText());
    WebElement demo2 = row("demo-2");
    assertEquals("outbound", demo2.findElement(By.cssSelector("td.direction")).getText());
    // An event may have shown the state before the rest of the view arrived: wait for it.
    wait.until(ExpectedConditions.textToBe(rowCell("demo-2", "tls"), "TLSv1.3"));
    assertEquals("127.0.0.1:" + listenerPort(), demo2.findElement(By.cssSelector("td.remote")).getText());

    // Close demo-2 gracefully with the button: its outcome appears in its row and in the panel.
    demo2.findElement(By.cssSelector("td.id button")).click();
    wait.until(ExpectedConditions.textToBe(By.id("d-id"), "demo-2"));
    new Select(driver.findElement(By.id("d-mode"))).selectByVisibleText("graceful");
    driver.findElement(By.id("d-close")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("d-result"), "clean"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(rowCell("demo-2", "outcome"), "clean"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(rowCell("demo-2", "state"), "closed"));
    // The listener's end of it ended too: only the event stream and the poll tell the page that.
    wait.until(d -> !d.findElements(By.cssSelector("tr[data-id^='jobs-'] td.outcome .badge")).isEmpty());

    // Filters: open outbound connections only.
    new Select(driver.findElement(By.id("filter-state"))).selectByVisibleText("open");
    new Select(driver.findElement(By.id("filter-direction"))).selectByVisibleText("outbound");
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-id='demo-2']")));
    assertFalse(row("jobs-1").isDisplayed());
    assertTrue(row("demo-1").isDisplayed());

    // Back to everything, for the screenshot: the closed one struck through, with its outcome.
    new Select(driver.findElement(By.id("filter-state"))).selectByVisibleText("all");
    new Select(driver.findElement(By.id("filter-direction"))).selectByVisibleText("all");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-id='demo-2'].removed")));

    // The listener is listed (not clustered: no cluster part).
    assertTrue(driver.findElement(By.id("listeners")).getText().contains("jobs"));
    assertFalse(driver.findElement(By.id("cluster-part")).isDisplayed());
    assertNoTokenInAnyUrl();
    assertTrue(scriptErrors.isEmpty(), "script errors: " + scriptErrors);
  }

  // ---------------------------------------------------------------- helpers

  private void signIn() {
    driver.get(base + "/");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-input"))).sendKeys(TOKEN);
    driver.findElement(By.cssSelector("#token-form button[type=submit]")).click();
  }

  private void awaitOpen(String id) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(rowCell(id, "state"), "open"));
  }

  private WebElement row(String id) {
    return driver.findElement(By.cssSelector("tr[data-id='" + id + "']"));
  }

  private static By rowCell(String id, String column) {
    return By.cssSelector("tr[data-id='" + id + "'] td." + column);
  }

  private String listenerPort() throws InterruptedException {
    String line = service.output().await(l -> l.contains("all configured listeners bound: jobs on 127.0.0.1:"), WAIT);
    return line.replaceAll(".*jobs on 127\\.0\\.0\\.1:(\\d+).*", "$1");
  }

  private void assertNoTokenInAnyUrl() {
    List<String> urls;
    synchronized (requested) {
      urls = List.copyOf(requested);
    }
    assertFalse(urls.isEmpty(), "no request was recorded");
    String encoded = URLEncoder.encode(TOKEN, StandardCharsets.UTF_8);
    for (String url : urls) {
      assertFalse(url.contains(TOKEN) || url.contains(encoded), "the token is in a URL: " + url);
    }
  }

  private static String name(TestInfo test) {
    return test.getTestMethod().map(m -> m.getName()).orElse("console");
  }
}
