package dev.handoff.examples.server;

import static dev.handoff.examples.server.ServerFixture.APIDECK_KEY;
import static dev.handoff.examples.server.ServerFixture.GIGS_KEY;
import static dev.handoff.examples.server.ServerFixture.SEED_APP;
import static dev.handoff.examples.server.ServerFixture.WORKSPACE_KEY;
import static dev.handoff.examples.server.ServerFixture.bearer;
import static dev.handoff.examples.server.ServerFixture.csrf;
import static dev.handoff.examples.server.ServerFixture.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.handoff.SessionEvent;
import dev.handoff.spi.SessionStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hosted pages, followed from each API's URL to completion in a simulated browser (an {@link HttpClient} with
 * a cookie manager): authenticated and unauthenticated sessions, dead links, CSRF and escaping.
 */
class HostedPagesTest {
  static ServerFixture fx;

  @BeforeAll
  static void start() throws IOException {
    fx = new ServerFixture();
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static JsonNode createGigs(String body) {
    var response = fx.json("POST", "/projects/dev/connectSessions", body, bearer(GIGS_KEY));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return parse(response);
  }

  static SessionStatus gigsStatus(JsonNode session) {
    return fx.server.engines().gigs().get("gigs:dev", session.get("id").asText()).status();
  }

  @Test
  void authenticatedSessionGoesStraightToTheIntentAndCompletesToTheCallback() {
    JsonNode session = createGigs(GigsConnectSessionsTest.SEED_REQUEST);
    HttpClient browser = ServerFixture.browser();

    var entry = fx.get(browser, session.get("url").asText());
    assertThat(entry.statusCode()).isEqualTo(303);
    assertThat(entry.headers().firstValue("Location")).hasValue("/checkout/session");
    assertThat(entry.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    String cookie = entry.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).startsWith(HostedPages.COOKIE + "=").contains("; HttpOnly").contains("; SameSite=Lax")
        .contains("; Path=/checkout").doesNotContain("Secure");

    var page = fx.get(browser, "/checkout/session");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("checkoutNewSubscription").contains("pln_0U32ZjA60Z7P8Y5vLtmvXaIMEiPr")
        .contains("Ada Lovelace").contains("ada@example.com").contains(ServerFixture.SEED_USER)
        .contains("action=\"/checkout/complete\"").doesNotContain("<script");
    assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(gigsStatus(session)).isEqualTo(SessionStatus.ACTIVE);

    var done = fx.post(browser, "/checkout/complete", "csrf", csrf(page));
    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location")).hasValue("https://example.com");
    assertThat(gigsStatus(session)).isEqualTo(SessionStatus.COMPLETED);
    assertThat(fx.events).extracting(SessionEvent::type).contains(SessionEvent.Type.COMPLETED);

    var after = fx.get(browser, "/checkout/session");
    assertThat(after.statusCode()).isEqualTo(401);
  }

  @Test
  void unauthenticatedSessionSignsInWithEmailAndCodeThenCompletes() {
    JsonNode session = createGigs("""
        {"callbackUrl": "https://example.com/back", "intent": {"type": "checkoutNewSubscription",
         "checkoutNewSubscription": {"plan": "pln_1"}}}""");
    HttpClient browser = ServerFixture.browser();

    var emailPage = fx.open(browser, session.get("url").asText());
    assertThat(emailPage.body()).contains("name=\"email\"").contains("checkoutNewSubscription")
        .doesNotContain("action=\"/checkout/complete\"");
    assertThat(gigsStatus(session)).isEqualTo(SessionStatus.LOGIN_REQUIRED);

    var notYet = fx.post(browser, "/checkout/complete", "csrf", csrf(emailPage));
    assertThat(notYet.statusCode()).isEqualTo(303);
    assertThat(notYet.headers().firstValue("Location")).hasValue("/checkout/session");

    var sent = fx.post(browser, "/checkout/login", "csrf", csrf(emailPage), "email", "grace@example.com");
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(303);
    assertThat(sent.headers().firstValue("Location")).hasValue("/checkout/session?step=code");
    var codePage = fx.get(browser, "/checkout/session?step=code");
    assertThat(codePage.body()).contains("name=\"code\"");
    String code = fx.lastCodeFor("grace@example.com");

    String wrong = code.equals("000000") ? "111111" : "000000";
    var refused = fx.post(browser, "/checkout/verify", "csrf", csrf(codePage), "code", wrong);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).contains("not right").contains("name=\"code\"");

    var verified = fx.post(browser, "/checkout/verify", "csrf", csrf(codePage), "code", code);
    assertThat(verified.statusCode()).as(verified.body()).isEqualTo(303);
    assertThat(verified.headers().firstValue("Location")).hasValue("/checkout/session");
    var page = fx.get(browser, "/checkout/session");
    assertThat(page.body()).contains("Grace Hopper").contains("grace@example.com")
        .contains("action=\"/checkout/complete\"");

    var done = fx.post(browser, "/checkout/complete", "csrf", csrf(page));
    assertThat(done.headers().firstValue("Location")).hasValue("https://example.com/back");
    assertThat(gigsStatus(session)).isEqualTo(SessionStatus.COMPLETED);
    assertThat(fx.events).extracting(SessionEvent::type).contains(SessionEvent.Type.SIGNED_IN);
  }

  @Test
  void aSecondCodeTooSoonIsRefusedOnTheFormAndNoCodeIsSent() {
    JsonNode session = createGigs("""
        {"intent": {"type": "viewSubscription", "viewSubscription": {"subscription": "sub_1"}}}""");
    HttpClient browser = ServerFixture.browser();
    var emailPage = fx.open(browser, session.get("url").asText());
    fx.post(browser, "/checkout/login", "csrf", csrf(emailPage), "email", "ada@example.com");
    int sent = fx.sentCodes.size();

    var again = fx.post(browser, "/checkout/login", "csrf", csrf(emailPage), "email", "ada@example.com");

    assertThat(again.statusCode()).isEqualTo(429);
    assertThat(again.body()).contains("name=\"email\"").contains("too many codes");
    assertThat(fx.sentCodes).hasSize(sent);
    var badEmail = fx.post(browser, "/checkout/login", "csrf", csrf(emailPage), "email", "no-at-sign");
    assertThat(badEmail.statusCode()).isEqualTo(400);
  }

  @Test
  void anUnknownEmailSignsUpWithItsCode() {
    JsonNode session = createGigs("""
        {"intent": {"type": "viewSubscription", "viewSubscription": {"subscription": "sub_1"}}}""");
    HttpClient browser = ServerFixture.browser();
    var emailPage = fx.open(browser, session.get("url").asText());

    fx.post(browser, "/checkout/login", "csrf", csrf(emailPage), "email", "newcomer@example.com");
    var codePage = fx.get(browser, "/checkout/session?step=code");
    fx.post(browser, "/checkout/verify", "csrf", csrf(codePage), "code", fx.lastCodeFor("newcomer@example.com"));

    var page = fx.get(browser, "/checkout/session");
    assertThat(page.body()).contains("newcomer@example.com");
    var done = fx.post(browser, "/checkout/complete", "csrf", csrf(page));
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.body()).contains("All done");
  }

  @Test
  void userDetailsSessionCreatesTheUserOnEntry() {
    JsonNode session = createGigs("""
        {"callbackUrl": "https://example.com", "intent": {"type": "viewEsimInstallation",
         "viewEsimInstallation": {"subscription": "sub_1"}},
         "userDetails": {"email": "lin@example.com", "fullName": "Lin"}}""");
    HttpClient browser = ServerFixture.browser();

    var page = fx.open(browser, session.get("url").asText());

    assertThat(page.body()).contains("Lin").contains("lin@example.com").contains("viewEsimInstallation");
    String userId = fx.server.engines().gigs().get("gigs:dev", session.get("id").asText()).userId().orElseThrow();
    assertThat(fx.directory.findById("gigs:dev", userId)).isPresent();
    assertThat(fx.post(browser, "/checkout/complete", "csrf", csrf(page)).statusCode()).isEqualTo(303);
  }

  @Test
  void apideckVaultSessionOpensForItsConsumerAndReturnsToTheRedirectUri() {
    var response = fx.json("POST", "/vault/sessions", ApideckVaultSessionsTest.SEED_REQUEST, bearer(APIDECK_KEY,
        "x-apideck-consumer-id", "test-consumer", "x-apideck-app-id", SEED_APP));
    String uri = parse(response).get("data").get("session_uri").asText();
    HttpClient browser = ServerFixture.browser();

    var page = fx.open(browser, uri);

    assertThat(page.body()).contains("Intent: vault").contains("crm").contains("SpaceX").contains("Elon Musk")
        .contains("elon@example.com").contains("test-consumer");
    var done = fx.post(browser, "/checkout/complete", "csrf", csrf(page));
    assertThat(done.headers().firstValue("Location")).hasValue("https://mysaas.com/dashboard");
  }

  @Test
  void customerPortalSessionOpensForItsCustomerAndReturnsToTheReturnUrl() {
    var response = fx.json("POST", "/api/customer-sessions/", CustomerSessionsTest.SEED_REQUEST,
        bearer(WORKSPACE_KEY));
    String url = parse(response).get("customer_portal_url").asText();
    HttpClient browser = ServerFixture.browser();

    var page = fx.open(browser, url);

    assertThat(page.body()).contains("customerPortal").contains("John Doe").contains("john@example.com")
        .contains(SampleDirectory.CUSTOMER.toString());
    var done = fx.post(browser, "/checkout/complete", "csrf", csrf(page));
    assertThat(done.headers().firstValue("Location")).hasValue("https://example.com/account");
  }

  @Test
  void aUsedLinkLandsOnAPageWithTheWayBack() {
    JsonNode session = createGigs(GigsConnectSessionsTest.SEED_REQUEST);
    fx.open(ServerFixture.browser(), session.get("url").asText());

    var replay = fx.get(ServerFixture.browser(), session.get("url").asText());

    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(replay.headers().firstValue("Content-Type").orElseThrow()).matches("text/html; ?charset=utf-8");
    assertThat(replay.body()).contains("no longer valid").contains("<a href=\"https://example.com\">")
        .doesNotContain("Exception").doesNotContain("HandoffException");
  }

  @Test
  void anExpiredLinkLandsOnAPageWithTheWayBack() {
    try (var own = newFixture()) {
      var response = own.json("POST", "/projects/dev/connectSessions", GigsConnectSessionsTest.SEED_REQUEST,
          bearer(GIGS_KEY));
      String url = parse(response).get("url").asText();
      own.clock.advance(Duration.ofHours(2));

      var expired = own.get(ServerFixture.browser(), url);

      assertThat(expired.statusCode()).isEqualTo(410);
      assertThat(expired.body()).contains("expired").contains("<a href=\"https://example.com\">");
    }
  }

  @Test
  void brokenAndForgedLinksLandOnAPage() {
    var missing = fx.get(ServerFixture.browser(), "/checkout/entry?session=csn_x");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("incomplete");

    var forged = fx.get(ServerFixture.browser(), "/checkout/entry?session=csn_x&token=abc.def");
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.body()).contains("no longer valid");

    var noCookie = fx.get(ServerFixture.browser(), "/checkout/session");
    assertThat(noCookie.statusCode()).isEqualTo(401);
    assertThat(fx.get(ServerFixture.browser(), "/checkout/nowhere").statusCode()).isEqualTo(404);
  }

  @Test
  void postsWithoutTheFormTokenOrFromAnotherOriginAreRefused() {
    JsonNode session = createGigs(GigsConnectSessionsTest.SEED_REQUEST);
    HttpClient browser = ServerFixture.browser();
    var page = fx.open(browser, session.get("url").asText());

    assertThat(fx.post(browser, "/checkout/complete").statusCode()).isEqualTo(403);
    assertThat(fx.post(browser, "/checkout/complete", "csrf", "forged").statusCode()).isEqualTo(403);
    assertThat(fx.postWithHeaders(browser, "/checkout/complete", List.of("Origin", "https://evil.example"),
        "csrf", csrf(page)).statusCode()).isEqualTo(403);
    assertThat(fx.post(ServerFixture.browser(), "/checkout/complete", "csrf", csrf(page)).statusCode())
        .isEqualTo(403);
    assertThat(gigsStatus(session)).isEqualTo(SessionStatus.ACTIVE);

    var sameOrigin = fx.postWithHeaders(browser, "/checkout/complete", List.of("Origin", fx.base.toString()),
        "csrf", csrf(page));
    assertThat(sameOrigin.statusCode()).isEqualTo(303);
  }

  @Test
  void signingOutEndsTheSessionAndOffersTheWayBack() {
    JsonNode session = createGigs(GigsConnectSessionsTest.SEED_REQUEST);
    HttpClient browser = ServerFixture.browser();
    var page = fx.open(browser, session.get("url").asText());

    var out = fx.post(browser, "/checkout/logout", "csrf", csrf(page));

    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(out.body()).contains("Signed out").contains("<a href=\"https://example.com\">");
    assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
    assertThat(gigsStatus(session)).isEqualTo(SessionStatus.LOGGED_OUT);
  }

  @Test
  void intentPayloadAndMetadataCannotInjectMarkup() {
    String attack = "<script>alert(1)</script>\\\"'><img src=x onerror=alert(2)>";
    JsonNode session = createGigs("{\"user\": \"" + ServerFixture.SEED_USER + "\", \"intent\": {\"type\": "
        + "\"checkoutNewSubscription\", \"checkoutNewSubscription\": {\"plan\": \"" + attack + "\"}}}");
    var gigsPage = fx.open(ServerFixture.browser(), session.get("url").asText());

    var vault = fx.json("POST", "/vault/sessions", "{\"consumer_metadata\": {\"user_name\": \"" + attack + "\"}, "
        + "\"custom_consumer_settings\": {\"" + attack + "\": [\"" + attack + "\"]}}",
        bearer(APIDECK_KEY, "x-apideck-consumer-id", "<b>c</b>", "x-apideck-app-id", SEED_APP));
    assertThat(vault.statusCode()).as(vault.body()).isEqualTo(200);
    var vaultPage = fx.open(ServerFixture.browser(), parse(vault).get("data").get("session_uri").asText());

    for (HttpResponse<String> page : List.of(gigsPage, vaultPage)) {
      assertThat(page.body()).doesNotContain("<script").doesNotContain("<img").doesNotContain("<b>")
          .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
  }

  @Test
  void cookiesAreSecureWhenThePublicUrlIsNotLocalhost() throws IOException {
    try (var https = new ServerFixture("https://connect.example.test")) {
      var response = https.json("POST", "/projects/dev/connectSessions", GigsConnectSessionsTest.SEED_REQUEST,
          bearer(GIGS_KEY));
      URI url = URI.create(parse(response).get("url").asText());
      assertThat(url.getHost()).isEqualTo("connect.example.test");

      var entry = https.get(ServerFixture.browser(), url.getRawPath() + "?" + url.getRawQuery());

      assertThat(entry.statusCode()).isEqualTo(303);
      assertThat(entry.headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure");
    }
  }

  private static ServerFixture newFixture() {
    try {
      return new ServerFixture();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
