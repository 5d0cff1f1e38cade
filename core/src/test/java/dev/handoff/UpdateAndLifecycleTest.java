package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.Subject;
import dev.handoff.spi.UserDetails;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class UpdateAndLifecycleTest {
  private final TestEngines t = new TestEngines();
  private final List<SessionEvent> events = new CopyOnWriteArrayList<>();
  private final Handoff engine = t.builder().listener(events::add).build();

  private static void assertCode(ErrorCode code, Runnable action) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @Test
  void changingCallbackOrMetadataKeepsTheUrl() {
    var issued = engine.create(checkout("p1").build());
    t.clock.advance(Duration.ofSeconds(5));
    var updated = engine.update("p1", issued.session().id(), UpdateSessionRequest.builder()
        .callbackUrl("https://example.com/new").metadata(Map.of("order", "o-1")).build());

    assertThat(updated.url()).isEmpty();
    assertThat(updated.token()).isEmpty();
    assertThat(updated.session().callbackUrl()).isEqualTo("https://example.com/new");
    assertThat(updated.session().metadata()).containsEntry("order", "o-1");
    assertThat(updated.session().modifiedAt()).isEqualTo(TestEngines.START.plusSeconds(5));
    assertThat(engine.redeem(issued.token().orElseThrow()).session().callbackUrl())
        .isEqualTo("https://example.com/new");
  }

  @Test
  void intentChangesBeforeRedemptionOnlyAndIsValidated() {
    var issued = engine.create(checkout("p1").build());
    String id = issued.session().id();
    assertCode(ErrorCode.UNPROCESSABLE, () -> engine.update("p1", id,
        UpdateSessionRequest.builder().intent("viewSubscription", Map.of()).build()));
    var updated = engine.update("p1", id,
        UpdateSessionRequest.builder().intent("viewSubscription", Map.of("subscription", "sub_1")).build());
    assertThat(updated.url()).isEmpty();
    assertThat(updated.session().intent().type()).isEqualTo("viewSubscription");
    var redemption = engine.redeem(issued.token().orElseThrow());
    assertThat(redemption.session().intent().payload()).containsEntry("subscription", "sub_1");
    t.users.add("p1", "usr_1", "a@example.com");
    var active = engine.create(checkout("p1").user("usr_1").build());
    engine.redeem(active.token().orElseThrow());
    assertCode(ErrorCode.CONFLICT, () -> engine.update("p1", active.session().id(),
        UpdateSessionRequest.builder().intent("viewSubscription", Map.of("subscription", "s")).build()));
  }

  @Test
  void changingTheUserRemintsAndTheOldUrlStopsWorking() {
    t.users.add("p1", "usr_2", "b@example.com");
    var issued = engine.create(checkout("p1").build());
    var updated = engine.update("p1", issued.session().id(), UpdateSessionRequest.builder().user("usr_2").build());

    assertThat(updated.url()).isPresent();
    assertThat(updated.session().subject()).isEqualTo(new Subject.ExistingUser("usr_2"));
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.redeem(issued.token().orElseThrow()));
    assertThat(engine.redeem(updated.token().orElseThrow()).user().id()).isEqualTo("usr_2");
  }

  @Test
  void userCanBeSetOnASessionWaitingForLoginButNotOnAnActiveOne() {
    t.users.add("p1", "usr_1", "a@example.com");
    var issued = engine.create(checkout("p1").build());
    engine.redeem(issued.token().orElseThrow());
    var updated = engine.update("p1", issued.session().id(),
        UpdateSessionRequest.builder().userDetails(UserDetails.ofEmail("n@example.com")).build());
    assertThat(updated.session().status()).isEqualTo(SessionStatus.OPEN);
    engine.redeem(updated.token().orElseThrow());

    assertCode(ErrorCode.CONFLICT, () -> engine.update("p1", issued.session().id(),
        UpdateSessionRequest.builder().user("usr_1").build()));
  }

  @Test
  void updateValidatesTheNewUserAndChangesNothingOnFailure() {
    var issued = engine.create(checkout("p1").build());
    assertCode(ErrorCode.NOT_FOUND, () -> engine.update("p1", issued.session().id(),
        UpdateSessionRequest.builder().user("usr_missing").build()));
    assertThat(engine.get("p1", issued.session().id())).isEqualTo(issued.session());
    assertCode(ErrorCode.NOT_FOUND, () -> engine.update("p1", "csn_missing", UpdateSessionRequest.builder().build()));
  }

  @Test
  void completeAfterRedemptionReturnsTheCallback() {
    t.users.add("p1", "usr_1", "a@example.com");
    var issued = engine.create(checkout("p1").user("usr_1").callbackUrl("https://example.com/cb").build());
    String id = issued.session().id();
    assertCode(ErrorCode.CONFLICT, () -> engine.complete("p1", id));
    engine.redeem(issued.token().orElseThrow());

    var done = engine.complete("p1", id);
    assertThat(done.status()).isEqualTo(SessionStatus.COMPLETED);
    assertThat(done.callback()).contains("https://example.com/cb");
    assertCode(ErrorCode.CONFLICT, () -> engine.complete("p1", id));
    assertCode(ErrorCode.CONFLICT, () -> engine.revoke("p1", id));
    assertCode(ErrorCode.CONFLICT, () -> engine.update("p1", id,
        UpdateSessionRequest.builder().callbackUrl("https://example.com/x").build()));
    assertThat(events).extracting(SessionEvent::type).containsExactly(
        SessionEvent.Type.CREATED, SessionEvent.Type.REDEEMED, SessionEvent.Type.COMPLETED);
  }

  @Test
  void revokedSessionCannotBeRedeemed() {
    var issued = engine.create(checkout("p1").build());
    assertThat(engine.revoke("p1", issued.session().id()).status()).isEqualTo(SessionStatus.REVOKED);
    assertCode(ErrorCode.INVALID_TOKEN, () -> engine.redeem(issued.token().orElseThrow()));
    assertCode(ErrorCode.CONFLICT, () -> engine.revoke("p1", issued.session().id()));
  }

  @Test
  void expiredSessionCannotBeChanged() {
    var issued = engine.create(checkout("p1").ttl("1m").build());
    t.clock.advance(Duration.ofMinutes(1));
    assertThat(engine.get("p1", issued.session().id()).status()).isEqualTo(SessionStatus.EXPIRED);
    assertCode(ErrorCode.EXPIRED, () -> engine.revoke("p1", issued.session().id()));
    assertCode(ErrorCode.EXPIRED, () -> engine.update("p1", issued.session().id(),
        UpdateSessionRequest.builder().metadata(Map.of()).build()));
  }

  @Test
  void lifecycleAllowsOnlyDocumentedTransitions() {
    for (SessionStatus from : SessionStatus.values()) {
      for (SessionStatus to : SessionStatus.values()) {
        if (from.isTerminal() || to == SessionStatus.OPEN && from != SessionStatus.LOGIN_REQUIRED || from == to) {
          assertThat(SessionLifecycle.allows(from, to)).as(from + " -> " + to).isFalse();
        }
      }
    }
    assertThat(SessionLifecycle.allows(SessionStatus.OPEN, SessionStatus.ACTIVE)).isTrue();
    assertThat(SessionLifecycle.allows(SessionStatus.OPEN, SessionStatus.COMPLETED)).isFalse();
    assertThat(SessionLifecycle.allows(SessionStatus.ACTIVE, SessionStatus.COMPLETED)).isTrue();
  }

  @Test
  void throwingListenerNeverBreaksTheOperation() {
    var engine = t.builder().listener(e -> {
      throw new IllegalStateException("listener is broken");
    }).listener(events::add).build();
    var issued = engine.create(checkout("p1").build());
    assertThat(engine.redeem(issued.token().orElseThrow()).loginRequired()).isTrue();
    assertThat(events).extracting(SessionEvent::type)
        .containsExactly(SessionEvent.Type.CREATED, SessionEvent.Type.REDEEMED);
    assertThat(CapturedLogs.lines()).anySatisfy(line -> assertThat(line).contains("listener is broken"));
  }

  @Test
  void purgeDeletesOnlySessionsExpiredLongerThanTheRetention() {
    var engine = t.builder().retention(Duration.ofHours(1)).build();
    var old = engine.create(checkout("p1").ttl("1m").build()).session();
    t.clock.advance(Duration.ofMinutes(30));
    var recent = engine.create(checkout("p1").ttl("1m").build()).session();
    t.clock.advance(Duration.ofMinutes(40));

    assertThat(engine.purgeExpired(100)).isEqualTo(1);
    assertCode(ErrorCode.NOT_FOUND, () -> engine.get("p1", old.id()));
    assertThat(engine.get("p1", recent.id()).status()).isEqualTo(SessionStatus.EXPIRED);
  }
}
