package dev.handoff.reliability;

import static dev.handoff.reliability.Engines.checkout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.Handoff;
import dev.handoff.IssuedSession;
import dev.handoff.LoginPolicy;
import dev.handoff.UpdateSessionRequest;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.UserDetails;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * After full flows on every store (authenticated and signed-in sessions, idempotent replays, re-mints, wrong
 * codes, completion, logout), no URL token (nor its encrypted body), browser secret or one-time code appears in
 * any stored value (every column of every row, or every key under the store's prefix with every hash field and
 * value, string and sorted-set member and score, read directly) or in any log line at any level, the drivers' and
 * Lettuce's included (at TRACE they print the statements, commands and replies). Only the lines logged since the
 * test began are scanned: its secrets are new, and earlier tests leave many lines.
 */
class SecretsScanTest {

  @ParameterizedTest
  @EnumSource(Backend.class)
  void noSecretInAnyRowOrLogLine(Backend backend) {
    int logMark = CapturedLogs.mark();
    try (StoreFixture fixture = StoreFixture.open(backend)) {
      var users = new Users();
      users.add("t1", "usr_1", "ann@example.com");
      var sender = new RecordingSender();
      Handoff engine = Engines.builder(fixture.store(), users, sender)
          .loginPolicy(new LoginPolicy(6, "0123456789", Duration.ofMinutes(10), 5, 5, Duration.ZERO, false))
          .build();
      var secrets = new ArrayList<String>();

      // Authenticated: create (replayed), re-mint, redeem, update, complete from the browser.
      IssuedSession first = engine.create(checkout("t1").user("usr_1").idempotencyKey("idem-1").build());
      IssuedSession replay = engine.create(checkout("t1").user("usr_1").idempotencyKey("idem-1").build());
      secrets.add(first.token().orElseThrow());
      secrets.add(first.url().orElseThrow());
      secrets.add(replay.token().orElseThrow());
      IssuedSession reminted = engine.update("t1", first.session().id(), UpdateSessionRequest.builder()
          .userDetails(new UserDetails("bob@example.com", "Bob", Map.of())).build());
      reminted.token().ifPresent(secrets::add);
      String token = reminted.token().orElse(first.token().orElseThrow());
      String browser = engine.redeem(token).browserSecret();
      secrets.add(browser);
      engine.authenticate(browser);
      engine.completeFromBrowser(browser);

      // Unauthenticated: sign in with a wrong code, then the right one, then log out.
      IssuedSession anonymous = engine.create(checkout("t1").build());
      secrets.add(anonymous.token().orElseThrow());
      String signInBrowser = engine.redeem(anonymous.token().orElseThrow()).browserSecret();
      secrets.add(signInBrowser);
      engine.startLogin(signInBrowser, "ann@example.com");
      String code = sender.awaitLastCode("t1", "ann@example.com");
      try {
        engine.verifyLogin(signInBrowser, code.equals("000000") ? "111111" : "000000");
      } catch (HandoffException expected) {
        // a wrong code: counted, and must leave no trace of itself either
      }
      // Signing in replaces the browser secret: the new one must leave no trace either.
      String signedIn = engine.verifyLogin(signInBrowser, code).rotatedSecret().orElseThrow();
      secrets.add(signedIn);
      engine.logout(signedIn);
      engine.purgeExpired(100);

      List<String> stored = fixture.everyStoredValue(List.of("t1"));
      List<String> logs = CapturedLogs.linesSince(logMark);
      assertThat(stored).as("stored values on %s", backend).isNotEmpty();
      assertThat(logs).as("the capturing log provider is installed").isNotEmpty();
      for (String secret : secrets) {
        // The token's encrypted part (after its public header) is as secret as the whole.
        String body = secret.contains(".") ? secret.substring(secret.indexOf('.') + 1) : secret;
        assertThat(stored).as("rows on %s", backend).noneMatch(v -> v != null && v.contains(body));
        assertThat(logs).as("logs").noneMatch(line -> line.contains(body));
      }
      for (String sent : sender.allCodes) {
        // Codes are digits: look for them as a whole number, not inside a nanosecond timestamp.
        Pattern whole = Pattern.compile("(?<![0-9])" + sent + "(?![0-9])");
        assertThat(stored).as("rows on %s", backend).noneMatch(v -> v != null && whole.matcher(v).find());
        assertThat(logs).as("logs").noneMatch(line -> whole.matcher(line).find());
      }
      assertThat(sender.allCodes).isNotEmpty();
    }
  }
}
