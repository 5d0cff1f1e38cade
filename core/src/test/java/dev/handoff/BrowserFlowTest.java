package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class BrowserFlowTest {
  private final TestEngines t = new TestEngines();
  private final List<SessionEvent> events = new CopyOnWriteArrayList<>();
  private final EngineContext ctx = t.builder().idleTimeout(Duration.ofMinutes(10)).listener(events::add)
      .buildContext();
  private final IssueFlow issuing = new IssueFlow(ctx);
  private final BrowserFlow browser = new BrowserFlow(ctx);

  private String redeemedSecret() {
    t.users.add("p1", "usr_1", "a@example.com");
    var issued = issuing.create(checkout("p1").user("usr_1").build());
    return new RedeemFlow(ctx).redeem(issued.token().orElseThrow(), ClientInfo.UNKNOWN).browserSecret();
  }

  private static void assertInvalidToken(Runnable action) {
    assertThatThrownBy(action::run).isInstanceOfSatisfying(HandoffException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN);
    });
  }

  @Test
  void everyBadSecretGetsTheSameError() {
    String secret = redeemedSecret();
    String tampered = secret.substring(0, secret.length() - 1) + (secret.endsWith("A") ? "B" : "A");
    assertInvalidToken(() -> browser.bound(null, t.clock.instant()));
    assertInvalidToken(() -> browser.bound("garbage", t.clock.instant()));
    assertInvalidToken(() -> browser.bound(tampered, t.clock.instant()));
    assertThat(browser.bound(secret, t.clock.instant()).status()).isEqualTo(SessionStatus.ACTIVE);
  }

  @Test
  void activitySlidesTheIdleTimeoutWithOneWritePerTenthOfIt() {
    String secret = redeemedSecret();
    long version = browser.bound(secret, t.clock.instant()).version();
    t.clock.advance(Duration.ofSeconds(59));
    browser.authenticate(secret);
    assertThat(browser.bound(secret, t.clock.instant()).version()).isEqualTo(version);
    t.clock.advance(Duration.ofSeconds(1));
    browser.authenticate(secret);
    assertThat(browser.bound(secret, t.clock.instant()).version()).isEqualTo(version + 1);

    t.clock.advance(Duration.ofMinutes(9)); // 9 minutes after the last slide, 10 after redemption
    assertThat(browser.authenticate(secret).session().status()).isEqualTo(SessionStatus.ACTIVE);
  }

  @Test
  void anIdleBrowserSessionIsLoggedOutOnce() {
    String secret = redeemedSecret();
    t.clock.advance(Duration.ofMinutes(10));

    assertInvalidToken(() -> browser.authenticate(secret));
    assertInvalidToken(() -> browser.authenticate(secret));
    assertThat(events).extracting(SessionEvent::type).containsExactly(SessionEvent.Type.CREATED,
        SessionEvent.Type.REDEEMED, SessionEvent.Type.LOGGED_OUT, SessionEvent.Type.ABANDONED);
    var ended = browser.sessionOf(secret).orElseThrow();
    assertThat(ended.status()).isEqualTo(SessionStatus.LOGGED_OUT);
    assertThat(ended.endedByIdleness()).isTrue();
  }

  @Test
  void logoutAndCompletionEndTheBrowserSession() {
    String secret = redeemedSecret();
    assertThat(browser.complete(secret).status()).isEqualTo(SessionStatus.COMPLETED);
    assertInvalidToken(() -> browser.logout(secret));
  }

  @Test
  void aSignOutJustBeforeTheIdleDeadlineIsNoTimeout() {
    String secret = redeemedSecret();
    t.clock.advance(Duration.ofMinutes(10).minusMillis(1));
    var out = browser.logout(secret);
    assertThat(out.status()).isEqualTo(SessionStatus.LOGGED_OUT);
    assertThat(out.endedByIdleness()).isFalse();
    assertThat(events).extracting(SessionEvent::type).doesNotContain(SessionEvent.Type.ABANDONED);
  }

  @Test
  void eachSessionSlidesAndTimesOutOnItsOwnIdleTimeout() {
    t.users.add("p1", "usr_1", "a@example.com");
    var brief = issuing.create(checkout("p1").user("usr_1").idleTimeout("2m").build());
    var engineDefault = issuing.create(checkout("p1").user("usr_1").build());
    var redemption = new RedeemFlow(ctx);
    String briefSecret = redemption.redeem(brief.token().orElseThrow(), ClientInfo.UNKNOWN).browserSecret();
    String defaultSecret = redemption.redeem(engineDefault.token().orElseThrow(), ClientInfo.UNKNOWN).browserSecret();
    long version = browser.bound(briefSecret, t.clock.instant()).version();

    t.clock.advance(Duration.ofSeconds(12)); // a tenth of two minutes: this page load is recorded
    assertThat(browser.authenticate(briefSecret).session().idleExpiresAt())
        .isEqualTo(t.clock.instant().plus(Duration.ofMinutes(2)));
    assertThat(browser.bound(briefSecret, t.clock.instant()).version()).isEqualTo(version + 1);
    t.clock.advance(Duration.ofMinutes(2));
    assertInvalidToken(() -> browser.authenticate(briefSecret));
    assertThat(browser.authenticate(defaultSecret).session().status()).isEqualTo(SessionStatus.ACTIVE);
  }
}
