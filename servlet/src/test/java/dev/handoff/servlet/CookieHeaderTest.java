package dev.handoff.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** One cookie found in a Cookie header by name, as the pairs of RFC 6265 are read, and nothing more. */
class CookieHeaderTest {

  @Test
  void theFirstPairOfExactlyThatNameWins() {
    assertThat(CookieHeader.value("Handoff=upper; handoff=first; handoff=second", "handoff")).isEqualTo("first");
    assertThat(CookieHeader.value("Handoff=upper; handoff=first", "Handoff")).isEqualTo("upper");
    assertThat(CookieHeader.value("xhandoff=a; handoffx=b;handoff_=c", "handoff")).isNull();
    assertThat(CookieHeader.value("a=1;handoff=v.1-_Z", "handoff")).isEqualTo("v.1-_Z");
    assertThat(CookieHeader.value("  handoff = v ;b=2", "handoff")).isEqualTo("v");
    assertThat(CookieHeader.value("handoff", "handoff")).isNull(); // no '=': no value
    assertThat(CookieHeader.value("handoff; handoff=later", "handoff")).isEqualTo("later");
    assertThat(CookieHeader.value("handoff=", "handoff")).isEmpty();
    assertThat(CookieHeader.value("", "handoff")).isNull();
    assertThat(CookieHeader.value(";;", "handoff")).isNull();
  }

  @Test
  void valuesComeBackAsSentForTheFlowToJudge() {
    // Only a pair of enclosing quotes is taken off (RFC 6265 allows them); everything else stays, so that the
    // flow's check (BrowserCookie.isValue) sees and rejects a hostile value instead of a cleaned-up one.
    assertThat(CookieHeader.value("handoff=\"abc\"", "handoff")).isEqualTo("abc");
    assertThat(CookieHeader.value("handoff=\"abc", "handoff")).isEqualTo("\"abc");
    assertThat(CookieHeader.value("handoff=\"", "handoff")).isEqualTo("\"");
    assertThat(CookieHeader.value("handoff=<script>alert(1)</script>", "handoff"))
        .isEqualTo("<script>alert(1)</script>");
    assertThat(CookieHeader.value("handoff=a=b,c d", "handoff")).isEqualTo("a=b,c d");
    assertThat(CookieHeader.value("handoff=%00\u00e9", "handoff")).isEqualTo("%00\u00e9");
  }

  @Provide
  Arbitrary<String> headers() {
    return Arbitraries.strings().withChars('h', 'a', 'n', 'd', 'o', 'f', 'H', '=', ';', ' ', '\t', '"', ',', '.', '<',
        '\u00e9').ofMaxLength(40).map(s -> s.replace("hh", "handoff"));
  }

  @Property(tries = 3000)
  void readsWhatSplittingOnSemicolonsReads(@ForAll("headers") String header) {
    assertThat(CookieHeader.value(header, "handoff")).isEqualTo(reference(header, "handoff"));
  }

  /** The plain reading: split on ';', trim each pair, name up to the first '=', trimmed value unquoted. */
  private static String reference(String header, String name) {
    for (String pair : header.split(";", -1)) {
      int eq = pair.indexOf('=');
      if (eq < 0 || !trim(pair.substring(0, eq)).equals(name)) {
        continue;
      }
      String value = trim(pair.substring(eq + 1));
      return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
          ? value.substring(1, value.length() - 1) : value;
    }
    return null;
  }

  /** Only spaces and tabs count as white space around a name or value. */
  private static String trim(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return s.substring(from, to);
  }
}
