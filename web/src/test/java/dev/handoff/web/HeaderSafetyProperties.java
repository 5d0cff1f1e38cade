package dev.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.CreateSessionRequest;
import dev.handoff.spi.HandoffException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * No header the flow writes can carry CR or LF (or anything but printable ASCII), whatever callback URL the API
 * caller gave: the URL is either refused by core or ends up in Location and CSP as ASCII.
 */
class HeaderSafetyProperties {
  private final FlowFixture f = new FlowFixture();

  @Provide
  Arbitrary<String> callbackTails() {
    Arbitrary<String> hostile = Arbitraries.of("\u010d\u010a", "\r\n", "\n", "\u202e", "\u2066", "\ud800",
        "\udc00", "\ud83d\ude00", "\u0085", "\u2028", "%0d%0a", "\u00e9", "\u0000", " ", "\"", "'", ";", ",");
    Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(12);
    Arbitrary<String> piece = Arbitraries.oneOf(hostile, any, Arbitraries.strings().alpha().ofMaxLength(6));
    return piece.list().ofMaxSize(6).map(parts -> String.join("", parts));
  }

  @Property(tries = 200)
  void noHeaderCarriesControlCharacters(@ForAll("callbackTails") String tail,
      @ForAll("hosts") String host) {
    String callback = "https://" + host + "/" + tail;
    CreateSessionRequest request;
    try {
      request = FlowFixture.checkout().user("usr_ada").callbackUrl(callback).build();
    } catch (HandoffException refused) {
      return; // refused in core: nothing reaches a header
    }
    var issued = f.handoff.create(request);
    var browser = f.browser();
    var responses = new java.util.ArrayList<HostedResponse>();
    responses.add(browser.open(issued.url().orElseThrow()));
    responses.add(browser.submit("/entry"));
    responses.add(browser.follow());
    responses.add(browser.submit("/complete"));
    responses.add(browser.get("https://connect.example.com/checkout/session"));
    for (HostedResponse response : responses) {
      for (HostedResponse.Header header : response.headers()) {
        assertThat(header.value().chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
      }
    }
    assertThat(responses.get(3).status()).isEqualTo(303);
    assertThat(responses.get(3).header("Location").orElseThrow()).startsWith("https://");
  }

  @Provide
  Arbitrary<String> hosts() {
    return Arbitraries.of("app.example.com", "b\u00fccher.example", "xn--bcher-kva.example", "app.example.com:8443",
        "\u0430pp.example.com", "app.example.com\u202e");
  }

  @Property(tries = 50)
  void theResponseBuilderRefusesEveryControlCharacter(@ForAll char c) {
    boolean printable = c >= 0x20 && c < 0x7f;
    try {
      HostedResponse.status(303).header("Location", "https://example.com/" + c);
      assertThat(printable).isTrue();
    } catch (IllegalArgumentException e) {
      assertThat(printable).isFalse();
    }
  }

}
