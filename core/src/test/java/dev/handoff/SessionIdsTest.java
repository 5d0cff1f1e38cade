package dev.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class SessionIdsTest {
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  @Test
  void idsAreDistinctAcrossPoolRefillsAndWellFormed() {
    var random = new SecureRandom();
    var ids = new SessionIds("csn_", () -> random);
    var seen = new HashSet<String>();
    for (int i = 0; i < 1000; i++) { // about four refills of a thread's pool of 256
      String id = ids.next(NOW);
      assertThat(id).matches("csn_[0-9a-v]{9}[A-Za-z0-9_-]{22}");
      assertThat(seen.add(id)).as("id %d is new", i).isTrue();
    }
  }

  @Test
  void idsSortByCreationTime() {
    var ids = new SessionIds("", SecureRandom::new);
    String earlier = ids.next(NOW);
    String later = ids.next(NOW.plusMillis(1));
    assertThat(earlier.substring(0, 9)).isLessThan(later.substring(0, 9));
  }
}
