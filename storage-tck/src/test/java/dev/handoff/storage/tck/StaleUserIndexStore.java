package dev.handoff.storage.tck;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.SessionPage;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A deliberately broken store: {@code listByUser} answers from an index of users that only {@code insert} fills, so a
 * subject changed by {@code replace} is listed under its old user. The kit must catch it. Thread-safe (one lock).
 */
final class StaleUserIndexStore implements SessionStore {
  private final ReferenceSessionStore delegate = new ReferenceSessionStore();
  /** "tenant\0user" → ids, as inserted. */
  private final Map<String, TreeSet<String>> byUser = new HashMap<>();

  @Override
  public synchronized void insert(StoredSession session) {
    delegate.insert(session);
    if (session.subject() instanceof Subject.ExistingUser user) {
      byUser.computeIfAbsent(session.tenant() + '\0' + user.userId(), k -> new TreeSet<>()).add(session.id());
    }
  }

  @Override
  public synchronized SessionPage listByUser(String tenant, String userId, String cursor, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    var page = new ArrayList<StoredSession>();
    TreeSet<String> ids = byUser.getOrDefault(tenant + '\0' + userId, new TreeSet<>());
    for (String id : cursor == null ? ids : ids.tailSet(cursor, false)) {
      Optional<StoredSession> session = delegate.find(tenant, id);
      if (session.isEmpty()) {
        continue;
      }
      if (page.size() == limit) {
        return new SessionPage(page, page.get(limit - 1).id());
      }
      page.add(session.get());
    }
    return new SessionPage(page, null);
  }

  @Override
  public synchronized Optional<StoredSession> find(String tenant, String id) {
    return delegate.find(tenant, id);
  }

  @Override
  public synchronized Optional<StoredSession> findByIdempotencyKey(String tenant, String idempotencyKey) {
    return delegate.findByIdempotencyKey(tenant, idempotencyKey);
  }

  @Override
  public synchronized boolean replace(StoredSession replacement, long expectedVersion) {
    return delegate.replace(replacement, expectedVersion);
  }

  @Override
  public synchronized Optional<StoredSession> consume(String tenant, String id, long tokenGeneration,
      SessionStatus newStatus, BrowserBinding browser, AccessRecord access, Instant now) {
    return delegate.consume(tenant, id, tokenGeneration, newStatus, browser, access, now);
  }

  @Override
  public synchronized SessionPage list(String tenant, String cursor, int limit) {
    return delegate.list(tenant, cursor, limit);
  }

  @Override
  public synchronized List<StoredSession> listEnded(Instant now, int limit) {
    return delegate.listEnded(now, limit);
  }

  @Override
  public synchronized int deleteExpired(Instant expiredBefore, int limit) {
    return delegate.deleteExpired(expiredBefore, limit);
  }

  @Override
  public synchronized long incrementCounter(String tenant, String key, Instant windowEnd, Instant now) {
    return delegate.incrementCounter(tenant, key, windowEnd, now);
  }
}
