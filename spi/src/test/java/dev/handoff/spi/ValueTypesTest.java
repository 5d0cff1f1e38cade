package dev.handoff.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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
    var access = new AccessRecord(AccessRecord.Step.REDEEMED, T.plusSeconds(1), "203.0.113.0/24", "Mozilla/5.0");
    var consumed = s.consumedAs(SessionStatus.ACTIVE, browser, access, T.plusSeconds(1));
    assertThat(consumed.browser()).isEqualTo(browser);
    assertThat(consumed.accessLog()).containsExactly(access);
    // The second clock starts at redemption: a session built without clocks gets its whole lifetime again.
    assertThat(consumed.expiresAt()).isEqualTo(T.plusSeconds(61));
    assertThat(consumed.clocks().linkExpiresAt()).isEqualTo(T.plusSeconds(60));
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

  @Test
  void theSecondClockStartsAtRedemption() {
    var clocks = new SessionClocks(T.plusSeconds(7 * 86400), Duration.ofMinutes(5), Duration.ofMinutes(30));
    var s = valid().expiresAt(T.plusSeconds(7 * 86400)).clocks(clocks).build();
    var at = T.plusSeconds(6 * 86400);
    var consumed = s.consumedAs(SessionStatus.ACTIVE, new BrowserBinding("d", at, at),
        new AccessRecord(AccessRecord.Step.REDEEMED, at, null, null), at);
    assertThat(consumed.expiresAt()).isEqualTo(at.plus(Duration.ofMinutes(30)));
    assertThat(consumed.clocks()).isEqualTo(clocks);
    assertThatThrownBy(() -> new SessionClocks(T, Duration.ZERO, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theAccessLogKeepsTheFirstAndTheLatestRecords() {
    var log = java.util.List.<AccessRecord>of();
    for (int i = 0; i < 25; i++) {
      log = AccessRecord.append(log, new AccessRecord(AccessRecord.Step.REDEEMED, T.plusSeconds(i), null, null));
    }
    assertThat(log).hasSize(AccessRecord.MAX_RECORDS);
    assertThat(log.get(0).at()).isEqualTo(T);
    assertThat(log.get(1).at()).isEqualTo(T.plusSeconds(25 - AccessRecord.MAX_RECORDS + 1));
    assertThat(log.get(log.size() - 1).at()).isEqualTo(T.plusSeconds(24));
    assertThatThrownBy(() -> new AccessRecord(AccessRecord.Step.REDEEMED, T, "a\r\nb", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AccessRecord(AccessRecord.Step.REDEEMED, T, null, "x".repeat(257)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anOpenSessionHasNoAccessLog() {
    var record = new AccessRecord(AccessRecord.Step.REDEEMED, T, null, null);
    assertThatThrownBy(() -> valid().accessLog(java.util.List.of(record)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(valid().status(SessionStatus.ACTIVE).accessLog(java.util.List.of(record)).build().accessLog())
        .containsExactly(record);
  }

  @Test
  void aRecoveredSessionNamesItsOriginal() {
    assertThatThrownBy(() -> new Recovery("csn_1", null, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Recovery(null, null, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Recovery.NONE.replacedBy("csn_2").replacedBy()).isEqualTo("csn_2");
  }
}
