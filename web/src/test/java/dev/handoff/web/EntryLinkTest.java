package dev.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.spi.SessionStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The link itself: scanners cannot burn it, dead links say so with the way back, bad requests change nothing. */
class EntryLinkTest {
  private final FlowFixture f = new FlowFixture();
  private final Browser browser = f.browser();

  @Test
  void scannerGetAndHeadWithoutCookiesDoNotConsumeTheLink() {
    var issued = f.authenticated();
    String url = issued.url().orElseThrow();
    var scanner = f.browser();
    var head = scanner.head(url);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.bodyLength()).isZero();
    assertThat(head.contentType()).contains("text/html; charset=utf-8");
    assertThat(scanner.get(url).status()).isEqualTo(200);
    assertThat(scanner.open(url).status()).isEqualTo(200);
    assertThat(head.setCookies()).isEmpty();
    assertThat(scanner.cookies).isEmpty();
    assertThat(f.handoff.get(FlowFixture.TENANT, issued.session().id()).status()).isEqualTo(SessionStatus.OPEN);

    browser.open(url);
    assertThat(browser.submit("/entry").status()).isEqualTo(303);
    assertThat(browser.follow().bodyText()).contains("Subscribe to plan Pro");
  }

  @Test
  void continuePageSubmitsByNoncedScriptWithAButtonFallback() {
    var page = browser.open(f.authenticated().url().orElseThrow());
    String csp = page.header("Content-Security-Policy").orElseThrow();
    String nonce = csp.replaceAll(".*script-src 'nonce-([^']+)'.*", "$1");
    assertThat(page.bodyText())
        .contains("<script nonce=\"" + nonce + "\">")
        .contains("document.getElementById(\"continue\").submit()")
        .contains("history.replaceState")
        .contains("<button type=\"submit\" class=\"primary\">Continue</button>");
  }

  @Test
  void redeemOnGetOptionConsumesOnGetButNeverOnHead() {
    var f2 = new FlowFixture("https://connect.example.com", "/checkout", b -> b.redeemOnGet(true));
    var issued = f2.authenticated();
    var b2 = f2.browser();
    assertThat(b2.head(issued.url().orElseThrow()).status()).isEqualTo(200);
    assertThat(f2.handoff.get(FlowFixture.TENANT, issued.session().id()).status()).isEqualTo(SessionStatus.OPEN);
    var got = b2.open(issued.url().orElseThrow());
    assertThat(got.status()).isEqualTo(303);
    assertThat(got.setCookies()).hasSize(1);
    assertThat(f2.handoff.get(FlowFixture.TENANT, issued.session().id()).status()).isEqualTo(SessionStatus.ACTIVE);
  }

  @Test
  void aUsedLinkInAnotherBrowserSaysSoWithTheWayBack() {
    String url = f.authenticated().url().orElseThrow();
    browser.open(url);
    browser.submit("/entry");
    var other = f.browser();
    other.open(url);
    var refused = other.submit("/entry");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.bodyText()).contains("This link is no longer valid")
        .contains("href=\"https://app.example.com/done?x=1\"");
    assertThat(refused.setCookies()).isEmpty();
  }

  @Test
  void theSameBrowserOpeningItsUsedLinkAgainGoesOnWhereItWas() {
    String url = f.authenticated().url().orElseThrow();
    browser.open(url);
    browser.submit("/entry");
    String cookie = browser.cookies.get("__Host-handoff");
    var again = browser.open(url);
    assertThat(again.status()).isEqualTo(303);
    assertThat(again.header("Location")).contains("https://connect.example.com/checkout/session");
    assertThat(browser.cookies.get("__Host-handoff")).isEqualTo(cookie);
  }

  @Test
  void anExpiredLinkSaysSoWithTheWayBack() {
    String url = f.authenticated().url().orElseThrow();
    f.clock.advance(Duration.ofHours(2));
    browser.open(url);
    var expired = browser.submit("/entry");
    assertThat(expired.status()).isEqualTo(410);
    assertThat(expired.bodyText()).contains("This link has expired").contains("href=\"https://app.example.com/done?x=1\"");
  }

  @Test
  void garbageAndIncompleteLinksGetAClearPage() {
    browser.open("https://connect.example.com/checkout/entry?session=csn_x&token=garbage");
    var garbage = browser.submit("/entry");
    assertThat(garbage.status()).isEqualTo(401);
    assertThat(garbage.bodyText()).contains("This link is no longer valid");
    var incomplete = f.browser().open("https://connect.example.com/checkout/entry");
    assertThat(incomplete.status()).isEqualTo(400);
    assertThat(incomplete.bodyText()).contains("This link is incomplete");
  }

  @Test
  void oversizedOrOddParametersAreNotEchoedIntoThePage() {
    var huge = browser.open("https://connect.example.com/checkout/entry?token=" + "a".repeat(20_000));
    assertThat(huge.status()).isEqualTo(400);
    assertThat(huge.bodyLength()).isLessThan(10_000);
    var odd = browser.open("https://connect.example.com/checkout/entry?session=%22%3E%3Cx&token=abc");
    assertThat(odd.status()).isEqualTo(200);
    assertThat(odd.bodyText()).doesNotContain("name=\"session\" value=").contains("name=\"token\" value=\"abc\"");
  }

  @Test
  void onlyKnownNoticesAreShown() {
    browser.open(f.authenticated().url().orElseThrow());
    browser.submit("/entry");
    assertThat(browser.get("https://connect.example.com/checkout/session?notice=Hello+there").bodyText())
        .doesNotContain("role=\"alert\"").doesNotContain("Hello");
    assertThat(browser.get("https://connect.example.com/checkout/session?notice=wrong-code").bodyText())
        .contains("role=\"alert\"");
  }

  @Test
  void aBadEntryRequestNeverTouchesALiveCookie() {
    browser.open(f.authenticated().url().orElseThrow());
    browser.submit("/entry");
    String cookie = browser.cookies.get("__Host-handoff");
    var bad = browser.post("/entry", Map.of("token", "garbage"));
    assertThat(bad.status()).isEqualTo(401);
    assertThat(bad.setCookies()).isEmpty();
    assertThat(browser.open("https://connect.example.com/checkout/entry?token=").setCookies()).isEmpty();
    assertThat(browser.cookies.get("__Host-handoff")).isEqualTo(cookie);
    assertThat(browser.get("https://connect.example.com/checkout/session").bodyText()).contains("Ada Lovelace");
  }

  @Test
  void aFailingRendererOrDirectoryGivesA500PageWithTheSecurityHeaders() {
    var broken = new FlowFixture("https://connect.example.com", "/checkout", b -> b.pageRenderer(page -> {
      if (page.kind() == HostedPage.Kind.REVIEW || page.kind() == HostedPage.Kind.PROBLEM) {
        throw new IllegalStateException("template bug");
      }
      return PageRenderer.defaults().render(page);
    }));
    var b2 = broken.browser();
    b2.open(broken.authenticated().url().orElseThrow());
    b2.submit("/entry");
    var failed = b2.follow();
    assertThat(failed.status()).isEqualTo(500);
    assertThat(failed.bodyText()).contains("Something went wrong");
    assertThat(failed.header("Content-Security-Policy")).isPresent();
    assertThat(failed.setCookies()).isEmpty();
  }

  @Test
  void unknownRoutesAndMethodsAreRefusedWithAPage() {
    assertThat(browser.get("https://connect.example.com/checkout/nope").status()).isEqualTo(404);
    var put = browser.send(browser.request("PUT", "https://connect.example.com/checkout/entry", "same-origin")
        .build());
    assertThat(put.status()).isEqualTo(405);
    assertThat(put.header("Allow")).contains("GET, HEAD, POST");
    assertThat(browser.get("https://connect.example.com/checkout/complete").status()).isEqualTo(405);
    assertThat(browser.get("https://connect.example.com/checkout/session").status()).isEqualTo(401);
  }

  @Test
  void noTokenInAnyLocationAfterTheContinue() {
    var issued = f.authenticated();
    String token = issued.token().orElseThrow();
    browser.open(issued.url().orElseThrow());
    var continued = browser.submit("/entry");
    assertThat(continued.header("Location").orElseThrow()).doesNotContain(token).doesNotContain("token=");
    var review = browser.follow();
    assertThat(review.bodyText()).doesNotContain(token);
    for (var h : continued.headers()) {
      if (!h.name().equals("Set-Cookie")) {
        assertThat(h.value()).doesNotContain(token);
      }
    }
  }
}
