package dev.handoff.storage.memory;

import java.time.Instant;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One tenant's sessions as the store indexes them: ids in ascending order (for listing), how many there are (for
 * the per-tenant quota), and a lower bound of their expiry. Changed only inside the store's per-entry atomic
 * operations; thread-safe.
 */
final class TenantIndex {
  final NavigableSet<String> ids = new ConcurrentSkipListSet<>();
  final AtomicLong size = new AtomicLong();
  final ExpiryHint expiry = new ExpiryHint();

  void add(String id, Instant expiresAt) {
    if (ids.add(id)) {
      size.incrementAndGet();
    }
    expiry.noteExpiry(expiresAt);
  }

  void remove(String id) {
    if (ids.remove(id)) {
      size.decrementAndGet();
    }
  }
}
