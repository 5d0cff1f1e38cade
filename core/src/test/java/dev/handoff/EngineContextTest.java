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

class EngineContextTest {
  private final TestEngines t = new TestEngines();
  private final List<SessionEvent> events = new CopyOnWriteArrayList<>();
  private final EngineContext ctx = t.builder()
      .listener(e -> {
        throw new IllegalStateException("listener bug");
      })
      .listener(events::add)
      .defaultTtl(Duration.ofMinutes(5))
      .buildContext();
  private final IssueFlow issuing = new IssueFlow(ctx);

  @Test
  void findRefusesAMissingIdWithATypedError() {
    assertThatThrownBy(() -> ctx.find("p1", null)).isInstanceOfSatisfying(HandoffException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThatThrownBy(() -> ctx.find("p1", "csn_none")).isInstanceOfSatisfying(HandoffException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void anExpiryIsRecordedOnceAndEveryListenerHearsOfItDespiteAFailingOne() {
    var session = ctx.find("p1", issuing.create(checkout("p1").build()).session().id());
    t.clock.advance(Duration.ofMinutes(6));

    var first = ctx.expired(session, t.clock.instant());
    var second = ctx.expired(session, t.clock.instant());

    assertThat(first.code()).isEqualTo(ErrorCode.EXPIRED);
    assertThat(second.code()).isEqualTo(ErrorCode.EXPIRED);
    assertThat(ctx.reload(session).status()).isEqualTo(SessionStatus.EXPIRED);
    assertThat(events).extracting(SessionEvent::type)
        .containsExactly(SessionEvent.Type.CREATED, SessionEvent.Type.EXPIRED);
  }

  @Test
  void requireLiveTellsExpiredFromFinished() {
    var session = ctx.find("p1", issuing.create(checkout("p1").build()).session().id());
    assertThat(ctx.requireLive(session, t.clock.instant())).isEqualTo(SessionStatus.OPEN);
    var revoked = new LifecycleFlow(ctx).revoke("p1", session.id());
    assertThat(revoked.status()).isEqualTo(SessionStatus.REVOKED);
    assertThatThrownBy(() -> ctx.requireLive(ctx.reload(session), t.clock.instant()))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    assertThatThrownBy(() -> ctx.requireLive(session, t.clock.instant().plus(Duration.ofMinutes(5))))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXPIRED));
  }
}
