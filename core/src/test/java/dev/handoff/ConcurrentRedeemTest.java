package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Single use holds under races: of 8 threads redeeming one token at once, exactly one wins, every round. */
class ConcurrentRedeemTest {
  private static final int THREADS = 8;
  private static final int ROUNDS = 1000;

  @Test
  void exactlyOneOfEightConcurrentRedemptionsSucceedsEveryRound() throws Exception {
    var t = new TestEngines();
    t.users.add("p1", "usr_1", "a@example.com");
    var engine = t.engine();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    var barrier = new CyclicBarrier(THREADS);
    try {
      for (int round = 0; round < ROUNDS; round++) {
        String token = engine.create(checkout("p1").user("usr_1").build()).token().orElseThrow();
        var successes = new AtomicInteger();
        var refusals = new AtomicInteger();
        var futures = new java.util.ArrayList<Future<?>>();
        for (int i = 0; i < THREADS; i++) {
          futures.add(pool.submit(() -> {
            barrier.await();
            try {
              engine.redeem(token);
              successes.incrementAndGet();
            } catch (HandoffException e) {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN);
              refusals.incrementAndGet();
            }
            return null;
          }));
        }
        for (var f : futures) {
          f.get(10, TimeUnit.SECONDS);
        }
        assertThat(successes.get()).as("successes in round %d", round).isEqualTo(1);
        assertThat(refusals.get()).isEqualTo(THREADS - 1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void racingRedemptionsOfANewUserCreateItOnce() throws Exception {
    var t = new TestEngines();
    var engine = t.engine();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    var barrier = new CyclicBarrier(THREADS);
    try {
      for (int round = 0; round < 100; round++) {
        String token = engine.create(checkout("p1").userDetails(
            dev.handoff.spi.UserDetails.ofEmail("u" + round + "@example.com")).build()).token().orElseThrow();
        var futures = new java.util.ArrayList<Future<Boolean>>();
        for (int i = 0; i < THREADS; i++) {
          futures.add(pool.submit(() -> {
            barrier.await();
            try {
              engine.redeem(token);
              return true;
            } catch (HandoffException e) {
              return false;
            }
          }));
        }
        int wins = 0;
        for (var f : futures) {
          wins += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(wins).isEqualTo(1);
        assertThat(t.users.createdCount()).isEqualTo(round + 1);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
