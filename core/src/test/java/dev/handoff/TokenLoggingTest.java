package dev.handoff;

import static dev.handoff.TestKeys.NOW;
import static dev.handoff.TestKeys.secret;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    // src/test/resources/simplelogger.properties sends every test log line, the codec's at DEBUG, to this file.
    Path file = Path.of("target", "test.log");
    long before = Files.exists(file) ? Files.size(file) : 0;
    for (String token : tokens) {
      TokenHardeningTest.assertInvalid(codec, token);
    }
    byte[] all = Files.readAllBytes(file);
    String log = new String(all, (int) before, all.length - (int) before, StandardCharsets.UTF_8);
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
