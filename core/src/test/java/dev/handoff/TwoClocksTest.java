package dev.handoff;

import static dev.handoff.TestEngines.START;
import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14: a session's link lifetime and its time in the page are separate clocks, each settable per request within
 * the engine's bounds, and {@code get} shows both deadlines.
 */
class TwoClocksTest {
  private final TestEngines t = new TestEngines();
  private final List<SessionEvent> events = new CopyOnWriteArrayList<>();
  private final Handoff engine = t.builder().listener(events::add).build();

  private static void assertCode(ErrorCode code, Runnable action) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @Test
  void aWeekLongLinkGivesHalfAnHourInThePage() {
    t.users.add("p1", "usr_1", "a@example.com");
    var issued = engine.create(checkout("p1").user("usr_1").ttl("7d").activeLifetime("30m").idleTimeout("10m")
        .build());
    String id = issued.session().id();
    var open = engine.get("p1", id);
    assertThat(open.linkExpiresAt()).isEqualTo(START.plus(Duration.ofDays(7)));
    assertThat(open.expiresAt()).isEqualTo(open.linkExpiresAt());
    assertThat(open.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(open.activeLifetime()).isEqualTo(Duration.ofMinutes(30));
    assertThat(open.idleExpiresAt()).isNull();

    t.clock.advance(Duration.ofDays(6));
    var redeemedAt = t.clock.instant();
    String secret = engine.redeem(issued.token().orElseThrow()).browserSecret();
    var active = engine.get("p1", id);
    assertThat(active.expiresAt()).isEqualTo(redeemedAt.plus(Duration.ofMinutes(30)));
    assertThat(active.linkExpiresAt()).isEqualTo(START.plus(Duration.ofDays(7)));
    assertThat(active.idleExpiresAt()).isEqualTo(redeemedAt.plus(Duration.ofMinutes(10)));

    for (int i = 0; i < 3; i++) { // a page load every 9 minutes keeps it alive, up to the cap
      t.clock.advance(Duration.ofMinutes(9));
      assertThat(engine.authenticate(secret).session().status()).isEqualTo(SessionStatus.ACTIVE);
    }
    t.clock.advance(Duration.ofMinutes(3));
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.authenticate(secret));
    assertThat(engine.get("p1", id).status()).isEqualTo(SessionStatus.EXPIRED);
    assertThat(engine.get("p1", id).endedByIdleness()).isFalse();
    assertThat(events).extracting(SessionEvent::type).endsWith(SessionEvent.Type.EXPIRED,
        SessionEvent.Type.ABANDONED);
  }

  @Test
  void anIdleBrowserSessionEndsBeforeItsCap() {
    t.users.add("p1", "usr_1", "a@example.com");
    var issued = engine.create(checkout("p1").user("usr_1").idleTimeout("5m").activeLifetime("2h").build());
    String secret = engine.redeem(issued.token().orElseThrow()).browserSecret();
    t.clock.advance(Duration.ofMinutes(5));
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.authenticate(secret));
    var ended = engine.get("p1", issued.session().id());
    assertThat(ended.status()).isEqualTo(SessionStatus.LOGGED_OUT);
    assertThat(ended.endedByIdleness()).isTrue();
    assertThat(ended.idleExpiresAt()).isEqualTo(START.plus(Duration.ofMinutes(5)));
  }

  @Test
  void requestsWithoutClocksGetTheEngineDefaults() {
    var configured = t.builder().defaultTtl(Duration.ofHours(2)).idleTimeout(Duration.ofMinutes(5))
        .defaultActiveLifetime(Duration.ofMinutes(20)).build();
    var session = configured.create(checkout("p1").build()).session();
    assertThat(session.linkExpiresAt()).isEqualTo(START.plus(Duration.ofHours(2)));
    assertThat(session.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(session.activeLifetime()).isEqualTo(Duration.ofMinutes(20));

    var byDefault = engine.create(checkout("p1").build()).session();
    assertThat(byDefault.linkExpiresAt()).isEqualTo(START.plus(Duration.ofHours(1)));
    assertThat(byDefault.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(byDefault.activeLifetime()).isEqualTo(Duration.ofHours(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ttl:59s", "ttl:8d", "idleTimeout:59s", "idleTimeout:25h", "activeLifetime:59s",
      "activeLifetime:25h"})
  void aClockOutsideTheEngineBoundsIsAnInvalidRequestNamingItAndStoresNothing(String fieldAndValue) {
    String field = fieldAndValue.substring(0, fieldAndValue.indexOf(':'));
    String value = fieldAndValue.substring(field.length() + 1);
    UnaryOperator<CreateSessionRequest.Builder> set = switch (field) {
      case "ttl" -> b -> b.ttl(value);
      case "idleTimeout" -> b -> b.idleTimeout(value);
      default -> b -> b.activeLifetime(value);
    };
    assertThatThrownBy(() -> engine.create(set.apply(checkout("p1").idempotencyKey("k1")).build()))
        .isInstanceOfSatisfying(HandoffException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
          assertThat(e.getMessage()).startsWith(field + " must be between");
        });
    assertThat(t.store.list("p1", null, 10).sessions()).isEmpty();
    assertThat(t.store.findByIdempotencyKey("p1", "k1")).isEmpty();
  }

  @Test
  void theBoundsAreInclusive() {
    var lowest = engine.create(checkout("p1").ttl("1m").idleTimeout("1m").activeLifetime("1m").build());
    var highest = engine.create(checkout("p1").ttl("7d").idleTimeout("1d").activeLifetime("1d").build());
    assertThat(lowest.session().activeLifetime()).isEqualTo(Handoff.MIN_ACTIVE_LIFETIME);
    assertThat(highest.session().idleTimeout()).isEqualTo(Duration.ofDays(1));
    var wide = t.builder().maxIdleTimeout(Duration.ofDays(3)).maxActiveLifetime(Duration.ofDays(30)).build();
    assertThat(wide.create(checkout("p1").idleTimeout("3d").activeLifetime("30d").build()).session()
        .activeLifetime()).isEqualTo(Duration.ofDays(30));
  }

  @Test
  void inconsistentEngineBoundsFailWhenTheEngineIsBuilt() {
    assertBuildFails(b -> b.defaultActiveLifetime(Duration.ofDays(2)), "defaultActiveLifetime");
    assertBuildFails(b -> b.maxActiveLifetime(Duration.ofMinutes(30)), "maxActiveLifetime");
    assertBuildFails(b -> b.maxActiveLifetime(Duration.ofSeconds(30)).defaultActiveLifetime(Duration.ofSeconds(20)),
        "maxActiveLifetime");
    assertBuildFails(b -> b.idleTimeout(Duration.ofDays(2)), "maxIdleTimeout");
    assertBuildFails(b -> b.maxIdleTimeout(Duration.ofMinutes(10)), "idleTimeout");
    assertBuildFails(b -> b.defaultTtl(Duration.ofDays(8)), "maxTtl");
    assertThatThrownBy(() -> t.builder().idleTimeout(Duration.ofSeconds(59)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(t.builder().idleTimeout(Duration.ofDays(2)).maxIdleTimeout(Duration.ofDays(2)).build()).isNotNull();
  }

  private void assertBuildFails(UnaryOperator<Handoff.Builder> configure, String named) {
    assertThatThrownBy(() -> configure.apply(t.builder()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining(named);
  }

  @Test
  void reMintingAnOpenSessionKeepsItsLinkDeadline() {
    t.users.add("p1", "usr_1", "a@example.com");
    var issued = engine.create(checkout("p1").ttl("1h").build());
    t.clock.advance(Duration.ofMinutes(20));
    var reminted = engine.update("p1", issued.session().id(), UpdateSessionRequest.builder().user("usr_1").build());
    assertThat(reminted.session().linkExpiresAt()).isEqualTo(START.plus(Duration.ofHours(1)));
    assertThat(reminted.session().expiresAt()).isEqualTo(reminted.session().linkExpiresAt());
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.redeem(issued.token().orElseThrow()));

    t.clock.advance(Duration.ofMinutes(40));
    assertCode(ErrorCode.EXPIRED, () -> engine.redeem(reminted.token().orElseThrow()));
  }

  @Test
  void reMintingARedeemedSessionMakesItsCurrentEndTheNewLinkDeadline() {
    t.users.add("p1", "usr_1", "a@example.com");
    var issued = engine.create(checkout("p1").ttl("10m").activeLifetime("30m").build());
    String id = issued.session().id();
    t.clock.advance(Duration.ofMinutes(5));
    String waiting = engine.redeem(issued.token().orElseThrow()).browserSecret(); // LOGIN_REQUIRED until 35m
    t.clock.advance(Duration.ofMinutes(10)); // past the first link's deadline

    var reminted = engine.update("p1", id, UpdateSessionRequest.builder().user("usr_1").build());
    assertThat(reminted.session().status()).isEqualTo(SessionStatus.OPEN);
    assertThat(reminted.session().linkExpiresAt()).isEqualTo(START.plus(Duration.ofMinutes(35)));
    assertThat(reminted.session().expiresAt()).isEqualTo(reminted.session().linkExpiresAt());
    assertThat(reminted.session().idleExpiresAt()).isNull();
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.authenticate(waiting));

    t.clock.advance(Duration.ofMinutes(5));
    var redemption = engine.redeem(reminted.token().orElseThrow());
    assertThat(redemption.user().id()).isEqualTo("usr_1");
    assertThat(redemption.session().expiresAt()).isEqualTo(START.plus(Duration.ofMinutes(50)));
  }

  @Test
  void aReusableLinkOpensTheSessionUntilItsDeadlineWithoutExtendingIt() {
    t.users.add("p1", "usr_1", "a@example.com");
    var issued = engine.create(checkout("p1").user("usr_1").singleUse(false).ttl("10m").activeLifetime("30m")
        .build());
    String id = issued.session().id();
    String token = issued.token().orElseThrow();
    t.clock.advance(Duration.ofMinutes(1));
    String first = engine.redeem(token).browserSecret();
    t.clock.advance(Duration.ofMinutes(4));
    var again = engine.redeem(token);
    assertThat(again.session().expiresAt()).isEqualTo(START.plus(Duration.ofMinutes(31)));
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.authenticate(first));

    t.clock.advance(Duration.ofMinutes(6)); // 11 minutes: past the link's deadline and its clock skew
    assertCode(ErrorCode.EXPIRED, () -> engine.redeem(token));
    assertThat(engine.get("p1", id).status()).isEqualTo(SessionStatus.ACTIVE);
    assertThat(engine.authenticate(again.browserSecret()).session().status()).isEqualTo(SessionStatus.ACTIVE);
    assertThat(events).extracting(SessionEvent::type).doesNotContain(SessionEvent.Type.EXPIRED);

    t.clock.advance(Duration.ofMinutes(20)); // 31 minutes: the cap counted from the first redemption
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.authenticate(again.browserSecret()));
    assertThat(engine.get("p1", id).status()).isEqualTo(SessionStatus.EXPIRED);
  }

  @Test
  void anIdempotentRetryMustAskForTheSameClocks() {
    var first = engine.create(checkout("p1").idempotencyKey("k1").activeLifetime("30m").build());
    assertThat(engine.create(checkout("p1").idempotencyKey("k1").activeLifetime("30m").build()).session().id())
        .isEqualTo(first.session().id());
    assertCode(ErrorCode.CONFLICT, () -> engine.create(checkout("p1").idempotencyKey("k1").activeLifetime("20m")
        .build()));
    assertCode(ErrorCode.CONFLICT, () -> engine.create(checkout("p1").idempotencyKey("k1").build()));
    assertCode(ErrorCode.CONFLICT, () -> engine.create(checkout("p1").idempotencyKey("k1").activeLifetime("30m")
        .idleTimeout("5m").build()));
  }

  @Test
  void eachClockIsGivenOnceAndWellFormed() {
    assertCode(ErrorCode.INVALID_REQUEST, () -> checkout("p1").idleTimeout("5m").idleTimeout("6m"));
    assertCode(ErrorCode.INVALID_REQUEST, () -> checkout("p1").activeLifetime("1h").activeLifetime("2h"));
    assertCode(ErrorCode.INVALID_REQUEST, () -> checkout("p1").activeLifetime("soon"));
    assertCode(ErrorCode.INVALID_REQUEST, () -> checkout("p1").idleTimeout((Duration) null));
  }
}
