package dev.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponseHeadersTest {

  /** Every kind of response the flow gives: pages, redirects, refusals and errors. */
  private static List<HostedResponse> oneOfEach(FlowFixture f) {
    var all = new ArrayList<HostedResponse>();
    var browser = f.browser();
    all.add(browser.open(f.authenticated().url().orElseThrow()));
    all.add(browser.submit("/entry"));
    all.add(browser.follow());
    var form = browser.hiddenFields("/complete");
    all.add(browser.head("https://connect.example.com/checkout/session"));
    all.add(browser.post("/complete", Map.of("csrf", "wrong")));
    all.add(browser.post("/complete", form));
    all.add(browser.get("https://connect.example.com/checkout/session"));
    var stranger = f.browser();
    all.add(stranger.open("https://connect.example.com/checkout/entry"));
    all.add(stranger.get("https://connect.example.com/checkout/session"));
    all.add(stranger.get("https://connect.example.com/checkout/nope"));
    all.add(stranger.post("/entry", Map.of("token", "garbage")));
    all.add(stranger.send(stranger.request("POST", "https://connect.example.com/checkout/logout", "cross-site")
        .build()));
    return all;
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders() {
    var f = new FlowFixture();
    var nonces = new ArrayList<String>();
    for (HostedResponse response : oneOfEach(f)) {
      String csp = response.header("Content-Security-Policy").orElseThrow(() -> new AssertionError(response));
      assertThat(csp).contains("frame-ancestors 'none'").contains("default-src 'none'")
          .contains("base-uri 'none'").doesNotContain("unsafe-inline");
      nonces.add(csp.replaceAll(".*script-src 'nonce-([^']+)'.*", "$1"));
      assertThat(response.header("X-Frame-Options")).contains("DENY");
      assertThat(response.header("X-Content-Type-Options")).contains("nosniff");
      assertThat(response.header("Cache-Control")).contains("no-store");
      assertThat(response.header("Referrer-Policy")).contains("same-origin");
      if (response.bodyLength() > 0) {
        assertThat(response.contentType()).contains("text/html; charset=utf-8");
        String nonce = nonces.get(nonces.size() - 1);
        assertThat(response.bodyText()).contains("<style nonce=\"" + nonce + "\">")
            .doesNotContain(" style=\"");
      }
    }
    assertThat(nonces).doesNotHaveDuplicates();
  }

  @Test
  void theReviewPageLetsFormsRedirectToTheCallbackOriginOnly() {
    var f = new FlowFixture();
    var browser = f.browser();
    browser.open(f.authenticated().url().orElseThrow());
    browser.submit("/entry");
    String csp = browser.follow().header("Content-Security-Policy").orElseThrow();
    assertThat(csp).contains("form-action 'self' https://app.example.com;");
  }

  @ParameterizedTest
  @CsvSource({
      "https://connect.example.com, /checkout, __Host-handoff, '; Path=/; Secure; HttpOnly; SameSite=Lax'",
      "https://connect.example.com:8443, '/', __Host-handoff, '; Path=/; Secure; HttpOnly; SameSite=Lax'",
      "http://localhost:8080, /checkout, handoff, '; Path=/checkout; HttpOnly; SameSite=Lax'",
      "http://127.0.0.1:8080, /pay/checkout, handoff, '; Path=/pay/checkout; HttpOnly; SameSite=Lax'",
      "http://[::1]:8080, '/', handoff, '; Path=/; HttpOnly; SameSite=Lax'"})
  void cookieAttributesFollowThePublicUrl(String publicUrl, String mount, String name, String attributes) {
    var f = new FlowFixture(publicUrl, mount, b -> {});
    var browser = f.browser();
    String url = f.authenticated().url().orElseThrow();
    var request = browser.request("POST", publicUrl + f.flow.mountPath() + "/entry", "same-origin")
        .header("Origin", publicUrl)
        .form("token", url.substring(url.indexOf("token=") + 6));
    var continued = browser.send(request.build());
    assertThat(continued.status()).isEqualTo(303);
    assertThat(f.flow.cookieName()).isEqualTo(name);
    String setCookie = continued.setCookies().get(0);
    assertThat(setCookie).startsWith(name + "=hb1.").endsWith(attributes);
    assertThat(continued.header("Location")).contains(publicUrl + f.flow.mountPath() + "/session");
  }

  @Test
  void germanFollowsAcceptLanguageAndEnglishIsTheFallback() {
    var f = new FlowFixture();
    var browser = f.browser();
    browser.acceptLanguage = "de-DE,de;q=0.9,en;q=0.5";
    var entry = browser.open(f.authenticated().url().orElseThrow());
    assertThat(entry.bodyText()).contains("<html lang=\"de\">").contains("Weiter");
    browser.submit("/entry");
    var review = browser.follow();
    assertThat(review.bodyText()).contains("Tarif Pro abonnieren").contains("<dt>Tarif</dt><dd>Pro</dd>")
        .contains("Bestätigen").contains("Abbrechen");

    var french = f.browser();
    french.acceptLanguage = "fr-FR,fr;q=0.9";
    assertThat(french.open(f.authenticated().url().orElseThrow()).bodyText()).contains("<html lang=\"en\">");
    var broken = f.browser();
    broken.acceptLanguage = ";;;q=x";
    assertThat(broken.open(f.authenticated().url().orElseThrow()).bodyText()).contains("<html lang=\"en\">");
  }

  @Test
  void everyPageHasViewportLangTitleAndLabelledInputs() {
    var f = new FlowFixture();
    var browser = f.browser();
    browser.open(f.unauthenticated().url().orElseThrow());
    browser.submit("/entry");
    for (String body : List.of(browser.follow().bodyText(),
        browser.submit("/login", Map.of("email", "ada@example.com")).bodyText().isEmpty()
            ? browser.follow().bodyText() : "")) {
      assertThat(body).contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
          .contains("<html lang=\"en\">").contains("<title>");
      var inputs = java.util.regex.Pattern.compile("<input id=\"([a-z]+)\"").matcher(body);
      int count = 0;
      while (inputs.find()) {
        count++;
        assertThat(body).contains("<label for=\"" + inputs.group(1) + "\">");
      }
      assertThat(count).isEqualTo(1);
    }
  }
}
