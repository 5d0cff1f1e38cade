package dev.handoff.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.Session;
import dev.handoff.SessionEvent;
import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.SessionStatus;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Recovery that keeps the intent, in a real Chromium (issue 14): a Gigs checkout link for the sample user that
 * expired, or that was used in another browser, offers to continue by email; the code the server "emails" leads to
 * the review page of a replacement session with the same plan, and confirming lands on the callback. The example
 * server allows recovery for {@code checkoutNewSubscription}.
 */
class BrowserRecoveryTest {
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

  private static Session session(String id) {
    return browser.fx.server.engines().hostedPages().get("gigs:dev", id);
  }

  /** The next code "emailed" to the address after the {@code before}th; sent off the request's thread. */
  private static String nextCode(int before) {
    BrowserFixture.waiting(browser.driver()).until(d -> browser.fx.sentCodes.size() > before);
    String[] sent = browser.fx.sentCodes.get(browser.fx.sentCodes.size() - 1);
    assertThat(sent[0]).isEqualTo("ada@example.com");
    return sent[1];
  }

  /** From the offer on the page: email, code, and the replacement's review page. */
  private static void continueByEmail(String screenshots) {
    assertThat(browser.driver().findElements(By.cssSelector("form[action$='/checkout/recover'] input[type=email]")))
        .hasSize(1);
    int before = browser.fx.sentCodes.size();
    browser.type("email", "ada@example.com");
    browser.submit("recover");

    assertThat(browser.heading()).isEqualTo("Enter your code");
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(browser.fx.base + "/checkout/recover");
    browser.screenshot(screenshots + "-code");
    browser.type("code", nextCode(before));
    browser.submit("recover/verify");

    assertThat(browser.heading()).isEqualTo("Review and confirm");
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(browser.fx.base + "/checkout/session");
    assertThat(browser.text()).contains("Subscribe to a new plan").contains(ServerFixture.SEED_PLAN)
        .contains("Ada Lovelace");
    browser.screenshot(screenshots + "-review");
  }

  @Test
  void anExpiredLinkContinuesByEmailIntoTheSameCheckoutAndLandsOnTheCallback() {
    String callback = browser.side.callback("recovery");
    SeedApi.Link link = SeedApi.GIGS.create(browser.fx, callback);
    browser.fx.clock.advance(Duration.ofHours(2)); // the link lived an hour

    browser.open(link.url());

    assertThat(browser.heading()).isEqualTo("This link has expired");
    assertThat(browser.text()).contains("Subscribe to a new plan").contains("Email me a code");
    assertThat(browser.wayBack().getAttribute("href")).isEqualTo(callback);
    browser.screenshot("recovery-offer");
    continueByEmail("recovery");

    Session original = session(link.sessionId());
    assertThat(original.status()).isEqualTo(SessionStatus.EXPIRED);
    String replacementId = original.recovery().replacedBy();
    Session replacement = session(replacementId);
    assertThat(replacementId).startsWith("csn_");
    assertThat(replacement.recovery().recoveredFrom()).isEqualTo(link.sessionId());
    assertThat(replacement.intent()).isEqualTo(original.intent());
    assertThat(replacement.callbackUrl()).isEqualTo(callback);
    // Chromium's own address and user agent, as Jetty reported them.
    assertThat(replacement.accessLog()).singleElement().satisfies(r -> {
      assertThat(r.step()).isEqualTo(AccessRecord.Step.RECOVERED);
      assertThat(r.clientAddress()).isEqualTo("127.0.0.0/24");
      assertThat(r.userAgent()).contains("Chrome/");
    });
    assertThat(browser.fx.events).filteredOn(e -> e.type() == SessionEvent.Type.RECOVERED)
        .extracting(e -> e.session().id()).contains(replacementId);

    browser.submit("complete");
    browser.waitForCallback(callback);
    browser.screenshot("recovery-callback");
    assertThat(session(replacementId).status()).isEqualTo(SessionStatus.COMPLETED);
    browser.assertCleanConsole(410);
  }

  @Test
  void aLinkUsedInAnotherBrowserMovesHereByEmailAndEndsThere() {
    String callback = browser.side.callback("recovery-used");
    SeedApi.Link link = SeedApi.GIGS.create(browser.fx, callback);
    Chromium phone = browser.second();
    phone.forgetCookies();
    phone.driver().get(link.url());
    BrowserFixture.waitForPage(phone.driver());
    assertThat(phone.driver().findElement(By.tagName("h1")).getText()).isEqualTo("Review and confirm");

    browser.open(link.url());

    assertThat(browser.heading()).isEqualTo("This link is no longer valid");
    assertThat(browser.text()).contains("Email me a code");
    browser.screenshot("recovery-used-link");
    continueByEmail("recovery-used");
    assertThat(session(link.sessionId()).status()).isEqualTo(SessionStatus.LOGGED_OUT);

    // The other browser's session ended with the move: its next page load says so.
    phone.driver().navigate().refresh();
    BrowserFixture.waitForPage(phone.driver());
    assertThat(phone.driver().findElement(By.tagName("h1")).getText()).isEqualTo("Signed out");
    assertThat(phone.driver().findElements(By.cssSelector("form[action$='/checkout/complete']"))).isEmpty();

    browser.submit("complete");
    browser.waitForCallback(callback);
    browser.assertCleanConsole(401);
  }

  @Test
  void aPageLeftIdleSaysItTimedOutAndContinuesByEmail() {
    String callback = browser.side.callback("recovery-idle");
    SeedApi.Link link = SeedApi.GIGS.create(browser.fx, callback);
    browser.open(link.url());
    assertThat(browser.heading()).isEqualTo("Review and confirm");

    browser.fx.clock.advance(Duration.ofMinutes(31)); // the engine's default idle timeout is 30 minutes
    browser.driver().navigate().refresh();
    BrowserFixture.waitForPage(browser.driver());

    assertThat(browser.heading()).isEqualTo("Your session timed out");
    assertThat(browser.wayBack().getAttribute("href")).isEqualTo(callback);
    browser.screenshot("recovery-idle");
    continueByEmail("recovery-idle");
    browser.submit("complete");
    browser.waitForCallback(callback);
    browser.assertCleanConsole(401, 410);
  }

  @Test
  void aPageUsedPastItsTimeSaysTheTimeIsUp() {
    String callback = browser.side.callback("time-up");
    SeedApi.Link link = SeedApi.GIGS.create(browser.fx, callback);
    browser.open(link.url());
    // Active all along (a page load every 25 minutes), but the time in the page is capped at an hour by default.
    for (int load = 0; load < 2; load++) {
      browser.fx.clock.advance(Duration.ofMinutes(25));
      browser.driver().navigate().refresh();
      BrowserFixture.waitForPage(browser.driver());
      assertThat(browser.heading()).isEqualTo("Review and confirm");
    }
    browser.fx.clock.advance(Duration.ofMinutes(11));
    browser.driver().navigate().refresh();
    BrowserFixture.waitForPage(browser.driver());

    assertThat(browser.heading()).isEqualTo("Your time on this page is up");
    assertThat(browser.wayBack().getAttribute("href")).isEqualTo(callback);
    assertThat(browser.driver().findElements(By.cssSelector("form[action$='/checkout/complete']"))).isEmpty();
    browser.screenshot("time-up");
    browser.assertCleanConsole(401, 410);
  }
}
