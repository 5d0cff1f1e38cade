package dev.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.IssuedSession;
import dev.handoff.Session;
import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.SessionStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Recovery in the hosted flow: an expired or used link, or an ended browser session, offers to continue by email
 * where the intent type allows it; the code step keeps the ticket in a cookie; the right code lands on the
 * replacement's review page. The flow's CSRF rules hold for the new forms; and the steps reach the access log
 * with the browser's address and user agent.
 */
class RecoveryRoutesTest {
  private final FlowFixture f = new FlowFixture();
  private final Browser browser = f.browser();

  /** Opens the link and presses Continue: the answer to the POST. */
  private HostedResponse openLink(IssuedSession issued) {
    browser.open(issued.url().orElseThrow());
    return browser.submit("/entry");
  }

  private Session session(String id) {
    return f.handoff.get(FlowFixture.TENANT, id);
  }

  @Test
  void anExpiredLinkContinuesByEmailToTheReplacementsReviewPage() {
    IssuedSession issued = f.resumable();
    f.clock.advance(Duration.ofMinutes(6));

    HostedResponse offer = openLink(issued);
    assertThat(offer.status()).isEqualTo(410);
    assertThat(offer.bodyText()).contains("This link has expired").contains("Subscribe to plan Gold")
        .contains("action=\"/checkout/recover\"").contains("name=\"ticket\"").contains("type=\"email\"")
        .contains("href=\"https://app.example.com/done\"");
    assertThat(offer.setCookies()).isEmpty();

    HostedResponse sent = browser.submit("/recover", Map.of("email", "ada@example.com"));
    assertThat(sent.status()).isEqualTo(303);
    assertThat(sent.header("Location")).hasValue("https://connect.example.com/checkout/recover");
    assertThat(sent.setCookies()).singleElement().asString()
        .startsWith("__Host-handoff-recovery=hr1.").contains("HttpOnly").contains("Secure");
    assertThat(f.codes).singleElement().extracting(FlowFixture.SentCode::email).isEqualTo("ada@example.com");

    HostedResponse codePage = browser.follow();
    assertThat(codePage.bodyText()).contains("Enter your code").contains("action=\"/checkout/recover/verify\"")
        .contains("autocomplete=\"one-time-code\"").doesNotContain("name=\"ticket\"");

    f.clock.advance(Duration.ofSeconds(20));
    HostedResponse verified = browser.submit("/recover/verify", Map.of("code", f.lastCode()));
    assertThat(verified.status()).isEqualTo(303);
    assertThat(verified.header("Location")).hasValue("https://connect.example.com/checkout/session");
    assertThat(verified.setCookies()).hasSize(2);
    assertThat(verified.setCookies().get(0)).startsWith("__Host-handoff=hb1.");
    assertThat(verified.setCookies().get(1)).startsWith("__Host-handoff-recovery=;").contains("Max-Age=0");

    HostedResponse review = browser.follow();
    assertThat(review.bodyText()).contains("Review and confirm").contains("Subscribe to plan Gold")
        .contains("Ada Lovelace (ada@example.com)");
    Session original = session(issued.session().id());
    String replacementId = original.recovery().replacedBy();
    Session replacement = session(replacementId);
    assertThat(replacement.status()).isEqualTo(SessionStatus.ACTIVE);
    assertThat(replacement.recovery().recoveredFrom()).isEqualTo(issued.session().id());
    // The browser's address (192.0.2.1, its network kept) and user agent, as the HTTP layer saw them.
    assertThat(replacement.accessLog()).containsExactly(new AccessRecord(AccessRecord.Step.RECOVERED,
        f.clock.instant(), "192.0.2.0/24", "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"));

    HostedResponse completed = browser.submit("/complete");
    assertThat(completed.header("Location")).hasValue("https://app.example.com/done");
    assertThat(session(replacementId).status()).isEqualTo(SessionStatus.COMPLETED);
  }

  @Test
  void anotherEmailGetsTheSamePagesAndNoCode() {
    IssuedSession issued = f.resumable();
    f.clock.advance(Duration.ofMinutes(6));
    openLink(issued);

    HostedResponse sent = browser.submit("/recover", Map.of("email", "someone.else@example.com"));
    assertThat(sent.status()).isEqualTo(303);
    assertThat(sent.header("Location")).hasValue("https://connect.example.com/checkout/recover");
    assertThat(browser.follow().bodyText()).contains("Enter your code");
    assertThat(f.codes).isEmpty();

    HostedResponse wrong = browser.submit("/recover/verify", Map.of("code", "123456"));
    assertThat(wrong.header("Location")).hasValue("https://connect.example.com/checkout/recover?notice=wrong-code");
    assertThat(browser.follow().bodyText()).contains("That code is not right");
  }

  @Test
  void wrongCodesLockTheCodeAndABadEmailSaysSo() {
    IssuedSession issued = f.resumable();
    f.clock.advance(Duration.ofMinutes(6));
    openLink(issued);
    HostedResponse invalid = browser.submit("/recover", Map.of("email", "not an email"));
    assertThat(invalid.header("Location"))
        .hasValue("https://connect.example.com/checkout/recover?step=email&notice=invalid-email");
    assertThat(browser.follow().bodyText()).contains("Please enter a valid email address")
        .contains("action=\"/checkout/recover\"");

    browser.submit("/recover", Map.of("email", "ada@example.com"));
    browser.follow();
    String wrong = "000000".equals(f.lastCode()) ? "111111" : "000000";
    for (int i = 0; i < 5; i++) {
      browser.submit("/recover/verify", Map.of("code", wrong));
      browser.follow();
    }
    assertThat(browser.last.bodyText()).contains("Too many wrong codes").contains("action=\"/checkout/recover\"");
    assertThat(session(issued.session().id()).recovery().replacedBy()).isNull();
  }

  @Test
  void anEndedBrowserSessionOffersToContinueOnItsPage() {
    IssuedSession issued = f.resumable();
    openLink(issued);
    browser.follow();
    browser.submit("/logout");

    HostedResponse signedOut = browser.follow();
    assertThat(signedOut.status()).isEqualTo(200);
    assertThat(signedOut.bodyText()).contains("Signed out").contains("action=\"/checkout/recover\"");
    browser.submit("/recover", Map.of("email", "ada@example.com"));
    browser.follow();
    browser.submit("/recover/verify", Map.of("code", f.lastCode()));
    assertThat(browser.follow().bodyText()).contains("Review and confirm");
    assertThat(session(issued.session().id()).recovery().replacedBy()).isNotNull();

    // The replacement ends too: its intent type allows one recovery, so now the page only says how it ended.
    browser.submit("/logout");
    HostedResponse end = browser.follow();
    assertThat(end.bodyText()).contains("Signed out").doesNotContain("action=\"/checkout/recover\"");
  }

  @Test
  void aSessionThatTimedOutSaysSoAndOffersToContinue() {
    IssuedSession issued = f.resumable();
    openLink(issued);
    browser.follow();
    f.clock.advance(Duration.ofMinutes(31)); // the idle timeout is 30 minutes

    HostedResponse page = browser.get("https://connect.example.com/checkout/session");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.bodyText()).contains("Your session timed out").contains("action=\"/checkout/recover\"");
    browser.submit("/recover", Map.of("email", "ada@example.com"));
    browser.follow();
    browser.submit("/recover/verify", Map.of("code", f.lastCode()));
    assertThat(browser.follow().bodyText()).contains("Review and confirm");
    // The original still says how it ended.
    assertThat(session(issued.session().id()).endedByIdleness()).isTrue();
  }

  @Test
  void aLinkWhoseTypeDoesNotAllowRecoveryStaysADeadEnd() {
    IssuedSession issued = f.authenticated();
    f.clock.advance(Duration.ofHours(2));
    HostedResponse expired = openLink(issued);
    assertThat(expired.status()).isEqualTo(410);
    assertThat(expired.bodyText()).contains("This link has expired").doesNotContain("/checkout/recover");
  }

  @Test
  void theRecoveryFormsFollowTheFlowsCsrfRules() {
    IssuedSession issued = f.resumable();
    f.clock.advance(Duration.ofMinutes(6));
    openLink(issued);
    String ticket = browser.hiddenFields("/recover").get("ticket");

    // Another site posting the form, even with a real ticket.
    var crossSite = browser.request("POST", "https://connect.example.com/checkout/recover", "cross-site")
        .header("Origin", "https://evil.example").form("ticket", ticket).form("email", "ada@example.com").build();
    assertThat(browser.send(crossSite).status()).isEqualTo(403);
    assertThat(f.codes).isEmpty();
    // A ticket that is not one, or would break out of the cookie.
    assertThat(browser.post("/recover", Map.of("ticket", ticket + "; Domain=evil.example", "email",
        "ada@example.com")).status()).isEqualTo(400);
    HostedResponse forged = browser.post("/recover", Map.of("ticket", ticket.substring(0, ticket.length() - 2)
        + "AA", "email", "ada@example.com"));
    assertThat(forged.status()).isEqualTo(401);
    assertThat(forged.bodyText()).contains("This session cannot be continued");
    assertThat(forged.setCookies()).isEmpty();
    assertThat(f.codes).isEmpty();

    browser.post("/recover", Map.of("ticket", ticket, "email", "ada@example.com"));
    // The code step needs the form token derived from the ticket in the cookie.
    HostedResponse noToken = browser.post("/recover/verify", Map.of("code", f.lastCode()));
    assertThat(noToken.status()).isEqualTo(403);
    browser.cookies.remove("__Host-handoff-recovery");
    HostedResponse noCookie = browser.post("/recover/verify", Map.of("csrf", "x", "code", f.lastCode()));
    assertThat(noCookie.status()).isEqualTo(401);
    assertThat(browser.get("https://connect.example.com/checkout/recover").status()).isEqualTo(409);
    assertThat(session(issued.session().id()).recovery().replacedBy()).isNull();
  }

  @Test
  void theRecoveryPagesSpeakTheSessionsLanguage() {
    browser.acceptLanguage = "de-DE,de;q=0.9";
    IssuedSession issued = f.resumable();
    f.clock.advance(Duration.ofMinutes(6));
    HostedResponse offer = openLink(issued);
    assertThat(offer.bodyText()).contains("Dieser Link ist abgelaufen").contains("Tarif Gold abonnieren")
        .contains("Code per E-Mail senden");
    browser.submit("/recover", Map.of("email", "ada@example.com"));
    assertThat(browser.follow().bodyText()).contains("Code eingeben").contains("Falls dies die E-Mail-Adresse");
  }

  @Test
  void redeemingAndSigningInRecordTheBrowserAsTheServerSawIt() {
    IssuedSession issued = f.unauthenticated();
    openLink(issued);
    browser.follow();
    browser.submit("/login", Map.of("email", "ada@example.com"));
    browser.follow();
    browser.submit("/verify", Map.of("code", f.lastCode()));

    assertThat(session(issued.session().id()).accessLog()).extracting(AccessRecord::step, AccessRecord::clientAddress,
        AccessRecord::userAgent).containsExactly(
            org.assertj.core.groups.Tuple.tuple(AccessRecord.Step.REDEEMED, "192.0.2.0/24",
                "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"),
            org.assertj.core.groups.Tuple.tuple(AccessRecord.Step.SIGNED_IN, "192.0.2.0/24",
                "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"));
  }
}
