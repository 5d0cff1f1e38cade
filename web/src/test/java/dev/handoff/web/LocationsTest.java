package dev.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Callback URLs become a Location value and a CSP source from one parse, or nothing. */
class LocationsTest {

  @Test
  void anHttpsUrlGivesItsAsciiFormAndItsOrigin() {
    var checked = Locations.check("HTTPS://App.Example.com:8443/done?x=é#top");
    assertThat(checked.url()).isEqualTo("HTTPS://App.Example.com:8443/done?x=%C3%A9#top");
    assertThat(checked.origin()).isEqualTo("https://app.example.com:8443");
    assertThat(Locations.safe("https://example.com")).isEqualTo("https://example.com");
    assertThat(Locations.origin("http://[::1]:8080/x")).isEqualTo("http://[::1]:8080");
  }

  @Test
  void anythingButAnAbsoluteHttpUrlOfPrintableAsciiIsNothing() {
    for (String url : new String[] {null, "", "/relative", "javascript:alert(1)", "ftp://example.com/",
        "https://exa mple.com/", "https:///no-host", "https://example.com/a\u007fb", "data:text/html,x"}) {
      assertThat(Locations.check(url)).as(url).isNull();
      assertThat(Locations.safe(url)).as(url).isNull();
      assertThat(Locations.origin(url)).as(url).isNull();
    }
  }

  @Test
  void theRememberedCheckAnswersAsAFullCheckForEveryUrl() {
    var recent = new RecentLocation();
    String[] urls = {"https://App.Example.com:8443/done?x=é", "https://App.Example.com:8443/done?x=é",
        "javascript:alert(1)", "javascript:alert(1)", null, "https://example.com/a", "https://exa mple.com/",
        "https://example.com/a", "HTTPS://App.Example.com:8443/done?x=é"};
    for (String url : urls) {
      assertThat(recent.check(url)).as(url).isEqualTo(Locations.check(url));
      assertThat(recent.safe(url)).as(url).isEqualTo(Locations.safe(url));
    }
  }
}
