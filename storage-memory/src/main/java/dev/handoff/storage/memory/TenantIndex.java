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
 * {@code listByUser}). Each id is added and removed inside its session's per-entry atomic operation, but nothing
 * locks the tenant: concurrent inserts of one tenant only meet in the concurrent sets. An index that becomes empty
 * is retired ({@link #size} -1) so that the store can drop it; an add to a retired index fails, and the caller
 * adds to a fresh one. Thread-safe.
 */
final class TenantIndex {
  final NavigableSet<String> ids = new ConcurrentSkipListSet<>();
  /** Ids added and not yet removed, counted before the add and after the remove; -1 once retired. */
  final AtomicLong size = new AtomicLong();
  final ExpiryHint expiry = new ExpiryHint();
  /** User id → ids of the sessions whose subject is that existing user; a user without sessions has no entry. */
  final ConcurrentMap<String, NavigableSet<String>> byUser = new ConcurrentHashMap<>();

  /** Adds {@code id}; {@code false}, changing nothing, if this index was retired. */
  boolean add(String id, Instant expiresAt) {
    long n;
    do {
      n = size.get();
      if (n < 0) {
        return false;
      }
    } while (!size.compareAndSet(n, n + 1));
    ids.add(id);
    expiry.noteExpiry(expiresAt);
    return true;
  }

  /** Removes {@code id}; {@code true} if that emptied the index and retired it. */
  boolean remove(String id) {
    // size counts an id before it enters the set and after it leaves, so 0 means the set is empty.
    return ids.remove(id) && size.decrementAndGet() == 0 && size.compareAndSet(0, -1);
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
