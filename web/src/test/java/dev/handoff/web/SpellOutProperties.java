package dev.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Spelling out a name is a loop for speed; it says exactly what the regex it replaced said. */
class SpellOutProperties {

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
        .withChars('_', '-', ' ', '\t', '\u00e9', '\u00c9', '\u212a', '\ud83d', '\ude00').ofMaxLength(40);
  }

  @Property(tries = 2000)
  void spellsOutAsTheRegexDid(@ForAll("names") String name) {
    String words = name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replace('_', ' ').replace('-', ' ').strip()
        .toLowerCase(Locale.ROOT);
    String expected = words.isEmpty() ? name : Character.toUpperCase(words.charAt(0)) + words.substring(1);

    assertThat(IntentSummaries.spellOut(name)).isEqualTo(expected);
  }

  @Example
  void examples() {
    assertThat(IntentSummaries.spellOut("checkoutNewSubscription")).isEqualTo("Checkout new subscription");
    assertThat(IntentSummaries.spellOut("new_plan")).isEqualTo("New plan");
    assertThat(IntentSummaries.spellOut("plan2Pro-x")).isEqualTo("Plan2 pro x");
    assertThat(IntentSummaries.spellOut("__")).isEqualTo("__");
  }
}
