package dev.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.Theme;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Untrusted values (intent payloads, user names, theme names) land in the pages as text, never as markup. */
class PageEscapingTest {
  private static final String HOSTILE = "\"><script>alert(1)</script><img src=x onerror=alert(2)>'";

  @Test
  void hostileIntentValuesAndUserNamesAreEscaped() {
    var f = new FlowFixture();
    f.users.add("usr_evil", "evil@example.com", HOSTILE);
    var issued = f.handoff.create(dev.handoff.CreateSessionRequest.builder(FlowFixture.TENANT)
        .intent("checkoutNewSubscription", Map.of("plan", HOSTILE, "addons", List.of(HOSTILE, "b")))
        .user("usr_evil").callbackUrl("https://app.example.com/cb").build());
    var browser = f.browser();
    browser.open(issued.url().orElseThrow());
    browser.submit("/entry");
    String body = browser.follow().bodyText();
    assertThat(body).doesNotContain("<script>alert").doesNotContain("<img src=x")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    // Only the page's own scripts, each carrying the CSP nonce; nothing from the hostile values.
    assertThat(body.replace("<script nonce=\"", "")).doesNotContain("<script");
  }

  @Test
  void unregisteredIntentsShowSpelledOutNamesAndPlainValuesEscaped() {
    var f = new FlowFixture();
    var issued = f.handoff.create(dev.handoff.CreateSessionRequest.builder(FlowFixture.TENANT)
        .intent("free", Map.of("new_plan", HOSTILE, "nested", Map.of("a", 1)))
        .user("usr_ada").build());
    var browser = f.browser();
    browser.open(issued.url().orElseThrow());
    browser.submit("/entry");
    String body = browser.follow().bodyText();
    assertThat(body).contains("<h2 id=\"intent-title\">Free</h2>").contains("<dt>New plan</dt>")
        .doesNotContain("<script>alert").doesNotContain("nested").doesNotContain("{\"a\"");
  }

  @Test
  void aHostileThemeNameFromTheSessionIsEscaped() {
    var f = new FlowFixture();
    var issued = f.handoff.create(FlowFixture.checkout().user("usr_ada")
        .theme(new Theme(HOSTILE, null, "#000000")).build());
    var browser = f.browser();
    browser.open(issued.url().orElseThrow());
    browser.submit("/entry");
    String body = browser.follow().bodyText();
    assertThat(body).doesNotContain("<script>alert").doesNotContain("<img src=x")
        .contains("<span class=\"product\">\"&gt;&lt;script&gt;");
  }

  @Test
  void hostileThemeNamesAreEscapedAndOnlyHttpsLogosRender() {
    var theme = new Theme(HOSTILE, "https://cdn.example.com/logo.svg?a=1&b=2", "#ffee00");
    var page = new HostedPage(HostedPage.Kind.DONE, PageTexts.of(Locale.ENGLISH), theme, "n0nce", "/checkout",
        "All done", "You can go back now.", null, null, null, null, "https://app.example.com/cb?a=1&b=\"2", null,
        null, null);
    String body = PageRenderer.defaults().render(page);
    assertThat(body).doesNotContain("<script>alert").doesNotContain("<img src=x")
        .contains("src=\"https://cdn.example.com/logo.svg?a=1&amp;b=2\"")
        .contains("href=\"https://app.example.com/cb?a=1&amp;b=&#34;2\"");
    // A light primary colour gets dark button text; links fall back to the text colour.
    assertThat(body).contains("--primary:#ffee00;--on-primary:#1f2937;--link:#1f2937");
  }
}
