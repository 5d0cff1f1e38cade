package dev.handoff.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValueTypesTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static StoredSession.Builder valid() {
    return StoredSession.builder().tenant("t").id("s").intent(Intent.of("x")).createdAt(T).modifiedAt(T)
        .expiresAt(T.plusSeconds(60)).tokenDigest("d");
  }

  @Test
  void storedSessionDefaultsAndInvariants() {
    var s = valid().build();
    assertThat(s.status()).isEqualTo(SessionStatus.OPEN);
    assertThat(s.tokenGeneration()).isEqualTo(1);
    assertThat(s.singleUse()).isTrue();
    assertThat(s.subject()).isEqualTo(Subject.ANONYMOUS);
    assertThat(s.toBuilder().build()).isEqualTo(s);
    assertThatThrownBy(() -> valid().expiresAt(T).build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().tokenGeneration(0).build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().version(-1).build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().idempotency("k", null).build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().tenant(null).build()).isInstanceOf(NullPointerException.class);
  }

  @Test
  void expiryIsTheFirstInstantAtOrAfterExpiresAt() {
    var s = valid().build();
    assertThat(s.isExpiredAt(T.plusSeconds(60).minusNanos(1))).isFalse();
    assertThat(s.isExpiredAt(T.plusSeconds(60))).isTrue();
    assertThat(s.statusAt(T.plusSeconds(60))).isEqualTo(SessionStatus.EXPIRED);
    assertThat(valid().status(SessionStatus.COMPLETED).build().statusAt(T.plusSeconds(99)))
        .isEqualTo(SessionStatus.COMPLETED);
    var browser = new BrowserBinding("digest", T.plusSeconds(1), T.plusSeconds(1));
    var consumed = s.consumedAs(SessionStatus.ACTIVE, browser, T.plusSeconds(1));
    assertThat(consumed.browser()).isEqualTo(browser);
    assertThat(consumed.version()).isEqualTo(1);
    assertThat(consumed.modifiedAt()).isEqualTo(T.plusSeconds(1));
    assertThat(consumed.status()).isEqualTo(SessionStatus.ACTIVE);
  }

  @Test
  void personalDataStaysOutOfToString() {
    var details = new UserDetails("jane@example.com", "Jane Doe", Map.of("phone", "+123"));
    var session = valid().subject(new Subject.NewUser(details)).metadata(Map.of("card", "4242")).build();
    assertThat(details.toString()).doesNotContain("jane").doesNotContain("Jane");
    assertThat(new User("u1", "jane@example.com", "Jane").toString()).doesNotContain("jane").contains("u1");
    assertThat(session.toString()).doesNotContain("jane").doesNotContain("4242");
  }

  @Test
  void emailsAndIntentNamesAreChecked() {
    for (String bad : new String[] {"", "a", "@b", "a@", "a@b@c", "a b@c", "x".repeat(250) + "@b.cd"}) {
      assertThatThrownBy(() -> UserDetails.ofEmail(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(UserDetails.ofEmail("a@b").email()).isEqualTo("a@b");
    assertThatThrownBy(() -> Intent.of("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Intent.of("a b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Intent.of("a".repeat(65))).isInstanceOf(IllegalArgumentException.class);
    assertThat(Intent.of("checkout.new-sub_1").type()).isEqualTo("checkout.new-sub_1");
  }

  @Test
  void errorCodesMapToHttpStatuses() {
    assertThat(ErrorCode.INVALID_REQUEST.httpStatus()).isEqualTo(400);
    assertThat(ErrorCode.INVALID_TOKEN.httpStatus()).isEqualTo(401);
    assertThat(ErrorCode.NOT_FOUND.httpStatus()).isEqualTo(404);
    assertThat(ErrorCode.CONFLICT.httpStatus()).isEqualTo(409);
    assertThat(ErrorCode.EXPIRED.httpStatus()).isEqualTo(410);
    assertThat(ErrorCode.UNPROCESSABLE.httpStatus()).isEqualTo(422);
    assertThat(ErrorCode.TOO_MANY_ATTEMPTS.httpStatus()).isEqualTo(429);
    assertThat(ErrorCode.STORAGE_UNAVAILABLE.httpStatus()).isEqualTo(503);
    var e = new HandoffException(ErrorCode.CONFLICT, "m");
    assertThat(e.httpStatus()).isEqualTo(409);
    assertThat(e.toString()).contains("CONFLICT").contains("m");
  }
}
