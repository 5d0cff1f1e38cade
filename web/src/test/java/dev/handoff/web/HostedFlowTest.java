package dev.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.spi.SessionStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hosted flow end to end through the request/response view, as a browser drives it. */
class HostedFlowTest {
  private final FlowFixture f = new FlowFixture();
  private final Browser browser = f.browser();

  @Test
  void authenticatedSessionContinuesReviewsAndCompletesToTheCallback() {
    var issued = f.authenticated();
    var entry = browser.open(issued.url().orElseThrow());
    assertThat(entry.status()).isEqualTo(200);
    assertThat(entry.bodyText()).contains("action=\"/checkout/entry\"").contains("Continue");
    assertThat(f.handoff.get(FlowFixture.TENANT, issued.session().id()).status()).isEqualTo(SessionStatus.OPEN);

    var continued = browser.submit("/entry");
    assertThat(continued.status()).isEqualTo(303);
    assertThat(continued.header("Location")).contains("https://connect.example.com/checkout/session");
    assertThat(browser.cookies).containsKey("__Host-handoff");

    var review = browser.follow();
    assertThat(review.status()).isEqualTo(200);
    assertThat(review.bodyText())
        .contains("Subscribe to plan Pro")
        .contains("<dt>Plan</dt><dd>Pro</dd>")
        .contains("Ada Lovelace (ada@example.com)")
        .doesNotContain("checkoutNewSubscription");

    var completed = browser.submit("/complete");
    assertThat(completed.status()).isEqualTo(303);
    assertThat(completed.header("Location")).contains("https://app.example.com/done?x=1");
    assertThat(f.handoff.get(FlowFixture.TENANT, issued.session().id()).status())
        .isEqualTo(SessionStatus.COMPLETED);
  }

  @Test
  void unauthenticatedSessionSignsInWithEmailAndCodeThenCompletes() {
    var issued = f.unauthenticated();
    browser.open(issued.url().orElseThrow());
    browser.submit("/entry");
    var signIn = browser.follow();
    assertThat(signIn.bodyText()).contains("action=\"/checkout/login\"").contains("type=\"email\"")
        .contains("<label for=\"email\">");

    browser.submit("/login", Map.of("email", "ada@example.com"));
    var codePage = browser.follow();
    assertThat(codePage.bodyText()).contains("action=\"/checkout/verify\"").contains("autocomplete=\"one-time-code\"");
    assertThat(f.codes).hasSize(1);

    browser.submit("/verify", Map.of("code", f.lastCode()));
    var review = browser.follow();
    assertThat(review.bodyText()).contains("Ada Lovelace").contains("action=\"/checkout/complete\"");

    var completed = browser.submit("/complete");
    assertThat(completed.header("Location")).contains("https://app.example.com/done");
    assertThat(f.handoff.get(FlowFixture.TENANT, issued.session().id()).status())
        .isEqualTo(SessionStatus.COMPLETED);
  }

  @Test
  void wrongCodeRedirectsAndTheMessageShowsOnTheGet() {
    browser.open(f.unauthenticated().url().orElseThrow());
    browser.submit("/entry");
    browser.follow();
    browser.submit("/login", Map.of("email", "ada@example.com"));
    browser.follow();

    var wrong = browser.submit("/verify", Map.of("code", "000000".equals(f.lastCode()) ? "111111" : "000000"));
    assertThat(wrong.status()).isEqualTo(303);
    assertThat(wrong.bodyLength()).isZero();
    var page = browser.follow();
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.bodyText()).contains("role=\"alert\"").contains("That code is not right")
        .contains("action=\"/checkout/verify\"");
  }

  @Test
  void lockoutAfterTooManyWrongCodesOffersANewCodeAndTheWayBack() {
    browser.open(f.unauthenticated().url().orElseThrow());
    browser.submit("/entry");
    browser.follow();
    browser.submit("/login", Map.of("email", "ada@example.com"));
    browser.follow();
    String wrong = "000000".equals(f.lastCode()) ? "111111" : "000000";
    for (int i = 0; i < 5; i++) {
      browser.submit("/verify", Map.of("code", wrong));
      browser.follow();
    }
    var locked = browser.last;
    assertThat(locked.bodyText()).contains("Too many wrong codes").contains("action=\"/checkout/login\"")
        .contains("action=\"/checkout/cancel\"");
    // The right code no longer works for this challenge.
    String csrf = browser.hiddenFields("/login").get("csrf");
    browser.post("/verify", Map.of("csrf", csrf, "code", f.lastCode()));
    assertThat(browser.follow().bodyText()).doesNotContain("Signed in as").contains("action=\"/checkout/login\"");

    var cancelled = browser.submit("/cancel");
    assertThat(cancelled.header("Location")).contains("https://app.example.com/done");
  }

  @Test
  void cancelEndsTheBrowserSessionAndGoesBackToTheCallback() {
    var issued = f.authenticated();
    browser.open(issued.url().orElseThrow());
    browser.submit("/entry");
    browser.follow();
    var cancelled = browser.submit("/cancel");
    assertThat(cancelled.status()).isEqualTo(303);
    assertThat(cancelled.header("Location")).contains("https://app.example.com/done?x=1");
    assertThat(f.handoff.get(FlowFixture.TENANT, issued.session().id()).status())
        .isEqualTo(SessionStatus.LOGGED_OUT);
  }

  @Test
  void signOutShowsAPageWithTheWayBack() {
    browser.open(f.authenticated().url().orElseThrow());
    browser.submit("/entry");
    browser.follow();
    var out = browser.submit("/logout");
    assertThat(out.status()).isEqualTo(303);
    var page = browser.follow();
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.bodyText()).contains("Signed out").contains("href=\"https://app.example.com/done?x=1\"");
  }

  @Test
  void aPageLeftIdleSaysItTimedOutNotThatTheEndUserSignedOut() {
    browser.open(f.handoff.create(FlowFixture.checkout().user("usr_ada").idleTimeout("10m")
        .callbackUrl("https://app.example.com/done?x=1").build()).url().orElseThrow());
    browser.submit("/entry");
    browser.follow();
    f.clock.advance(Duration.ofMinutes(10));
    var page = browser.get("https://connect.example.com/checkout/session");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.bodyText()).contains("Your session timed out").doesNotContain("Signed out")
        .contains("href=\"https://app.example.com/done?x=1\"");
  }

  @Test
  void aPageInUseUntilItsCapSaysItsTimeIsUpNotThatTheLinkExpired() {
    browser.open(f.handoff.create(FlowFixture.checkout().user("usr_ada").idleTimeout("10m").activeLifetime("20m")
        .callbackUrl("https://app.example.com/done?x=1").build()).url().orElseThrow());
    browser.submit("/entry");
    browser.follow();
    for (int i = 0; i < 2; i++) {
      f.clock.advance(Duration.ofMinutes(9));
      assertThat(browser.get("https://connect.example.com/checkout/session").bodyText()).contains("Signed in as");
    }
    f.clock.advance(Duration.ofMinutes(2));
    var page = browser.get("https://connect.example.com/checkout/session");
    assertThat(page.bodyText()).contains("Your time on this page is up").doesNotContain("This link has expired")
        .contains("href=\"https://app.example.com/done?x=1\"");
  }

  @Test
  void signingInRotatesTheCookieAndTheOldSecretStopsWorking() {
    browser.open(f.unauthenticated().url().orElseThrow());
    browser.submit("/entry");
    browser.follow();
    String before = browser.cookies.get("__Host-handoff");
    browser.submit("/login", Map.of("email", "ada@example.com"));
    browser.follow();
    var verified = browser.submit("/verify", Map.of("code", f.lastCode()));
    assertThat(verified.setCookies()).singleElement().asString()
        .startsWith("__Host-handoff=hb1.").endsWith("; Path=/; Secure; HttpOnly; SameSite=Lax");
    String after = browser.cookies.get("__Host-handoff");
    assertThat(after).isNotEqualTo(before);
    assertThat(browser.follow().bodyText()).contains("Ada Lovelace");

    var fixated = f.browser();
    fixated.cookies.put("__Host-handoff", before);
    var page = fixated.get("https://connect.example.com/checkout/session");
    assertThat(page.bodyText()).doesNotContain("Ada Lovelace").contains("This session has ended");
  }

  @Test
  void theSessionsLocaleAndThemeWinOverTheBrowser() {
    var issued = f.handoff.create(FlowFixture.checkout().user("usr_ada").locale("de-CH")
        .theme(new dev.handoff.Theme("Acme Mobil", "https://cdn.example.com/logo.svg", "#0b6e4f"))
        .callbackUrl("https://app.example.com/done").build());
    browser.open(issued.url().orElseThrow());
    browser.submit("/entry");
    var review = browser.follow();
    assertThat(review.bodyText()).contains("<html lang=\"de\">").contains("Tarif Pro abonnieren")
        .contains("src=\"https://cdn.example.com/logo.svg\" alt=\"Acme Mobil\"").contains("--primary:#0b6e4f")
        .contains("<title>Prüfen und bestätigen – Acme Mobil</title>");
    browser.submit("/complete");
    var back = browser.get("https://connect.example.com/checkout/session");
    assertThat(back.bodyText()).contains("Fertig").contains("Zurück zu Acme Mobil");
  }

  @Test
  void backAfterCompletionShowsAnEndPageWithTheWayBackNotTheLinkAdvice() {
    browser.open(f.authenticated().url().orElseThrow());
    browser.submit("/entry");
    browser.follow();
    browser.submit("/complete");
    // Back: the browser shows the session page again, and (no-store) fetches it anew.
    var back = browser.get("https://connect.example.com/checkout/session");
    assertThat(back.status()).isEqualTo(200);
    assertThat(back.bodyText()).contains("All done").contains("href=\"https://app.example.com/done?x=1\"")
        .doesNotContain("Open the link you were given");
    // Back once more, to the entry page (whose address lost its token).
    var entryAgain = browser.get("https://connect.example.com/checkout/entry");
    assertThat(entryAgain.status()).isEqualTo(303);
    assertThat(browser.follow().bodyText()).contains("href=\"https://app.example.com/done?x=1\"");
  }

  @Test
  void completedSessionWithoutCallbackEndsOnAPage() {
    var issued = f.handoff.create(FlowFixture.checkout().user("usr_ada").build());
    browser.open(issued.url().orElseThrow());
    browser.submit("/entry");
    browser.follow();
    var done = browser.submit("/complete");
    assertThat(done.header("Location")).contains("https://connect.example.com/checkout/session");
    assertThat(browser.follow().status()).isEqualTo(200);
  }
}
