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

class BrowserSessionTest {
  private final TestEngines t = new TestEngines();
  private final List<SessionEvent> events = new CopyOnWriteArrayList<>();
  private final Handoff engine = t.builder().listener(events::add).idleTimeout(Duration.ofMinutes(10)).build();

  private static void assertCode(ErrorCode code, Runnable action) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  private Redemption redeemAuthenticated() {
    t.users.add("p1", "usr_1", "a@example.com");
    var issued = engine.create(checkout("p1").user("usr_1").callbackUrl("https://example.com/back").build());
    return engine.redeem(issued.token().orElseThrow());
  }

  @Test
  void redemptionOpensABrowserSessionThatAuthenticatesLaterRequests() {
    var redemption = redeemAuthenticated();
    String secret = redemption.browserSecret();
    assertThat(secret).hasSizeGreaterThan(43);
    assertThat(redemption.toString()).doesNotContain(secret);

    var browser = engine.authenticate(secret);
    assertThat(browser.user().id()).isEqualTo("usr_1");
    assertThat(browser.session().id()).isEqualTo(redemption.session().id());
    assertThat(browser.session().status()).isEqualTo(SessionStatus.ACTIVE);
    // Only a digest is stored.
    var stored = t.store.find("p1", redemption.session().id()).orElseThrow();
    assertThat(stored.browser().secretDigest()).isNotEqualTo(secret);
    assertThat(secret).doesNotContain(stored.browser().secretDigest());
  }

  @Test
  void forgedAndMalformedSecretsAreInvalid() {
    String secret = redeemAuthenticated().browserSecret();
    String forged = secret.substring(0, secret.length() - 1) + (secret.endsWith("A") ? "B" : "A");
    for (String bad : new String[] {forged, "", "hb1", "hb1.a.b.c", secret + ".x", "x".repeat(600), "hb1.!!.x.y"}) {
      assertCode(ErrorCode.INVALID_TOKEN, () -> engine.authenticate(bad));
    }
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.authenticate(null));
    assertThat(engine.authenticate(secret).user()).isNotNull();
  }

  @Test
  void idleTimeoutSlidesWithActivityAndThenEndsTheSession() {
    String secret = redeemAuthenticated().browserSecret();
    for (int i = 0; i < 5; i++) {
      t.clock.advance(Duration.ofMinutes(6));
      assertThat(engine.authenticate(secret).user()).isNotNull();
    }
    t.clock.advance(Duration.ofMinutes(10));
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.authenticate(secret));
    assertThat(events).extracting(SessionEvent::type)
        .endsWith(SessionEvent.Type.LOGGED_OUT, SessionEvent.Type.ABANDONED);
  }

  @Test
  void theActiveLifetimeEndsTheBrowserSessionWhateverTheActivity() {
    t.users.add("p1", "usr_1", "a@example.com");
    var issued = engine.create(checkout("p1").user("usr_1").ttl("2m").activeLifetime("5m").build());
    t.clock.advance(Duration.ofMinutes(1));
    String secret = engine.redeem(issued.token().orElseThrow()).browserSecret();
    t.clock.advance(Duration.ofMinutes(4));
    engine.authenticate(secret); // past the link's deadline: the page runs on the second clock
    t.clock.advance(Duration.ofMinutes(1));
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.authenticate(secret));
    assertThat(engine.get("p1", issued.session().id()).status()).isEqualTo(SessionStatus.EXPIRED);
    assertThat(events).extracting(SessionEvent::type)
        .endsWith(SessionEvent.Type.EXPIRED, SessionEvent.Type.ABANDONED);
  }

  @Test
  void logoutRevokeAndCompletionEachEndTheBrowserSession() {
    String loggedOut = redeemAuthenticated().browserSecret();
    assertThat(engine.logout(loggedOut).status()).isEqualTo(SessionStatus.LOGGED_OUT);
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.authenticate(loggedOut));
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.logout(loggedOut));

    var t2 = new TestEngines();
    t2.users.add("p1", "usr_1", "a@example.com");
    var engine2 = t2.engine();
    var r = engine2.redeem(engine2.create(checkout("p1").user("usr_1").build()).token().orElseThrow());
    engine2.revoke("p1", r.session().id());
    assertThatThrownBy(() -> engine2.authenticate(r.browserSecret())).isInstanceOf(HandoffException.class);

    var r3 = engine2.redeem(engine2.create(checkout("p1").user("usr_1").callbackUrl("https://example.com/done")
        .build()).token().orElseThrow());
    var done = engine2.completeFromBrowser(r3.browserSecret());
    assertThat(done.callbackUrl()).isEqualTo("https://example.com/done");
    assertThatThrownBy(() -> engine2.authenticate(r3.browserSecret()))
        .isInstanceOfSatisfying(HandoffException.class,
            e -> assertThat(e.redirectUrl()).contains("https://example.com/done"));
  }

  @Test
  void expiredOrUsedLinksCarryTheWayBack() {
    var issued = engine.create(checkout("p1").callbackUrl("https://example.com/back").ttl("2m").build());
    engine.redeem(issued.token().orElseThrow());
    assertThatThrownBy(() -> engine.redeem(issued.token().orElseThrow()))
        .isInstanceOfSatisfying(HandoffException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN);
          assertThat(e.redirectUrl()).contains("https://example.com/back");
        });
    var other = engine.create(checkout("p1").callbackUrl("https://example.com/other").ttl("2m").build());
    t.clock.advance(Duration.ofMinutes(2));
    assertThatThrownBy(() -> engine.redeem(other.token().orElseThrow()))
        .isInstanceOfSatisfying(HandoffException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.EXPIRED);
          assertThat(e.redirectUrl()).contains("https://example.com/other");
        });
    assertThatThrownBy(() -> engine.redeem("garbage"))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.redirectUrl()).isEmpty());
  }

  @Test
  void browserSessionsAndCodesSurviveKeyRotationUntilTheirSecretIsRetired() {
    var engine = Handoff.builder().store(t.store).userDirectory(t.users).clock(t.clock)
        .hostedPageUrl(TestEngines.BASE_URL).intents(TestEngines.INTENTS).otpSender(new RecordingOtpSender())
        .keys(KeyRing.fromMasterSecret("k1", TestKeys.secret(1))).build();
    String secret = engine.redeem(engine.create(checkout("p1").build()).token().orElseThrow()).browserSecret();
    engine.startLogin(secret, "nobody@example.com");

    engine.rotateKeys(KeyRing.builder().masterSecret("k2", TestKeys.secret(2)).masterSecret("k1", TestKeys.secret(1))
        .build());
    assertThat(engine.authenticate(secret).loginStarted()).isTrue();

    engine.rotateKeys(KeyRing.fromMasterSecret("k2", TestKeys.secret(2)));
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.authenticate(secret));
  }

  @Test
  void aReusableLinkRedeemedAgainMovesTheBrowserSession() {
    t.users.add("p1", "usr_1", "a@example.com");
    String token = engine.create(checkout("p1").user("usr_1").singleUse(false).build()).token().orElseThrow();
    String first = engine.redeem(token).browserSecret();
    String second = engine.redeem(token).browserSecret();
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.authenticate(first));
    assertThat(engine.authenticate(second).user()).isNotNull();
  }
}
