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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hosted pages (handoff-web's flow through handoff-servlet), followed from each API's URL to completion in a
 * simulated browser (an {@link HttpClient} with a cookie manager): authenticated and unauthenticated sessions, dead
 * links, CSRF, escaping and header safety. The real-browser tests are {@link BrowserFlowsTest} and
 * {@link BrowserSignInTest}.
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
  void authenticatedSessionContinuesByPostToTheIntentAndCompletesToTheCallback() {
    JsonNode session = createGigs(GigsConnectSessionsTest.SEED_REQUEST);
    HttpClient browser = ServerFixture.browser();

    var entry = fx.get(browser, session.get("url").asText());
    assertThat(entry.statusCode()).isEqualTo(200);
    assertThat(entry.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(gigsStatus(session)).isEqualTo(SessionStatus.OPEN); // GET never redeems
    var continued = fx.continueFrom(browser, entry);
    assertThat(continued.statusCode()).isEqualTo(303);
    assertThat(continued.headers().firstValue("Location")).hasValue(fx.base + "/checkout/session");
    assertThat(continued.headers().firstValue("Referrer-Policy")).hasValue("same-origin");
    String cookie = continued.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).startsWith("handoff=").contains("; HttpOnly").contains("; SameSite=Lax")
        .contains("; Path=/checkout").doesNotContain("Secure");

    var page = fx.get(browser, "/checkout/session");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Subscribe to a new plan").contains("pln_0U32ZjA60Z7P8Y5vLtmvXaIMEiPr")
        .contains("Ada Lovelace").contains("ada@example.com").contains("action=\"/checkout/complete\"")
        .doesNotContain("checkoutNewSubscription");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("frame-ancestors 'none'");
    assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(gigsStatus(session)).isEqualTo(SessionStatus.ACTIVE);

    var done = fx.post(browser, "/checkout/complete", "csrf", csrf(page));
    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location")).hasValue("https://example.com");
    assertThat(gigsStatus(session)).isEqualTo(SessionStatus.COMPLETED);
    assertThat(fx.events).extracting(SessionEvent::type).contains(SessionEvent.Type.COMPLETED);

    // Back after completion: the page says the session ended and offers the way back.
    var after = fx.get(browser, "/checkout/session");
    assertThat(after.body()).contains("href=\"https://example.com\"").doesNotContain("name=\"csrf\"");
  }

  @Test
  void scannersFetchingTheLinkWithHeadOrGetDoNotUseItUp() {
    JsonNode session = createGigs(GigsConnectSessionsTest.SEED_REQUEST);
    String url = session.get("url").asText();

    var head = fx.send(fx.api, HttpRequest.newBuilder(URI.create(url)).method("HEAD",
        HttpRequest.BodyPublishers.noBody()).build());
    var get = fx.get(ServerFixture.browser(), url);

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(gigsStatus(session)).isEqualTo(SessionStatus.OPEN);
    fx.open(ServerFixture.browser(), url);
    assertThat(gigsStatus(session)).isEqualTo(SessionStatus.ACTIVE);
  }

  @Test
  void unauthenticatedSessionSignsInWithEmailAndCodeThenCompletes() {
    JsonNode session = createGigs("""
        {"callbackUrl": "https://example.com/back", "intent": {"type": "checkoutNewSubscription",
         "checkoutNewSubscription": {"plan": "pln_1"}}}""");
    HttpClient browser = ServerFixture.browser();

    var emailPage = fx.open(browser, session.get("url").asText());
    assertThat(emailPage.body()).contains("name=\"email\"").contains("Subscribe to a new plan")
        .doesNotContain("action=\"/checkout/complete\"");
    assertThat(gigsStatus(session)).isEqualTo(SessionStatus.LOGIN_REQUIRED);

    var notYet = fx.post(browser, "/checkout/complete", "csrf", csrf(emailPage));
    assertThat(notYet.statusCode()).isEqualTo(303);
    assertThat(notYet.headers().firstValue("Location")).hasValue(fx.base + "/checkout/session");

    var sent = fx.post(browser, "/checkout/login", "csrf", csrf(emailPage), "email", "grace@example.com");
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(303);
    var codePage = fx.get(browser, sent.headers().firstValue("Location").orElseThrow());
    assertThat(codePage.body()).contains("name=\"code\"");
    String code = fx.lastCodeFor("grace@example.com");

    // A wrong code redirects (POST, 303, GET): the notice is on a page that can be reloaded.
    String wrong = code.equals("000000") ? "111111" : "000000";
    var refused = fx.post(browser, "/checkout/verify", "csrf", csrf(codePage), "code", wrong);
    assertThat(refused.statusCode()).isEqualTo(303);
    var notice = fx.get(browser, refused.headers().firstValue("Location").orElseThrow());
    assertThat(notice.body()).contains("not right").contains("name=\"code\"");

    var verified = fx.post(browser, "/checkout/verify", "csrf", csrf(codePage), "code", code);
    assertThat(verified.statusCode()).as(verified.body()).isEqualTo(303);
    assertThat(verified.headers().firstValue("Location")).hasValue(fx.base + "/checkout/session");
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

    assertThat(again.statusCode()).isEqualTo(303);
    var page = fx.get(browser, again.headers().firstValue("Location").orElseThrow());
    assertThat(page.body()).contains("name=\"email\"").contains("Too many codes");
    assertThat(fx.sentCodes).hasSize(sent);
    var badEmail = fx.post(browser, "/checkout/login", "csrf", csrf(emailPage), "email", "no-at-sign");
    assertThat(fx.get(browser, badEmail.headers().firstValue("Location").orElseThrow()).body())
        .contains("valid email address");
  }

  @Test
  void anUnknownEmailSignsUpWithItsCode() {
    JsonNode session = createGigs("""
        {"intent": {"type": "viewSubscription", "viewSubscription": {"subscription": "sub_1"}}}""");
    HttpClient browser = ServerFixture.browser();
    var emailPage = fx.open(browser, session.get("url").asText());

    fx.post(browser, "/checkout/login", "csrf", csrf(emailPage), "email", "newcomer@example.com");
    var codePage = fx.get(browser, "/checkout/session");
    fx.post(browser, "/checkout/verify", "csrf", csrf(codePage), "code", fx.lastCodeFor("newcomer@example.com"));

    var page = fx.get(browser, "/checkout/session");
    assertThat(page.body()).contains("newcomer@example.com");
    var done = fx.post(browser, "/checkout/complete", "csrf", csrf(page));
    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(gigsStatus(session)).isEqualTo(SessionStatus.COMPLETED);
    // Without a callback there is nowhere to go back to: the end of the flow is a page without forms.
    var end = fx.get(browser, done.headers().firstValue("Location").orElseThrow());
    assertThat(end.statusCode()).isEqualTo(200);
    assertThat(end.body()).doesNotContain("name=\"csrf\"");
  }

  @Test
  void userDetailsSessionCreatesTheUserOnEntry() {
    JsonNode session = createGigs("""
        {"callbackUrl": "https://example.com", "intent": {"type": "viewEsimInstallation",
         "viewEsimInstallation": {"subscription": "sub_1"}},
         "userDetails": {"email": "lin@example.com", "fullName": "Lin"}}""");
    HttpClient browser = ServerFixture.browser();

    var page = fx.open(browser, session.get("url").asText());

    assertThat(page.body()).contains("Lin").contains("lin@example.com").contains("Install your eSIM");
    String userId = fx.server.engines().gigs().get("gigs:dev", session.get("id").asText()).userId().orElseThrow();
    assertThat(fx.directory.findById("gigs:dev", userId)).isPresent();
    assertThat(fx.post(browser, "/checkout/complete", "csrf", csrf(page)).statusCode()).isEqualTo(303);
  }

  @Test
  void aPreferredLocaleInUserDetailsIsThePagesLanguage() {
    JsonNode session = createGigs("""
        {"callbackUrl": "https://example.com", "intent": {"type": "viewEsimInstallation",
         "viewEsimInstallation": {"subscription": "sub_1"}},
         "userDetails": {"email": "jo@example.com", "fullName": "Jo", "preferredLocale": "de-DE"}}""");

    var page = fx.open(ServerFixture.browser(), session.get("url").asText());

    assertThat(page.body()).contains("lang=\"de").contains("eSIM installieren").contains("Abo");
  }

  @Test
  void apideckVaultSessionOpensForItsConsumerAndReturnsToTheRedirectUri() {
    var response = fx.json("POST", "/vault/sessions", ApideckVaultSessionsTest.SEED_REQUEST, bearer(APIDECK_KEY,
        "x-apideck-consumer-id", "test-consumer", "x-apideck-app-id", SEED_APP));
    String uri = parse(response).get("data").get("session_uri").asText();
    HttpClient browser = ServerFixture.browser();

    var page = fx.open(browser, uri);

    assertThat(page.body()).contains("Connect your integrations").contains("Elon Musk").contains("elon@example.com");
    // Apideck's theme: the vault's name heads the page, its colour is the primary colour.
    assertThat(page.body()).contains("Intercom").contains("--primary:#286efa");
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

    assertThat(page.body()).contains("Open your customer portal").contains("John Doe").contains("john@example.com");
    var done = fx.post(browser, "/checkout/complete", "csrf", csrf(page));
    assertThat(done.headers().firstValue("Location")).hasValue("https://example.com/account");
  }

  @Test
  void aUsedLinkLandsOnAPageWithTheWayBack() {
    JsonNode session = createGigs(GigsConnectSessionsTest.SEED_REQUEST);
    fx.open(ServerFixture.browser(), session.get("url").asText());

    HttpClient other = ServerFixture.browser();
    var replay = fx.continueFrom(other, fx.get(other, session.get("url").asText()));

    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(replay.headers().firstValue("Content-Type").orElseThrow()).matches("text/html; ?charset=utf-8");
    assertThat(replay.body()).contains("no longer valid").contains("href=\"https://example.com\"")
        .doesNotContain("Exception");
  }

  @Test
  void anExpiredLinkLandsOnAPageWithTheWayBack() throws IOException {
    try (var own = new ServerFixture()) {
      var response = own.json("POST", "/projects/dev/connectSessions", GigsConnectSessionsTest.SEED_REQUEST,
          bearer(GIGS_KEY));
      String url = parse(response).get("url").asText();
      own.clock.advance(Duration.ofHours(2));

      HttpClient browser = ServerFixture.browser();
      var expired = own.continueFrom(browser, own.get(browser, url));

      assertThat(expired.statusCode()).isEqualTo(410);
      assertThat(expired.body()).contains("expired").contains("href=\"https://example.com\"");
    }
  }

  @Test
  void brokenAndForgedLinksLandOnAPage() {
    var missing = fx.get(ServerFixture.browser(), "/checkout/entry?session=csn_x");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("incomplete");

    HttpClient browser = ServerFixture.browser();
    var forged = fx.continueFrom(browser, fx.get(browser, "/checkout/entry?session=csn_x&token=abc.def"));
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.body()).contains("no longer valid");

    assertThat(fx.get(ServerFixture.browser(), "/checkout/session").statusCode()).isEqualTo(401);
    assertThat(fx.get(ServerFixture.browser(), "/checkout/nowhere").statusCode()).isEqualTo(404);
  }

  @Test
  void aBadEntryRequestLeavesALiveCookieAlone() {
    JsonNode session = createGigs(GigsConnectSessionsTest.SEED_REQUEST);
    HttpClient browser = ServerFixture.browser();
    fx.open(browser, session.get("url").asText());

    var bad = fx.get(browser, "/checkout/entry?session=csn_x");
    var forged = fx.continueFrom(browser, fx.get(browser, "/checkout/entry?session=csn_x&token=abc.def"));

    assertThat(bad.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(forged.headers().firstValue("Set-Cookie")).isEmpty();
    var page = fx.get(browser, "/checkout/session");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Ada Lovelace");
  }

  @Test
  void postsWithoutTheFormTokenOrFromAnotherSiteAreRefused() {
    JsonNode session = createGigs(GigsConnectSessionsTest.SEED_REQUEST);
    HttpClient browser = ServerFixture.browser();
    var page = fx.open(browser, session.get("url").asText());

    assertThat(fx.post(browser, "/checkout/complete").statusCode()).isEqualTo(403);
    assertThat(fx.post(browser, "/checkout/complete", "csrf", "forged").statusCode()).isEqualTo(403);
    assertThat(fx.postWithHeaders(browser, "/checkout/complete", List.of("Origin", "https://evil.example"),
        "csrf", csrf(page)).statusCode()).isEqualTo(403);
    for (String site : List.of("cross-site", "same-site")) {
      assertThat(fx.postWithHeaders(browser, "/checkout/complete", List.of("Sec-Fetch-Site", site), "csrf",
          csrf(page)).statusCode()).as(site).isEqualTo(403);
    }
    assertThat(fx.post(ServerFixture.browser(), "/checkout/complete", "csrf", csrf(page)).statusCode())
        .isEqualTo(401);
    assertThat(gigsStatus(session)).isEqualTo(SessionStatus.ACTIVE);

    // What Chromium sends for a same-origin form under a strict referrer policy: passes.
    var sameOrigin = fx.postWithHeaders(browser, "/checkout/complete", List.of("Origin", "null",
        "Sec-Fetch-Site", "same-origin"), "csrf", csrf(page));
    assertThat(sameOrigin.statusCode()).isEqualTo(303);
  }

  @Test
  void signingOutEndsTheSessionAndOffersTheWayBack() {
    JsonNode session = createGigs(GigsConnectSessionsTest.SEED_REQUEST);
    HttpClient browser = ServerFixture.browser();
    var page = fx.open(browser, session.get("url").asText());

    var out = fx.post(browser, "/checkout/logout", "csrf", csrf(page));

    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(gigsStatus(session)).isEqualTo(SessionStatus.LOGGED_OUT);
    var after = fx.get(browser, out.headers().firstValue("Location").orElseThrow());
    assertThat(after.body()).contains("href=\"https://example.com\"").doesNotContain("name=\"csrf\"");
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
      assertThat(page.body()).doesNotContain("<script>alert").doesNotContain("<img").doesNotContain("<b>")
          .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
  }

  @Test
  void aCallbackUrlWithNonAsciiCharactersCannotSplitTheResponse() {
    // U+010D U+010A: written a byte per char, as the JDK server did, they were CR LF.
    JsonNode session = createGigs("{\"callbackUrl\": \"https://example.com/\u010d\u010aSet-Cookie:%20planted=1\","
        + " \"user\": \"" + ServerFixture.SEED_USER + "\", \"intent\": {\"type\": \"viewSubscription\","
        + " \"viewSubscription\": {\"subscription\": \"sub_1\"}}}");
    HttpClient browser = ServerFixture.browser();
    var page = fx.open(browser, session.get("url").asText());

    var done = fx.post(browser, "/checkout/complete", "csrf", csrf(page));

    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location")).hasValue("https://example.com/%C4%8D%C4%8ASet-Cookie:%20planted=1");
    assertThat(done.headers().allValues("Set-Cookie")).noneMatch(c -> c.contains("planted"));
  }

  @Test
  void cookiesAreSecureWhenThePublicUrlIsNotLocalhost() throws IOException {
    try (var https = new ServerFixture("https://connect.example.test")) {
      var response = https.json("POST", "/projects/dev/connectSessions", GigsConnectSessionsTest.SEED_REQUEST,
          bearer(GIGS_KEY));
      URI url = URI.create(parse(response).get("url").asText());
      assertThat(url.getHost()).isEqualTo("connect.example.test");

      HttpClient browser = ServerFixture.browser();
      var entry = https.get(browser, url.getRawPath() + "?" + url.getRawQuery());
      var continued = https.continueFrom(browser, entry, "https://connect.example.test");

      assertThat(continued.statusCode()).isEqualTo(303);
      assertThat(continued.headers().firstValue("Set-Cookie").orElseThrow()).startsWith("__Host-handoff=")
          .contains("; Secure").contains("; Path=/");
    }
  }
}
