package dev.handoff.storage.memory;

import dev.handoff.spi.Intent;
import dev.handoff.spi.StoredSession;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Valid sessions for the tests of this module, created at a given instant and open for an hour. */
final class TestSessions {
  private TestSessions() {}

  static StoredSession.Builder session(String tenant, String id, Instant createdAt) {
    return StoredSession.builder()
        .tenant(tenant)
        .id(id)
        .intent(new Intent("checkoutNewSubscription", Map.of("plan", "pln_1")))
        .metadata(Map.of("order", 42L))
        .createdAt(createdAt)
        .modifiedAt(createdAt)
        .expiresAt(createdAt.plus(Duration.ofHours(1)))
        .tokenDigest("digest-" + id);
  }
}
