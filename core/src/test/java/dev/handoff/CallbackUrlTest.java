package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Callback URLs end up in Location headers: they are kept in ASCII form, and invisible characters are refused. */
class CallbackUrlTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "https://example.com/caf\u00e9?q=\u00fc                  | https://example.com/caf%C3%A9?q=%C3%BC",
      "https://example.com/\u010d\u010a                        | https://example.com/%C4%8D%C4%8A",
      "https://b\u00fccher.example/pfad                        | https://xn--bcher-kva.example/pfad",
      "https://b\u00fccher.example:8443/                       | https://xn--bcher-kva.example:8443/",
      "https://example.com/\ud83d\ude00                        | https://example.com/%F0%9F%98%80",
      "https://example.com/already%20encoded                   | https://example.com/already%20encoded"})
  void irisAreNormalisedToTheirAsciiForm(String iri, String ascii) {
    String stored = CallbackUrl.validate(iri);
    assertThat(stored).isEqualTo(ascii);
    assertThat(stored.chars()).allMatch(c -> c > 0x20 && c < 0x7f);
    assertThat(checkout("p1").callbackUrl(iri).build().callbackUrl).isEqualTo(ascii);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://example.com/a\r\nSet-Cookie:x=1", "https://example.com/\n", "https://example.com/\u0000",
      "https://example.com/\u007f", "https://example.com/\u0085", "https://example.com/\u202egnp.exe",
      "https://example.com/\u202a", "https://example.com/\u2066x\u2069", "https://example.com/\u200f",
      "https://example.com/\u200b", "https://example.com/\u2028", "https://example.com/\ud800",
      "https://example.com/\udc00x", "https://exa\u202emple.com/", "https://example.com/\ufeff"})
  void controlAndBidiCharactersAreInvalidRequests(String url) {
    assertThatThrownBy(() -> checkout("p1").callbackUrl(url))
        .isInstanceOfSatisfying(HandoffException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }

  @Property(tries = 300)
  void whateverIsAcceptedIsPrintableAscii(@ForAll String path) {
    String stored;
    try {
      stored = CallbackUrl.validate("https://example.com/" + path);
    } catch (HandoffException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
      return;
    }
    assertThat(stored.chars()).allMatch(c -> c > 0x20 && c < 0x7f);
  }
}
