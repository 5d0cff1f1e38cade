package dev.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.spi.SessionStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every legitimate same-origin POST passes; every cross-site POST is refused with a clear page. */
class CrossSiteTest {
  private final FlowFixture f = new FlowFixture();
  private final Browser browser = f.browser();
  private String sessionId;

  private Map<String, String> onReviewPage() {
    var issued = f.authenticated();
    sessionId = issued.session().id();
    browser.open(issued.url().orElseThrow());
    browser.submit("/entry");
    browser.follow();
    return browser.hiddenFields("/complete");
  }

  private HostedResponse completeWith(Map<String, String> form, String site, String origin) {
    var request = browser.request("POST", "https://connect.example.com/checkout/complete", site);
    if (origin != null) {
      request.header("Origin", origin);
    }
    form.forEach(request::form);
    return browser.send(request.build());
  }

  private SessionStatus status() {
    return f.handoff.get(FlowFixture.TENANT, sessionId).status();
  }

  @Test
  void crossSiteFetchMetadataIsRefusedEvenWithTheRightFormToken() {
    var form = onReviewPage();
    var refused = completeWith(form, "cross-site", "https://evil.example");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.bodyText()).contains("This request came from another site");
    assertThat(completeWith(form, "same-site", "https://sub.connect.example.com").status()).isEqualTo(403);
    assertThat(status()).isEqualTo(SessionStatus.ACTIVE);
  }

  @Test
  void aForeignOriginIsRefusedWithoutFetchMetadata() {
    var form = onReviewPage();
    var noMetadata = HostedRequest.builder("POST", "/complete").header("Origin", "https://evil.example");
    browser.cookies.forEach(noMetadata::cookie);
    form.forEach(noMetadata::form);
    assertThat(browser.send(noMetadata.build()).status()).isEqualTo(403);
    assertThat(status()).isEqualTo(SessionStatus.ACTIVE);
  }

  @Test
  void originNullPassesOnlyWithSameOriginFetchMetadata() {
    var form = onReviewPage();
    var bare = HostedRequest.builder("POST", "/complete").header("Origin", "null");
    browser.cookies.forEach(bare::cookie);
    form.forEach(bare::form);
    assertThat(browser.send(bare.build()).status()).isEqualTo(403);
    assertThat(status()).isEqualTo(SessionStatus.ACTIVE);
    assertThat(completeWith(form, "same-origin", "null").status()).isEqualTo(303);
    assertThat(status()).isEqualTo(SessionStatus.COMPLETED);
  }

  @Test
  void aMissingOrWrongFormTokenIsRefused() {
    var form = onReviewPage();
    var missing = new LinkedHashMap<>(form);
    missing.remove("csrf");
    var refused = completeWith(missing, "same-origin", "https://connect.example.com");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.bodyText()).contains("This page has expired");
    var wrong = new LinkedHashMap<>(form);
    wrong.put("csrf", form.get("csrf").substring(1) + "A");
    assertThat(completeWith(wrong, "same-origin", "https://connect.example.com").status()).isEqualTo(403);
    assertThat(status()).isEqualTo(SessionStatus.ACTIVE);
  }

  @Test
  void aFormTokenOfAnotherBrowserSessionIsRefused() {
    var mine = onReviewPage();
    var other = f.browser();
    other.open(f.authenticated().url().orElseThrow());
    other.submit("/entry");
    other.follow();
    var theirs = other.hiddenFields("/complete");
    assertThat(theirs.get("csrf")).isNotEqualTo(mine.get("csrf"));
    assertThat(completeWith(theirs, "same-origin", "https://connect.example.com").status()).isEqualTo(403);
  }

  @Test
  void aNonBrowserClientWithoutOriginOrMetadataStillNeedsTheFormToken() {
    var form = onReviewPage();
    var bare = HostedRequest.builder("POST", "/complete");
    browser.cookies.forEach(bare::cookie);
    assertThat(browser.send(bare.build()).status()).isEqualTo(403);
    form.forEach(bare::form);
    var bare2 = HostedRequest.builder("POST", "/complete");
    browser.cookies.forEach(bare2::cookie);
    form.forEach(bare2::form);
    assertThat(browser.send(bare2.build()).status()).isEqualTo(303);
  }

  @Test
  void aCrossSiteContinueCannotPlantASessionInTheVictimsBrowser() {
    var issued = f.authenticated();
    var request = browser.request("POST", "https://connect.example.com/checkout/entry", "cross-site")
        .header("Origin", "https://evil.example")
        .form("token", issued.token().orElseThrow());
    var refused = browser.send(request.build());
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.setCookies()).isEmpty();
    assertThat(f.handoff.get(FlowFixture.TENANT, issued.session().id()).status()).isEqualTo(SessionStatus.OPEN);
  }

  @Test
  void everySameOriginPostOfTheFlowPasses() {
    browser.open(f.unauthenticated().url().orElseThrow());
    assertThat(browser.submit("/entry").status()).isEqualTo(303);
    browser.follow();
    assertThat(browser.submit("/login", Map.of("email", "ada@example.com")).status()).isEqualTo(303);
    browser.follow();
    assertThat(browser.submit("/verify", Map.of("code", f.lastCode())).status()).isEqualTo(303);
    browser.follow();
    assertThat(browser.submit("/logout").status()).isEqualTo(303);
  }
}
