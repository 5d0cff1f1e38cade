package dev.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostedResponseTest {

  @Test
  void keepsHeadersInOrderAndRepeatedNames() {
    var response = HostedResponse.status(303)
        .header("Location", "https://example.com/x")
        .header("Set-Cookie", "a=1")
        .header("set-cookie", "b=2")
        .build();
    assertThat(response.status()).isEqualTo(303);
    assertThat(response.setCookies()).containsExactly("a=1", "b=2");
    assertThat(response.header("location")).contains("https://example.com/x");
    assertThat(response.bodyLength()).isZero();
  }

  @Test
  void aPrebuiltHeaderIsCheckedWhereItIsMadeAndTheBodyIsWrittenAsItIs() throws Exception {
    assertThatThrownBy(() -> new HostedResponse.Header("Location", "a\r\nb"))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] page = "<p>caf\u00e9</p>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    var response = HostedResponse.status(200).header(new HostedResponse.Header("X-Frame-Options", "DENY"))
        .body(page, "text/html; charset=utf-8").build();
    page[0] = 'x'; // the builder copied it
    var out = new java.io.ByteArrayOutputStream();
    response.writeBodyTo(out);

    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("<p>caf\u00e9</p>");
    assertThat(response.bodyLength()).isEqualTo(out.size());
    assertThat(response.header("X-Frame-Options")).contains("DENY");
  }

  @Test
  void refusesControlCharactersAndNonAsciiInValues() {
    for (String bad : new String[] {"a\r\nSet-Cookie: x=1", "a\nb", "a\rb", "tab\there", "nul\0", "del\u007f",
        "\u010d\u010a", "caf\u00e9", "\u202e"}) {
      assertThatThrownBy(() -> HostedResponse.status(200).header("Location", bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Location")
          .hasMessageNotContaining(bad);
    }
  }

  @Test
  void refusesHeaderNamesThatAreNotTokens() {
    assertThatThrownBy(() -> HostedResponse.status(200).header("X Bad", "v"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HostedResponse.status(200).header("X:Bad", "v"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HostedResponse.status(200).header("", "v"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void bodyIsCopiedBothWays() {
    byte[] body = {1, 2, 3};
    var response = HostedResponse.status(200).body(body, "application/octet-stream").build();
    body[0] = 9;
    response.body()[1] = 9;
    assertThat(response.body()).containsExactly(1, 2, 3);
    assertThat(response.contentType()).contains("application/octet-stream");
  }

  @Test
  void refusesStatusOutOfRange() {
    assertThatThrownBy(() -> HostedResponse.status(99)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HostedResponse.status(600)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builtRequestHeadersAreCaseInsensitiveAndKeepTheFirstValue() {
    var request = HostedRequest.builder("post", "/entry")
        .header("Sec-Fetch-Site", "same-origin")
        .header("sec-fetch-site", "cross-site")
        .cookie("a", "1")
        .form("token", "t")
        .build();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.header("SEC-FETCH-SITE")).contains("same-origin");
    assertThat(request.cookie("A")).isEmpty();
    assertThat(request.formParameter("token")).contains("t");
    assertThat(request.toString()).doesNotContain("t\"").doesNotContain("token");
  }
}
