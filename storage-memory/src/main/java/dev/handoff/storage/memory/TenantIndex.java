package dev.handoff.storage.memory;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One tenant's sessions as the store indexes them: ids in ascending order (for listing; their count is the
 * per-tenant quota's), a lower bound of their expiry, and the ids of each existing user's sessions (for
 * {@code listByUser}). Each id is added and removed inside its session's per-entry atomic operation, but nothing
 * locks the tenant or a user: concurrent inserts of one tenant, even of one user, only meet in the
 * {@linkplain IdSet concurrent sets}. An index whose id set empties is retired so that the store can drop it; so is
 * a user's set. Thread-safe.
 */
final class TenantIndex {
  final IdSet ids = new IdSet();
  final ExpiryHint expiry = new ExpiryHint();
  /** User id → ids of the sessions whose subject is that existing user; a user without sessions has no entry. */
  final ConcurrentMap<String, IdSet> byUser = new ConcurrentHashMap<>();

  /** Adds {@code id}; {@code false}, changing nothing, if this index was retired. */
  boolean add(String id, Instant expiresAt) {
    if (!ids.add(id)) {
      return false;
    }
    expiry.noteExpiry(expiresAt);
    return true;
  }

  /** Removes {@code id}; {@code true} if that emptied the index and retired it. */
  boolean remove(String id) {
    return ids.remove(id);
  }

  /**
   * Adds {@code id} to the user's set. Not inside a {@code compute} on the user's entry: that locked the user, so
   * that one user's concurrent creates queued on it (every benchmark session belongs to one user). A set retired
   * meanwhile is replaced.
   */
  void addUser(String userId, String id) {
    IdSet userIds = byUser.computeIfAbsent(userId, u -> new IdSet());
    while (!userIds.add(id)) {
      byUser.remove(userId, userIds);
      userIds = byUser.computeIfAbsent(userId, u -> new IdSet());
    }
  }

  /** Removes {@code id} from the user's set, dropping the set if that emptied it. */
  void removeUser(String userId, String id) {
    IdSet userIds = byUser.get(userId);
    // The set holding id cannot have been retired (it is not empty), so it is the one mapped.
    if (userIds != null && userIds.remove(id)) {
      byUser.remove(userId, userIds);
    }
  }
}
