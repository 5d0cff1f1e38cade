package dev.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The cookie value check is a loop for speed; it accepts exactly what its documented pattern does. */
class BrowserCookieProperties {

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('-', '9')
        .withChars('_', '+', ' ', '=', '\u00e9', '\u0000', '\u212a').ofMaxLength(600);
  }

  @Property(tries = 1000)
  void acceptsExactlyThePattern(@ForAll("values") String value) {
    boolean expected = !value.isEmpty() && value.length() <= 512 && value.matches("[A-Za-z0-9._-]+");

    assertThat(BrowserCookie.isValue(value)).isEqualTo(expected);
  }

  /** Beside the allowed ranges: their neighbours, and characters whose low byte or six bits are an allowed one. */
  private static final String STRANGE = "/:@[`{\u007f\u0080\u00ad\u00ae\u00c1\u0141\u016d\u2d2d\uffff";

  @Provide
  Arbitrary<String> allowed() {
    return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
        .withChars('.', '_', '-').ofMinLength(1).ofMaxLength(512);
  }

  @Property(tries = 1000)
  void anyOneCharacterOutsideThePatternIsRefused(@ForAll("allowed") String value,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 14) int strange,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 511) int at) {
    assertThat(BrowserCookie.isValue(value)).isTrue();
    int place = at % value.length();
    String spoiled = value.substring(0, place) + STRANGE.charAt(strange) + value.substring(place + 1);

    assertThat(BrowserCookie.isValue(spoiled)).as(spoiled).isFalse();
  }
}
