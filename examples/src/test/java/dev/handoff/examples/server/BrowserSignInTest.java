package dev.handoff.examples.server;

import static dev.handoff.examples.server.ServerFixture.GIGS_KEY;
import static dev.handoff.examples.server.ServerFixture.bearer;
import static dev.handoff.examples.server.ServerFixture.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.spi.SessionStatus;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * A Gigs session without a user, in a real Chromium: email, the one-time code the dev-mode sender prints, and the
 * callback; wrong codes and the lockout; links that never worked; and the page without JavaScript.
 */
class BrowserSignInTest {
  private static final Pattern CONSOLE_CODE = Pattern.compile(
      "\\[DEV MODE ONLY: one-time code, would be emailed] (\\S+) \\(session (\\S+)\\): (\\S+)");

  static BrowserFixture browser;

  @BeforeAll
  static void start() throws Exception {
    browser = BrowserFixture.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
  }

  @BeforeEach
  void freshBrowser() {
    browser.reset();
  }

  /** An unauthenticated Gigs session back to the test's callback page. */
  private SeedApi.Link unauthenticated(String callback) {
    var response = browser.fx.json("POST", "/projects/dev/connectSessions", "{\"callbackUrl\": \"" + callback
        + "\", \"intent\": {\"type\": \"checkoutNewSubscription\", \"checkoutNewSubscription\": {\"plan\": \""
        + ServerFixture.SEED_PLAN + "\"}}}", bearer(GIGS_KEY));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    String id = parse(response).get("id").asText();
    return new SeedApi.Link(SeedApi.GIGS, parse(response).get("url").asText(), id);
  }

  /** The last code the dev-mode console printed for this session; codes are sent off the request's thread. */
  private String consoleCode(SeedApi.Link link) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      Matcher m = CONSOLE_CODE.matcher(browser.fx.console());
      String code = null;
      while (m.find()) {
        if (m.group(2).equals(link.sessionId())) {
          code = m.group(3);
        }
      }
      if (code != null) {
        return code;
      }
      assertThat(System.nanoTime()).as("a code printed for %s in:\n%s", link.sessionId(), browser.fx.console())
          .isLessThan(deadline);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void emailThenCodeThenConfirmLandsOnTheCallback() {
    String callback = browser.side.callback("sign-in");
    SeedApi.Link link = unauthenticated(callback);

    browser.open(link.url());
    assertThat(browser.heading()).isEqualTo("Sign in to continue");
    assertThat(link.status(browser.fx)).isEqualTo(SessionStatus.LOGIN_REQUIRED);
    browser.screenshot("sign-in-email");
    browser.type("email", "ada@example.com");
    browser.submit("login");

    assertThat(browser.heading()).isEqualTo("Enter your code");
    browser.screenshot("sign-in-code");
    browser.type("code", consoleCode(link));
    browser.submit("verify");

    assertThat(browser.heading()).isEqualTo("Review and confirm");
    assertThat(browser.text()).contains("Ada Lovelace");
    browser.screenshot("review");
    browser.chromium.windowSize(390, 844);
    browser.screenshot("review-phone");
    browser.submit("complete");
    browser.waitForCallback(callback);
    assertThat(link.status(browser.fx)).isEqualTo(SessionStatus.COMPLETED);
    browser.assertCleanConsole();
  }

  @Test
  void aWrongCodeSaysSoOnAPageThatCanBeReloadedAndTheRightOneStillWorks() {
    String callback = browser.side.callback("wrong-code");
    SeedApi.Link link = unauthenticated(callback);
    browser.open(link.url());
    browser.type("email", "ada@example.com");
    browser.submit("login");
    String code = consoleCode(link);

    browser.type("code", code.equals("000000") ? "111111" : "000000");
    browser.submit("verify");

    assertThat(browser.text()).contains("That code is not right");
    assertThat(browser.driver().getCurrentUrl()).doesNotEndWith("/checkout/verify");
    browser.screenshot("wrong-code");
    browser.driver().navigate().refresh(); // a GET: no "resubmit the form?" and no second attempt
    BrowserFixture.waitForPage(browser.driver());
    browser.type("code", code);
    browser.submit("verify");
    assertThat(browser.heading()).isEqualTo("Review and confirm");
    browser.assertCleanConsole();
  }

  @Test
  void fiveWrongCodesLockTheCodeAndTheWayBackStaysOpen() {
    String callback = browser.side.callback("lockout");
    SeedApi.Link link = unauthenticated(callback);
    browser.open(link.url());
    browser.type("email", "ada@example.com");
    browser.submit("login");
    String code = consoleCode(link);
    String wrong = code.equals("000000") ? "111111" : "000000";

    for (int i = 0; i < 5; i++) {
      browser.type("code", wrong);
      browser.submit("verify");
    }

    assertThat(browser.text()).contains("Too many wrong codes");
    browser.screenshot("lockout");
    assertThat(link.status(browser.fx)).isEqualTo(SessionStatus.LOGIN_REQUIRED);
    browser.submit("cancel");
    browser.waitForCallback(callback);
    browser.assertCleanConsole();
  }

  @Test
  void garbageAndIncompleteLinksSaySoWithoutAStackTrace() {
    browser.open(browser.fx.base + "/checkout/entry?session=csn_nothing&token=garbage.garbage.garbage");
    assertThat(browser.heading()).isEqualTo("This link is no longer valid");
    assertThat(browser.text()).doesNotContain("Exception");
    browser.screenshot("garbage-link");

    browser.open(browser.fx.base + "/checkout/entry?session=csn_nothing");
    assertThat(browser.heading()).isEqualTo("This link is incomplete");
    browser.assertCleanConsole(400, 401);
  }

  @Test
  void withoutJavaScriptTheLinkContinuesWithAButton() {
    String callback = browser.side.callback("no-script");
    SeedApi.Link link = unauthenticated(callback);
    browser.chromium.javascript(false);

    browser.driver().get(link.url());

    assertThat(browser.heading()).isEqualTo("Continue to your session");
    browser.screenshot("continue");
    assertThat(link.status(browser.fx)).isEqualTo(SessionStatus.OPEN);
    browser.driver().findElement(By.cssSelector("form#continue button")).click();
    BrowserFixture.waitForPage(browser.driver());
    assertThat(browser.heading()).isEqualTo("Sign in to continue");
    assertThat(browser.driver().getCurrentUrl()).doesNotContain("token=");
    browser.submit("cancel");
    browser.waitForCallback(callback);
  }
}
