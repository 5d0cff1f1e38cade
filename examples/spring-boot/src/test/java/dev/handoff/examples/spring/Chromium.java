package dev.handoff.examples.spring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * One headless Debian Chromium with a fresh profile, driven by Selenium through Debian's chromedriver: the setup of
 * the examples module's browser tests. Both programs are named explicitly ({@code /usr/bin/chromium},
 * {@code /usr/bin/chromedriver}, or {@code HANDOFF_TEST_CHROMIUM} and {@code HANDOFF_TEST_CHROMEDRIVER}), so
 * Selenium Manager never downloads a browser. Where they are missing, {@link #start()} skips the test with the
 * reason, unless {@code HANDOFF_TEST_BROWSER=required} (as CI sets), where it fails instead. Not thread-safe.
 */
final class Chromium implements AutoCloseable {
  static final Path BINARY = Path.of(env("HANDOFF_TEST_CHROMIUM", "/usr/bin/chromium"));
  static final Path DRIVER = Path.of(env("HANDOFF_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
  /** Where screenshots go: this module's build directory. */
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;
  private final Path profile;

  private Chromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Starts a browser, or skips (fails, when required) the calling test if Chromium or chromedriver is missing. */
  static Chromium start() {
    assumeAvailable();
    Path profile;
    try {
      profile = Files.createTempDirectory("handoff-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var options = new ChromeOptions();
    options.setBinary(BINARY.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", "--password-store=basic", "--window-size=1024,900",
        "--user-data-dir=" + profile);
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    var service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort()
        .withTimeout(Duration.ofSeconds(30)).build();
    var driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20)).scriptTimeout(Duration.ofSeconds(10));
    return new Chromium(driver, profile);
  }

  private static void assumeAvailable() {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(BINARY)) {
      missing.add(BINARY.toString());
    }
    if (!Files.isExecutable(DRIVER)) {
      missing.add(DRIVER.toString());
    }
    if (missing.isEmpty()) {
      return;
    }
    String reason = "no browser to test with: " + String.join(" and ", missing) + " missing (install Debian's "
        + "chromium and chromium-driver: apt-get install chromium chromium-driver)";
    if ("required".equals(System.getenv("HANDOFF_TEST_BROWSER"))) {
      Assertions.fail(reason + "; HANDOFF_TEST_BROWSER=required");
    }
    Assumptions.abort(reason);
  }

  ChromeDriver driver() {
    return driver;
  }

  /** Saves what the browser shows as {@code target/screenshots/<name>.png}. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The console's warnings and errors since the last call (CSP violations, script errors, failed loads). */
  List<String> consoleProblems() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
        .map(LogEntry::toString).toList();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // A temporary directory left behind is no failure.
      }
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
