package dev.handoff;

import static dev.handoff.TestKeys.NOW;
import static dev.handoff.TestKeys.secret;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Threads mint and open at once while the ring rotates: per-thread state never leaks between threads. */
class ConcurrentTokensTest {
  private static final int THREADS = 4;
  private static final int TOKENS = 1500;

  @Test
  void concurrentMintOpenAndRotation() throws Exception {
    var ringA = KeyRing.builder().masterSecret("a", secret(1)).masterSecret("b", secret(2)).build();
    var ringB = KeyRing.builder().masterSecret("b", secret(2)).masterSecret("a", secret(1)).build();
    var codec = TestKeys.codec(ringA);
    Set<String> ivs = ConcurrentHashMap.newKeySet();
    var start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < TOKENS; i++) {
            var claims = new TokenClaims("tenant-" + thread, "s" + i, i + 1, NOW, NOW.plusSeconds(60), "n" + i);
            String token = codec.mint(claims);
            ivs.add(token.split("\\.")[2]);
            assertThat(codec.open(token, NOW)).isEqualTo(claims);
          }
          return null;
        }));
      }
      futures.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < 200; i++) {
          codec.rotate(i % 2 == 0 ? ringB : ringA);
          Thread.yield();
        }
        return null;
      }));
      start.countDown();
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(ivs).hasSize(THREADS * TOKENS);
  }
}
