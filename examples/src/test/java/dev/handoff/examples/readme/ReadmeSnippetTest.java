package dev.handoff.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.Redemption;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The README's plain-Java code is {@link EmbedInPlainJava}, verbatim, and it runs as described. */
class ReadmeSnippetTest {
  private static final Path SNIPPET = Path.of("src/test/java/dev/handoff/examples/readme/EmbedInPlainJava.java");
  private static final Path README = Path.of("../README.md");

  @Test
  void theReadmeShowsTheSnippetFileVerbatim() throws Exception {
    String file = Files.readString(SNIPPET);
    String region = file.substring(file.indexOf('\n', file.indexOf("// README:begin")) + 1,
        file.indexOf("// README:end"));
    String readme = Files.readString(README);
    String begin = "<!-- snippet: examples/src/test/java/dev/handoff/examples/readme/EmbedInPlainJava.java -->\n```java\n";
    assertThat(readme).contains(begin);
    int start = readme.indexOf(begin) + begin.length();
    String shown = readme.substring(start, readme.indexOf("```\n", start));
    assertThat(shown).isEqualTo(region);
  }

  @Test
  void theSnippetCreatesAndRedeems() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Redemption redemption = EmbedInPlainJava.createAndRedeem(secret);
    assertThat(redemption.user().id()).isEqualTo("usr_42");
    assertThat(redemption.session().intent().payload()).containsEntry("plan", "pln_123");
    assertThat(redemption.session().id()).startsWith("csn_");
  }

  @Test
  void theTokenIsTheUrlsTokenParameter() {
    assertThat(EmbedInPlainJava.queryParameter(java.net.URI.create("https://x.example/e?session=s1&token=ab.c_d-e"),
        "token")).isEqualTo("ab.c_d-e");
    assertThatThrownBy(() -> EmbedInPlainJava.queryParameter(java.net.URI.create("https://x.example/e?a=1"),
        "token")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDirectoryRefusesSignUpWithACode() {
    assertThatThrownBy(() -> new EmbedInPlainJava.MyUsers().create("t", dev.handoff.spi.UserDetails.ofEmail(
        "x@example.com"))).isInstanceOfSatisfying(HandoffException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNPROCESSABLE));
  }
}
