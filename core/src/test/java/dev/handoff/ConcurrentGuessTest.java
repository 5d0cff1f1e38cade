package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Attempt counting is atomic: 16 threads guessing wrong codes at once never get more attempts than the limit. */
class ConcurrentGuessTest {
  private static final int THREADS = 16;

  @Test
  void sixteenConcurrentWrongGuessersGetExactlyTheAllowedAttempts() throws Exception {
    var t = new TestEngines();
    t.users.add("p1", "usr_1", "a@example.com");
    var sender = new RecordingOtpSender();
    // 50 rounds to one address: lift the per-address send limit, which this test is not about.
    var engine = t.builder().otpSender(sender)
        .loginPolicy(LoginPolicy.defaults().withEmailLimit(RateLimit.of(1000, java.time.Duration.ofHours(1))))
        .build();
    var pool = Executors.newFixedThreadPool(THREADS);
    try {
      for (int round = 0; round < 50; round++) {
        String secret = engine.redeem(engine.create(checkout("p1").build()).token().orElseThrow()).browserSecret();
        engine.startLogin(secret, "a@example.com");
        String wrong = sender.lastCode().equals("000000") ? "111111" : "000000";
        var barrier = new CyclicBarrier(THREADS);
        var futures = new java.util.ArrayList<Future<ErrorCode>>();
        for (int i = 0; i < THREADS; i++) {
          futures.add(pool.submit(() -> {
            barrier.await();
            try {
              engine.verifyLogin(secret, wrong);
              return null;
            } catch (HandoffException e) {
              return e.code();
            }
          }));
        }
        int consumed = 0;
        int refusedAsDead = 0;
        for (var f : futures) {
          ErrorCode code = f.get(10, TimeUnit.SECONDS);
          assertThat(code).isIn(ErrorCode.INVALID_TOKEN, ErrorCode.TOO_MANY_ATTEMPTS, ErrorCode.CONFLICT);
          if (code == ErrorCode.INVALID_TOKEN) {
            consumed++;
          } else if (code == ErrorCode.TOO_MANY_ATTEMPTS) {
            refusedAsDead++;
          }
        }
        // Four wrong answers, then the fifth attempt kills the challenge; everyone after is refused.
        assertThat(consumed).as("round %d", round).isEqualTo(LoginPolicy.defaults().maxAttempts() - 1);
        assertThat(refusedAsDead).isGreaterThanOrEqualTo(1);
        var stored = t.store.find("p1", engine.authenticate(secret).session().id()).orElseThrow();
        assertThat(stored.challenge().attemptsLeft()).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
