package dev.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Nonces come from per-thread pools: 128 bits each, base64url, never repeated across threads or refills. */
class CspNoncesTest {

  @Test
  void concurrentThreadsGetDistinctWellFormedNonces() throws Exception {
    var nonces = new CspNonces();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    var pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        work.add(pool.submit(() -> {
          for (int i = 0; i < 1000; i++) { // many refills of each thread's pool of 64
            String nonce = nonces.next();
            assertThat(nonce).matches("[A-Za-z0-9_-]{22}");
            assertThat(seen.add(nonce)).as("repeated nonce").isTrue();
          }
        }));
      }
      for (Future<?> f : work) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(seen).hasSize(4000);
  }
}
