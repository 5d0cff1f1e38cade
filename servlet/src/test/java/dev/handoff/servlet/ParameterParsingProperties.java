package dev.handoff.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Query and form parsing is a loop that decodes only what needs it; it reads what split-and-decode read. */
class ParameterParsingProperties {

  @Provide
  Arbitrary<String> raw() {
    return Arbitraries.strings().withChars('a', 'b', 'Z', '0', '=', '&', '%', '+', '2', 'B', 'C', '3', 'A', '9', '.',
        '-', '_', '\u00e9').ofMaxLength(60);
  }

  @Property(tries = 3000)
  void readsWhatSplitAndDecodeRead(@ForAll("raw") String raw) {
    assertThat(ServletHostedRequest.parse(raw)).isEqualTo(reference(raw));
  }

  /** The parser as it was: split on '&', decode name and value, the first value of a name wins. */
  private static Map<String, String> reference(String raw) {
    var params = new LinkedHashMap<String, String>();
    if (raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        params.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // dropped
      }
    }
    return params;
  }
}
