package dev.handoff.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What a browser test class shares: the example server, the other sites ({@link SidePages}), one Chromium, and a
 * second one on demand for "another browser". {@link #reset()} before each test gives a browser without cookies.
 */
final class BrowserFixture implements AutoCloseable {
  final Chromium chromium;
  final ServerFixture fx;
  final SidePages side;
  private Chromium second;

  private BrowserFixture(Chromium chromium, ServerFixture fx, SidePages side) {
    this.chromium = chromium;
    this.fx = fx;
    this.side = side;
  }

  /** Starts Chromium first, so that a machine without it skips before any server starts. */
  static BrowserFixture start() throws Exception {
    Chromium chromium = Chromium.start();
    try {
      return new BrowserFixture(chromium, new ServerFixture(), new SidePages());
    } catch (Exception | Error e) {
      chromium.close();
      throw e;
    }
  }

  /** A browser that has never been here: no cookies, JavaScript on, a laptop's window, an empty console. */
  void reset() {
    chromium.forgetCookies();
    chromium.javascript(true);
    chromium.windowSize(1024, 900);
    chromium.consoleProblems();
  }

  ChromeDriver driver() {
    return chromium.driver();
  }

  /** Another browser with its own cookies, started on first use. */
  Chromium second() {
    if (second == null) {
      second = Chromium.start();
    }
    return second;
  }

  /** Opens a link as a person would, and waits until the flow settled on a page of the hosted flow. */
  void open(String url) {
    driver().get(url);
    waitForPage(driver());
  }

  /** Waits until the page has its heading and, if it was the continue page, has continued. */
  static void waitForPage(ChromeDriver driver) {
    waiting(driver).until(d -> !d.findElements(By.tagName("h1")).isEmpty()
        && "complete".equals(((ChromeDriver) d).executeScript("return document.readyState"))
        && d.findElements(By.id("continue")).isEmpty());
  }

  /** Waits of up to 10 seconds that look often: the pages are local and fast. */
  static WebDriverWait waiting(org.openqa.selenium.WebDriver driver) {
    var wait = new WebDriverWait(driver, Duration.ofSeconds(10));
    wait.pollingEvery(Duration.ofMillis(20));
    return wait;
  }

  /** Clicks the submit button of the form posting to {@code /checkout/<route>}, and waits for the next page. */
  void submit(String route) {
    String before = driver().getCurrentUrl();
    WebElement button = driver().findElement(By.cssSelector("form[action$='/checkout/" + route + "'] button"));
    button.click();
    waiting(driver()).until(d -> d.findElements(By.cssSelector(
        "form[action$='/checkout/" + route + "'] button")).isEmpty() || !d.getCurrentUrl().equals(before)
        || stale(button));
    waitForPage(driver());
  }

  private static boolean stale(WebElement element) {
    try {
      element.isEnabled();
      return false;
    } catch (org.openqa.selenium.StaleElementReferenceException e) {
      return true;
    }
  }

  /** Types into the field with this id. */
  void type(String id, String text) {
    WebElement field = driver().findElement(By.id(id));
    field.clear();
    field.sendKeys(text);
  }

  String heading() {
    return driver().findElement(By.tagName("h1")).getText();
  }

  /** The visible text of the page. */
  String text() {
    return driver().findElement(By.tagName("body")).getText();
  }

  /** The page's way back (a link to the callback), which must be there. */
  WebElement wayBack() {
    List<WebElement> links = driver().findElements(By.cssSelector("a.button"));
    assertThat(links).as("a way back on:\n%s", text()).isNotEmpty();
    return links.get(0);
  }

  /** Follows the way back and checks that it leads to the app's callback page. */
  void goBackTo(String callback) {
    WebElement link = wayBack();
    assertThat(link.getAttribute("href")).isEqualTo(callback);
    link.click();
    waitForCallback(callback);
  }

  /** Waits until the browser is on the app's callback page. */
  void waitForCallback(String callback) {
    waiting(driver()).until(d -> d.getCurrentUrl().equals(callback));
    assertThat(heading()).isEqualTo("Back in the app");
  }

  /**
   * Checks that the console has no warning or error since the last check, except the failed loads of documents
   * answered with one of {@code statuses} on purpose (an error page's status shows as a failed load).
   */
  void assertCleanConsole(int... statuses) {
    List<String> problems = chromium.consoleProblems().stream()
        .filter(p -> Arrays.stream(statuses).noneMatch(s -> p.contains("status of " + s + " ")))
        .toList();
    assertThat(problems).as("console problems").isEmpty();
  }

  void screenshot(String name) {
    chromium.screenshot(name);
  }

  @Override
  public void close() throws Exception {
    try (chromium; fx; side) {
      if (second != null) {
        second.close();
      }
    }
  }
}
