package dev.handoff.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.spi.SessionStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;

/**
 * Each seed API's link, opened in a real Chromium: to the callback and back, dead links with their way back, a
 * mail scanner fetching the link first, and other sites posting forms to the flow.
 */
class BrowserFlowsTest {
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

  /**
   * One end user's day with a link: a mail scanner fetches it first; the person opens it; another site tries to
   * post the page's form; the person confirms and lands on the app; presses Back; and the link, forwarded to a
   * second browser, is found used.
   */
  @ParameterizedTest
  @EnumSource(SeedApi.class)
  void aLinkSurvivesScannersAndOtherSitesCompletesToTheCallbackAndIsUsedUp(SeedApi api) throws Exception {
    String callback = browser.side.callback(api.slug());
    SeedApi.Link link = api.create(browser.fx, callback);

    // A mail scanner: HEAD and GET, no cookies, no script.
    HttpClient scanner = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    for (String method : new String[] {"HEAD", "GET"}) {
      var response = scanner.send(HttpRequest.newBuilder(URI.create(link.url())).timeout(Duration.ofSeconds(10))
          .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(method).isEqualTo(200);
      assertThat(response.headers().firstValue("Set-Cookie")).as(method).isEmpty();
    }
    assertThat(link.status(browser.fx)).isEqualTo(SessionStatus.OPEN);

    browser.open(link.url());
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(browser.fx.base + "/checkout/session");
    assertThat(link.status(browser.fx)).isEqualTo(SessionStatus.ACTIVE);
    if (api == SeedApi.APIDECK) {
      assertThat(browser.text()).contains("Intercom"); // Apideck's theme names the vault
    }
    browser.screenshot("review-" + api.slug());
    browser.assertCleanConsole();

    refuseOtherSites(api, link, callback);

    browser.submit("complete");
    browser.waitForCallback(callback);
    assertThat(link.status(browser.fx)).isEqualTo(SessionStatus.COMPLETED);

    // Back after completion: a page that says so, with the way back; not "open the link you were given". Chromium
    // may show the review page again from its back/forward cache: confirming it again must lead back too.
    browser.driver().navigate().back();
    BrowserFixture.waitForPage(browser.driver());
    if (!browser.driver().findElements(By.cssSelector("form[action$='/checkout/complete']")).isEmpty()) {
      browser.submit("complete");
    }
    assertThat(browser.text()).doesNotContain("Open the link you were given");
    if (api == SeedApi.GIGS) {
      browser.screenshot("after-completion");
    }
    browser.goBackTo(callback);
    browser.assertCleanConsole(401, 403, 410);

    // Another browser opening the used link.
    Chromium other = browser.second();
    other.forgetCookies();
    other.driver().get(link.url());
    BrowserFixture.waitForPage(other.driver());
    assertThat(other.driver().findElement(By.tagName("h1")).getText()).isEqualTo("This link is no longer valid");
    assertThat(other.driver().findElement(By.cssSelector("a.button")).getAttribute("href")).isEqualTo(callback);
    if (api == SeedApi.GIGS) {
      other.screenshot("used-link");
    }
    assertThat(link.status(browser.fx)).isEqualTo(SessionStatus.COMPLETED);
  }

  @ParameterizedTest
  @EnumSource(SeedApi.class)
  void anExpiredLinkOffersTheWayBack(SeedApi api) {
    String callback = browser.side.callback(api.slug());
    SeedApi.Link link = api.create(browser.fx, callback);
    browser.fx.clock.advance(Duration.ofHours(2));

    browser.open(link.url());

    assertThat(browser.heading()).isEqualTo("This link has expired");
    if (api == SeedApi.GIGS) {
      browser.screenshot("expired-link");
    }
    browser.goBackTo(callback);
    browser.assertCleanConsole(410);
  }

  /**
   * With the person's session live on the review page: other sites auto-submitting forms to the flow are refused,
   * and the person is back on the review page afterwards.
   */
  private static void refuseOtherSites(SeedApi api, SeedApi.Link link, String callback) {
    String complete = browser.fx.base + "/checkout/complete";
    String csrf = browser.driver().findElement(By.cssSelector("form[action$='/checkout/complete'] input[name=csrf]"))
        .getAttribute("value");

    // Cross-site (127.0.0.1 is another site than localhost), even with the right form token.
    browser.driver().get(browser.side.attack("127.0.0.1", complete, Map.of("csrf", csrf)));
    BrowserFixture.waitForPage(browser.driver());
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(complete);
    assertThat(browser.heading()).isEqualTo("This request came from another site");
    if (api == SeedApi.GIGS) {
      browser.screenshot("cross-site-refused");
      // Same-site but another origin (localhost on another port), where the cookie is sent: refused too.
      browser.driver().get(browser.side.attack("localhost", complete, Map.of("csrf", csrf)));
      BrowserFixture.waitForPage(browser.driver());
      assertThat(browser.heading()).isEqualTo("This request came from another site");

      // Nor can another site push the browser into a session of its own choosing (login CSRF).
      SeedApi.Link attackers = api.create(browser.fx, callback);
      String query = URI.create(attackers.url()).getQuery();
      browser.driver().get(browser.side.attack("127.0.0.1", browser.fx.base + "/checkout/entry", Map.of(
          "session", attackers.sessionId(), "token", query.substring(query.indexOf("&token=") + 7))));
      BrowserFixture.waitForPage(browser.driver());
      assertThat(browser.heading()).isEqualTo("This request came from another site");
      assertThat(attackers.status(browser.fx)).isEqualTo(SessionStatus.OPEN);
    }
    assertThat(link.status(browser.fx)).isEqualTo(SessionStatus.ACTIVE);
    browser.assertCleanConsole(403);

    // The person's own session is untouched.
    browser.driver().get(browser.fx.base + "/checkout/session");
    BrowserFixture.waitForPage(browser.driver());
    assertThat(browser.heading()).isEqualTo("Review and confirm");
  }
}
