package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.Subject;
import java.time.Duration;
import java.util.HashMap;
import org.junit.jupiter.api.Test;

class OneTimeCodeLoginTest {
  private final TestEngines t = new TestEngines();
  private final RecordingOtpSender sender = new RecordingOtpSender();
  private final Handoff engine = t.builder().otpSender(sender).build();

  private static void assertCode(ErrorCode code, Runnable action) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  private String unauthenticatedBrowser() {
    var redemption = engine.redeem(engine.create(checkout("p1").build()).token().orElseThrow());
    assertThat(redemption.loginRequired()).isTrue();
    return redemption.browserSecret();
  }

  @Test
  void knownUserSignsInWithTheCode() {
    t.users.add("p1", "usr_7", "ann@example.com");
    String secret = unauthenticatedBrowser();
    assertThat(engine.authenticate(secret).loginRequired()).isTrue();

    assertThat(engine.authenticate(secret).loginStarted()).isFalse();
    engine.startLogin(secret, "ann@example.com");
    assertThat(engine.authenticate(secret).loginStarted()).isTrue();
    assertThat(sender.sent).hasSize(1);
    assertThat(sender.lastCode()).hasSize(6).containsOnlyDigits();

    var signedIn = engine.verifyLogin(secret, sender.lastCode());
    assertThat(signedIn.user().id()).isEqualTo("usr_7");
    assertThat(signedIn.session().status()).isEqualTo(SessionStatus.ACTIVE);
    assertThat(signedIn.session().subject()).isEqualTo(new Subject.ExistingUser("usr_7"));
    String rotated = signedIn.rotatedSecret().orElseThrow();
    assertThat(engine.authenticate(rotated).user().id()).isEqualTo("usr_7");
    assertThat(engine.authenticate(rotated).rotatedSecret()).isEmpty();
    assertCode(ErrorCode.CONFLICT, () -> engine.verifyLogin(rotated, sender.lastCode()));
    assertCode(ErrorCode.CONFLICT, () -> engine.startLogin(rotated, "ann@example.com"));
  }

  @Test
  void signingInRotatesTheBrowserSecretAndTheOldOneStopsWorking() {
    t.users.add("p1", "usr_7", "ann@example.com");
    String before = unauthenticatedBrowser();
    engine.startLogin(before, "ann@example.com");
    var signedIn = engine.verifyLogin(before, sender.lastCode());

    String after = signedIn.browserSecret();
    assertThat(after).isNotEqualTo(before).startsWith("hb1.");
    assertThat(signedIn.toString()).doesNotContain(after);
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.authenticate(before));
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.completeFromBrowser(before));
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.logout(before));
    assertThat(engine.sessionOf(before)).isEmpty();
    assertThat(engine.isFormToken(before, engine.formToken(before))).isTrue(); // a digest, not a session check
    assertThat(engine.authenticate(after).user().id()).isEqualTo("usr_7");
    assertThat(engine.completeFromBrowser(after).status()).isEqualTo(SessionStatus.COMPLETED);
  }

  @Test
  void unknownEmailLooksTheSameButSendsNothingAndNeverSignsIn() {
    String secret = unauthenticatedBrowser();
    engine.startLogin(secret, "nobody@example.com");
    assertThat(sender.sent).isEmpty();
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.verifyLogin(secret, "000000"));
  }

  @Test
  void signUpCreatesTheUserOnVerification() {
    var engine = t.builder().otpSender(sender).loginPolicy(LoginPolicy.defaults().withSignUp(true)).build();
    String secret = engine.redeem(engine.create(checkout("p1").build()).token().orElseThrow()).browserSecret();
    engine.startLogin(secret, "fresh@example.com");
    assertThat(t.users.createdCount()).isZero();
    var signedIn = engine.verifyLogin(secret, sender.lastCode());
    assertThat(t.users.createdCount()).isEqualTo(1);
    assertThat(signedIn.user().email()).isEqualTo("fresh@example.com");
  }

  @Test
  void wrongCodesUseUpAttemptsThenTheChallengeIsDead() {
    t.users.add("p1", "usr_7", "ann@example.com");
    String secret = unauthenticatedBrowser();
    engine.startLogin(secret, "ann@example.com");
    String right = sender.lastCode();
    String wrong = right.equals("123456") ? "654321" : "123456";
    for (int i = 0; i < 4; i++) {
      assertCode(ErrorCode.INVALID_TOKEN, () -> engine.verifyLogin(secret, wrong));
    }
    assertCode(ErrorCode.TOO_MANY_ATTEMPTS, () -> engine.verifyLogin(secret, wrong));
    assertCode(ErrorCode.TOO_MANY_ATTEMPTS, () -> engine.verifyLogin(secret, right));
    assertThat(t.store.find("p1", engine.authenticate(secret).session().id()).orElseThrow().challenge()
        .attemptsLeft()).isZero();
  }

  @Test
  void codesExpire() {
    t.users.add("p1", "usr_7", "ann@example.com");
    String secret = unauthenticatedBrowser();
    engine.startLogin(secret, "ann@example.com");
    t.clock.advance(Duration.ofMinutes(10));
    assertCode(ErrorCode.EXPIRED, () -> engine.verifyLogin(secret, sender.lastCode()));
  }

  @Test
  void sendsAreLimitedInNumberAndPace() {
    t.users.add("p1", "usr_7", "ann@example.com");
    String secret = unauthenticatedBrowser();
    engine.startLogin(secret, "ann@example.com");
    assertCode(ErrorCode.TOO_MANY_ATTEMPTS, () -> engine.startLogin(secret, "ann@example.com"));
    for (int i = 1; i < 5; i++) {
      t.clock.advance(Duration.ofSeconds(30));
      engine.startLogin(secret, "ann@example.com");
    }
    t.clock.advance(Duration.ofMinutes(5));
    assertCode(ErrorCode.TOO_MANY_ATTEMPTS, () -> engine.startLogin(secret, "ann@example.com"));
    assertThat(sender.sent).hasSize(5);
    // Only the newest code works.
    String newest = sender.lastCode();
    String older = sender.sent.get(0).code();
    if (!older.equals(newest)) {
      assertCode(ErrorCode.INVALID_TOKEN, () -> engine.verifyLogin(secret, older));
    }
    assertThat(engine.verifyLogin(secret, newest).user().id()).isEqualTo("usr_7");
  }

  @Test
  void badInputIsRefusedWithoutUsingAnAttempt() {
    String secret = unauthenticatedBrowser();
    assertCode(ErrorCode.INVALID_REQUEST, () -> engine.startLogin(secret, "not-an-email"));
    assertCode(ErrorCode.INVALID_REQUEST, () -> engine.verifyLogin(secret, ""));
    assertCode(ErrorCode.CONFLICT, () -> engine.verifyLogin(secret, "123456"));
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.startLogin("forged", "a@example.com"));
    var noSender = t.builder().build();
    assertCode(ErrorCode.UNPROCESSABLE, () -> noSender.startLogin(secret, "a@example.com"));
  }

  @Test
  void codesAreUniformOverTheAlphabet() {
    var codes = new OneTimeCodes(new LoginPolicy(6, "ab", Duration.ofMinutes(1), 1, 1, Duration.ZERO, false),
        java.security.SecureRandom::new);
    var counts = new HashMap<Character, Integer>();
    for (int i = 0; i < 2000; i++) {
      for (char c : codes.next().toCharArray()) {
        counts.merge(c, 1, Integer::sum);
      }
    }
    // 12000 fair coin flips: each side within 6 standard deviations (about 330) of 6000.
    assertThat(counts.keySet()).containsExactlyInAnyOrder('a', 'b');
    assertThat(counts.get('a')).isBetween(5670, 6330);
  }

  @Test
  void theCodeAppearsInNoLogLine() {
    t.users.add("p1", "usr_7", "ann@example.com");
    String secret = unauthenticatedBrowser();
    engine.startLogin(secret, "ann@example.com");
    String code = sender.lastCode();
    String rotated = engine.verifyLogin(secret, code).browserSecret();
    assertThat(CapturedLogs.lines()).noneMatch(line -> line.contains(secret) || line.contains(rotated)
        || line.contains("ann@example.com"));
    assertThat(t.store.find("p1", engine.authenticate(rotated).session().id()).orElseThrow().toString())
        .doesNotContain(code).doesNotContain(rotated);
  }
}
