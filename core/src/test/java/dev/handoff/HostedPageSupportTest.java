package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStatus;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** What the engine offers hosted pages: theme and locale per session, form tokens, and how a session ended. */
class HostedPageSupportTest {
  private final TestEngines t = new TestEngines();
  private final Handoff engine = t.engine();

  private String redeemedBrowser() {
    t.users.add("p1", "usr_1", "a@example.com");
    var issued = engine.create(checkout("p1").user("usr_1").callbackUrl("https://app.example.com/cb").build());
    return engine.redeem(issued.token().orElseThrow()).browserSecret();
  }

  @Test
  void themeAndLocaleArePersistedAndReadBack() {
    var theme = new Theme("Acme", "https://cdn.example.com/logo.png", "#286EFA");
    var issued = engine.create(checkout("p1").theme(theme).locale("de-DE").build());
    var session = engine.get("p1", issued.session().id());
    assertThat(session.theme()).isEqualTo(new Theme("Acme", "https://cdn.example.com/logo.png", "#286efa"));
    assertThat(session.locale()).isEqualTo(Locale.GERMANY);
    assertThat(t.store.find("p1", session.id()).orElseThrow().presentation())
        .containsEntry("locale", "de-DE").containsKey("theme");

    var plain = engine.create(checkout("p1").build()).session();
    assertThat(plain.theme()).isEqualTo(Theme.DEFAULT);
    assertThat(plain.locale()).isNull();
  }

  @Test
  void updateReplacesThemeAndLocaleAndKeepsTheUrl() {
    var issued = engine.create(checkout("p1").locale(Locale.ENGLISH).build());
    var updated = engine.update("p1", issued.session().id(), UpdateSessionRequest.builder()
        .theme(new Theme("Other", null, null)).locale("de").build());
    assertThat(updated.url()).isEmpty();
    assertThat(updated.session().theme().productName()).isEqualTo("Other");
    assertThat(updated.session().locale()).isEqualTo(Locale.GERMAN);
    var cleared = engine.update("p1", issued.session().id(), UpdateSessionRequest.builder()
        .theme(Theme.DEFAULT).build());
    assertThat(cleared.session().theme()).isEqualTo(Theme.DEFAULT);
    assertThat(cleared.session().locale()).isEqualTo(Locale.GERMAN);
  }

  @Test
  void malformedLocalesAndThemesAreInvalidRequests() {
    for (String tag : new String[] {"", "x", "not a tag", "und", "de-" + "x".repeat(40)}) {
      assertThatThrownBy(() -> checkout("p1").locale(tag))
          .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }
    assertThatThrownBy(() -> checkout("p1").theme(new Theme(null, "http://cdn.example.com/x.png", null)))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }

  @Test
  void idempotentRetriesMustAskForTheSamePresentation() {
    engine.create(checkout("p1").idempotencyKey("k1").locale("de").build());
    assertThat(engine.create(checkout("p1").idempotencyKey("k1").locale("de").build()).url()).isPresent();
    assertThatThrownBy(() -> engine.create(checkout("p1").idempotencyKey("k1").locale("en").build()))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
  }

  @Test
  void formTokensAreKeyedDigestsSharedByEnginesOnOneRing() {
    String secret = redeemedBrowser();
    String token = engine.formToken(secret);
    assertThat(token).doesNotContain(secret.substring(secret.lastIndexOf('.') + 1));
    assertThat(engine.isFormToken(secret, token)).isTrue();
    var otherNode = t.builder().build();
    assertThat(otherNode.formToken(secret)).isEqualTo(token);
    assertThat(otherNode.isFormToken(secret, token)).isTrue();
    char last = token.charAt(token.length() - 1);
    assertThat(engine.isFormToken(secret, token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A')))
        .isFalse();
    assertThat(engine.isFormToken(secret, "")).isFalse();
    assertThat(engine.isFormToken(null, token)).isFalse();
    var otherRing = new TestEngines().engine();
    assertThat(otherRing.isFormToken(secret, token)).isFalse();
  }

  @Test
  void sessionOfTellsHowABrowserSessionEnded() {
    String secret = redeemedBrowser();
    assertThat(engine.sessionOf(secret).orElseThrow().status()).isEqualTo(SessionStatus.ACTIVE);
    engine.completeFromBrowser(secret);
    var ended = engine.sessionOf(secret).orElseThrow();
    assertThat(ended.status()).isEqualTo(SessionStatus.COMPLETED);
    assertThat(ended.callbackUrl()).isEqualTo("https://app.example.com/cb");
    assertThat(engine.sessionOf("hb1.garbage")).isEmpty();
    assertThat(engine.sessionOf(null)).isEmpty();
    assertThat(engine.sessionOf(secret.substring(0, secret.length() - 2) + "AA")).isEmpty();
  }
}
