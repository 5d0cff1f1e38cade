package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IdempotentCreateTest {
  private final TestEngines t = new TestEngines();
  private final Handoff engine = t.engine();

  @Test
  void retryReturnsTheSameSessionWithAFreshTokenAndInvalidatesTheLostOne() {
    var first = engine.create(checkout("p1").idempotencyKey("k1").build());
    t.clock.advance(Duration.ofMinutes(10));
    var retry = engine.create(checkout("p1").idempotencyKey("k1").build());

    assertThat(retry.session().id()).isEqualTo(first.session().id());
    assertThat(retry.token()).isNotEqualTo(first.token());
    assertThat(engine.list("p1", null, 10).sessions()).hasSize(1);
    assertThatThrownBy(() -> engine.redeem(first.token().orElseThrow()))
        .isInstanceOfSatisfying(HandoffException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
    assertThat(engine.redeem(retry.token().orElseThrow()).session().id()).isEqualTo(first.session().id());
  }

  @Test
  void sameRequestFromMapsOfAnotherOrderIsTheSameRequest() {
    var a = new LinkedHashMap<String, Object>();
    a.put("x", 1);
    a.put("y", Map.of("p", true, "q", "s"));
    var b = new LinkedHashMap<String, Object>();
    b.put("y", Map.of("q", "s", "p", true));
    b.put("x", 1L);
    var first = engine.create(checkout("p1").metadata(a).idempotencyKey("k").build());
    var retry = engine.create(checkout("p1").metadata(b).idempotencyKey("k").build());
    assertThat(retry.session().id()).isEqualTo(first.session().id());
  }

  @Test
  void differentRequestUnderTheSameKeyIsAConflict() {
    engine.create(checkout("p1").idempotencyKey("k1").build());
    assertThatThrownBy(() -> engine.create(checkout("p1").idempotencyKey("k1").ttl("2h").build()))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    // The key is per tenant.
    assertThat(engine.create(checkout("p2").idempotencyKey("k1").ttl("2h").build()).url()).isPresent();
  }

  @Test
  void keyOlderThan24HoursIsAConflict() {
    engine.create(checkout("p1").idempotencyKey("k1").ttl("7d").build());
    t.clock.advance(Duration.ofHours(24));
    assertThatThrownBy(() -> engine.create(checkout("p1").idempotencyKey("k1").ttl("7d").build()))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
  }

  @Test
  void retryAfterRedemptionIsAConflict() {
    var first = engine.create(checkout("p1").idempotencyKey("k1").build());
    engine.redeem(first.token().orElseThrow());
    assertThatThrownBy(() -> engine.create(checkout("p1").idempotencyKey("k1").build()))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
  }

  @Test
  void concurrentCreatesUnderOneKeyMakeOneSession() throws Exception {
    var pool = Executors.newFixedThreadPool(8);
    try {
      var calls = new java.util.ArrayList<Callable<String>>();
      for (int i = 0; i < 8; i++) {
        calls.add(() -> engine.create(checkout("p1").idempotencyKey("race").build()).session().id());
      }
      var ids = new java.util.HashSet<String>();
      for (var f : pool.invokeAll(calls)) {
        try {
          ids.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          // Losing a re-mint race is allowed to answer CONFLICT; anything else is a bug.
          assertThat(((HandoffException) e.getCause()).code()).isEqualTo(ErrorCode.CONFLICT);
        }
      }
      assertThat(ids).hasSize(1);
      assertThat(engine.list("p1", null, 10).sessions()).hasSize(1);
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
