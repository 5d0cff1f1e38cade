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
}
