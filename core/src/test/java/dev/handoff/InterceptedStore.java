package dev.handoff;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionPage;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.StoredSession;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store seen through a window: counts every call, and on request lets the next write land and then throws
 * STORAGE_UNAVAILABLE, as a database does when the commit succeeded but its acknowledgement was lost.
 */
final class InterceptedStore implements SessionStore {
  private final SessionStore delegate;
  final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger writesToLose = new AtomicInteger();
  final AtomicInteger lostAcknowledgements = new AtomicInteger();
  /** Every rate-limit counter key the engine used, in order. */
  final List<String> counterKeys = new CopyOnWriteArrayList<>();
  /** Whether {@link #replaceEach} goes through {@link #replace} one session at a time, as a store without a batch. */
  volatile boolean replaceEachOneByOne;

  InterceptedStore(SessionStore delegate) {
    this.delegate = delegate;
  }

  /** The next {@code n} writes (insert, replace, consume) are applied, then reported as STORAGE_UNAVAILABLE. */
  void loseAcknowledgementOfNextWrites(int n) {
    writesToLose.set(n);
  }

  private <T> T acknowledge(T result) {
    if (writesToLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      lostAcknowledgements.incrementAndGet();
      throw new HandoffException(ErrorCode.STORAGE_UNAVAILABLE, "connection lost after commit (test fault)");
    }
    return result;
  }

  @Override
  public void insert(StoredSession session) {
    calls.incrementAndGet();
    delegate.insert(session);
    acknowledge(null);
  }

  @Override
  public Optional<StoredSession> find(String tenant, String id) {
    calls.incrementAndGet();
    return delegate.find(tenant, id);
  }

  @Override
  public Optional<StoredSession> findByIdempotencyKey(String tenant, String idempotencyKey) {
    calls.incrementAndGet();
    return delegate.findByIdempotencyKey(tenant, idempotencyKey);
  }

  @Override
  public boolean replace(StoredSession replacement, long expectedVersion) {
    calls.incrementAndGet();
    boolean replaced = delegate.replace(replacement, expectedVersion);
    return replaced ? acknowledge(true) : false;
  }

  /**
   * The delegate's {@code replaceEach}, a lost acknowledgement counting as one write (a batch in one transaction);
   * with {@link #replaceEachOneByOne} set, the default instead, through {@link #replace}, each one a write.
   */
  @Override
  public List<Boolean> replaceEach(List<StoredSession> replacements) {
    if (replaceEachOneByOne) {
      return SessionStore.super.replaceEach(replacements);
    }
    calls.incrementAndGet();
    List<Boolean> applied = delegate.replaceEach(replacements);
    return applied.contains(true) ? acknowledge(applied) : applied;
  }

  @Override
  public Optional<StoredSession> consume(String tenant, String id, long tokenGeneration, SessionStatus newStatus,
      BrowserBinding browser, AccessRecord access, Instant now) {
    calls.incrementAndGet();
    var consumed = delegate.consume(tenant, id, tokenGeneration, newStatus, browser, access, now);
    return consumed.isPresent() ? acknowledge(consumed) : consumed;
  }

  @Override
  public SessionPage list(String tenant, String cursor, int limit) {
    calls.incrementAndGet();
    return delegate.list(tenant, cursor, limit);
  }

  @Override
  public SessionPage listByUser(String tenant, String userId, String cursor, int limit) {
    calls.incrementAndGet();
    return delegate.listByUser(tenant, userId, cursor, limit);
  }

  @Override
  public List<StoredSession> listEnded(Instant now, int limit) {
    calls.incrementAndGet();
    return delegate.listEnded(now, limit);
  }

  @Override
  public long incrementCounter(String tenant, String key, Instant windowEnd, Instant now) {
    calls.incrementAndGet();
    counterKeys.add(key);
    return delegate.incrementCounter(tenant, key, windowEnd, now);
  }

  @Override
  public int deleteExpired(Instant expiredBefore, int limit) {
    calls.incrementAndGet();
    return delegate.deleteExpired(expiredBefore, limit);
  }
}
