package dev.handoff.storage.memory;

import java.time.Instant;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One tenant's sessions as the store indexes them: ids in ascending order (for listing), how many there are (for
 * the per-tenant quota), a lower bound of their expiry, and the ids of each existing user's sessions (for
 * {@code listByUser}). Changed only inside the store's per-entry atomic operations; thread-safe.
 */
final class TenantIndex {
  final NavigableSet<String> ids = new ConcurrentSkipListSet<>();
  final AtomicLong size = new AtomicLong();
  final ExpiryHint expiry = new ExpiryHint();
  /** User id → ids of the sessions whose subject is that existing user; a user without sessions has no entry. */
  final ConcurrentMap<String, NavigableSet<String>> byUser = new ConcurrentHashMap<>();

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

  /** Adds inside the map's atomic step, so that a concurrent {@link #removeUser} cannot drop the set meanwhile. */
  void addUser(String userId, String id) {
    byUser.compute(userId, (u, userIds) -> {
      var result = userIds == null ? new ConcurrentSkipListSet<String>() : userIds;
      result.add(id);
      return result;
    });
  }

  void removeUser(String userId, String id) {
    byUser.computeIfPresent(userId, (u, userIds) -> userIds.remove(id) && userIds.isEmpty() ? null : userIds);
  }
}
