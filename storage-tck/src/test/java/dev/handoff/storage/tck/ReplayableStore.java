package dev.handoff.storage.tck;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.SessionPage;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.StoredSession;
import java.time.Instant;
import java.util.Optional;

/**
 * A deliberately broken store: {@code consume} ignores the token generation, so an old URL still works. The
 * kit must catch it. Thread-safe like the reference store it wraps.
 */
final class ReplayableStore implements SessionStore {
  private final ReferenceSessionStore delegate = new ReferenceSessionStore();

  @Override
  public synchronized Optional<StoredSession> consume(String tenant, String id, long tokenGeneration,
      SessionStatus newStatus, BrowserBinding browser, AccessRecord access, Instant now) {
    long actual = delegate.find(tenant, id).map(StoredSession::tokenGeneration).orElse(tokenGeneration);
    return delegate.consume(tenant, id, actual, newStatus, browser, access, now);
  }

  @Override
  public SessionPage listByUser(String tenant, String userId, String cursor, int limit) {
    return delegate.listByUser(tenant, userId, cursor, limit);
  }

  @Override
  public java.util.List<StoredSession> listEnded(Instant now, int limit) {
    return delegate.listEnded(now, limit);
  }

  @Override
  public void insert(StoredSession session) {
    delegate.insert(session);
  }

  @Override
  public Optional<StoredSession> find(String tenant, String id) {
    return delegate.find(tenant, id);
  }

  @Override
  public Optional<StoredSession> findByIdempotencyKey(String tenant, String idempotencyKey) {
    return delegate.findByIdempotencyKey(tenant, idempotencyKey);
  }

  @Override
  public boolean replace(StoredSession replacement, long expectedVersion) {
    return delegate.replace(replacement, expectedVersion);
  }

  @Override
  public SessionPage list(String tenant, String cursor, int limit) {
    return delegate.list(tenant, cursor, limit);
  }

  @Override
  public long incrementCounter(String tenant, String key, Instant windowEnd, Instant now) {
    return delegate.incrementCounter(tenant, key, windowEnd, now);
  }

  @Override
  public int deleteExpired(Instant expiredBefore, int limit) {
    return delegate.deleteExpired(expiredBefore, limit);
  }
}
