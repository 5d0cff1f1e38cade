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

class LifecycleFlowTest {
  private final TestEngines t = new TestEngines();
  private final List<SessionEvent> events = new CopyOnWriteArrayList<>();
  private final EngineContext ctx = t.builder().defaultTtl(Duration.ofMinutes(10)).retention(Duration.ofHours(1))
      .listener(events::add).buildContext();
  private final IssueFlow issuing = new IssueFlow(ctx);
  private final RedeemFlow redemption = new RedeemFlow(ctx);
  private final LifecycleFlow lifecycle = new LifecycleFlow(ctx);

  private static void assertCode(ErrorCode code, Runnable action) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  private List<SessionEvent.Type> eventsOf(String id) {
    return events.stream().filter(e -> e.session().id().equals(id)).map(SessionEvent::type).toList();
  }

  @Test
  void completeNeedsAnActiveSessionAndRevokeAnyLiveOne() {
    t.users.add("p1", "usr_1", "a@example.com");
    var open = issuing.create(checkout("p1").user("usr_1").build());
    String id = open.session().id();
    assertCode(ErrorCode.CONFLICT, () -> lifecycle.complete("p1", id));
    redemption.redeem(open.token().orElseThrow(), ClientInfo.UNKNOWN);

    assertThat(lifecycle.complete("p1", id).status()).isEqualTo(SessionStatus.COMPLETED);
    assertCode(ErrorCode.CONFLICT, () -> lifecycle.revoke("p1", id));
    assertThat(lifecycle.revoke("p1", issuing.create(checkout("p1").build()).session().id()).status())
        .isEqualTo(SessionStatus.REVOKED);
  }

  @Test
  void sweepingMarksAtMostTheLimitEarliestEndFirst() {
    String first = issuing.create(checkout("p1").ttl("2m").build()).session().id();
    String second = issuing.create(checkout("p1").ttl("3m").build()).session().id();
    issuing.create(checkout("p1").ttl("4m").build());
    t.clock.advance(Duration.ofMinutes(5));
    assertCode(ErrorCode.INVALID_REQUEST, () -> lifecycle.sweep(0));

    assertThat(lifecycle.sweep(2).expired()).isEqualTo(2);
    assertThat(events).filteredOn(e -> e.type() == SessionEvent.Type.EXPIRED).extracting(e -> e.session().id())
        .containsExactly(first, second);
    assertThat(lifecycle.sweep(2).expired()).isEqualTo(1);
  }

  @Test
  void sweepingDeletesOnlyWhatOutlivedTheRetentionAfterMarkingIt() {
    String old = issuing.create(checkout("p1").build()).session().id();
    t.clock.advance(Duration.ofMinutes(30));
    String young = issuing.create(checkout("p1").build()).session().id();

    t.clock.advance(Duration.ofMinutes(41)); // old ended 61 minutes ago, young 31
    assertThat(lifecycle.sweep(10)).isEqualTo(new SweepResult(2, 0, 1));

    assertCode(ErrorCode.NOT_FOUND, () -> ctx.find("p1", old));
    assertThat(eventsOf(old)).containsExactly(SessionEvent.Type.CREATED, SessionEvent.Type.EXPIRED);
    assertThat(ctx.find("p1", young).status()).isEqualTo(SessionStatus.EXPIRED);
  }
}
