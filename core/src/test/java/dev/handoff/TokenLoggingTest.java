package dev.handoff;

import static dev.handoff.TestKeys.NOW;
import static dev.handoff.TestKeys.secret;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A refused token leaves one debug line with the reason, never the token or a key. */
class TokenLoggingTest {
  @Test
  void rejectionsAreLoggedWithoutTheToken() throws Exception {
    var codec = TestKeys.codec(KeyRing.fromMasterSecret("k1", secret(1)));
    String valid = codec.mint(TestKeys.claims("acme", "s1", 1));
    String tampered = valid.substring(0, valid.length() - 2) + (valid.endsWith("A") ? "BA" : "AA");
    String foreign = TestKeys.codec(KeyRing.fromMasterSecret("k1", secret(9))).mint(TestKeys.claims("acme", "s1", 1));
    String[] tokens = {tampered, foreign, "x.y", valid.replace('.', '!')};
    // CapturedLogs, the tests' SLF4J provider, keeps every line at every level.
    int before = CapturedLogs.lines().size();
    for (String token : tokens) {
      TokenHardeningTest.assertInvalid(codec, token);
    }
    var lines = CapturedLogs.lines();
    String log = String.join("\n", lines.subList(before, lines.size()));
    assertThat(log.split("token rejected", -1)).hasSize(tokens.length + 1);
    for (String token : tokens) {
      assertThat(log).doesNotContain(token);
      for (String part : token.split("\\.")) {
        if (part.length() > 8) {
          assertThat(log).doesNotContain(part);
        }
      }
    }
  }
}
