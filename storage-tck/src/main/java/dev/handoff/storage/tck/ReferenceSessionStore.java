package dev.handoff.storage.tck;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionPage;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The obviously-correct model the kit compares adapters with: one sorted map, every method
 * {@code synchronized}. No eviction, no limits, no cleverness.
 *
 * <p>Thread-safe (one lock).
 */
final class ReferenceSessionStore implements SessionStore {
  private static final Comparator<StoredSession> BY_KEY =
      Comparator.comparing(StoredSession::tenant).thenComparing(StoredSession::id);

  /** "tenant\0id" keeps each tenant's ids adjacent and in id order; tenants the kit generates have no NUL. */
  private final TreeMap<String, StoredSession> sessions = new TreeMap<>();
  /** "tenant\0key" → {count, windowEnd}. */
  private final Map<String, Counter> counters = new HashMap<>();

  private record Counter(long count, Instant windowEnd) {}

  private static String key(String tenant, String id) {
    return tenant + '\0' + id;
  }

  @Override
  public synchronized void insert(StoredSession session) {
    if (sessions.containsKey(key(session.tenant(), session.id()))) {
      throw new HandoffException(ErrorCode.CONFLICT, "duplicate id");
    }
    if (session.idempotencyKey() != null
        && findByIdempotencyKey(session.tenant(), session.idempotencyKey()).isPresent()) {
      throw new HandoffException(ErrorCode.CONFLICT, "duplicate idempotency key");
    }
    sessions.put(key(session.tenant(), session.id()), session);
  }

  @Override
  public synchronized Optional<StoredSession> find(String tenant, String id) {
    return Optional.ofNullable(sessions.get(key(tenant, id)));
  }

  @Override
  public synchronized Optional<StoredSession> findByIdempotencyKey(String tenant, String idempotencyKey) {
    return sessions.values().stream()
        .filter(s -> s.tenant().equals(tenant) && idempotencyKey.equals(s.idempotencyKey()))
        .findFirst();
  }

  @Override
  public synchronized boolean replace(StoredSession replacement, long expectedVersion) {
    if (replacement.version() != expectedVersion + 1) {
      throw new IllegalArgumentException("replacement version must be expectedVersion + 1");
    }
    StoredSession current = sessions.get(key(replacement.tenant(), replacement.id()));
    if (current == null || current.version() != expectedVersion) {
      return false;
    }
    if (replacement.idempotencyKey() != null) {
      Optional<StoredSession> holder = findByIdempotencyKey(replacement.tenant(), replacement.idempotencyKey());
      if (holder.isPresent() && !holder.get().id().equals(replacement.id())) {
        throw new HandoffException(ErrorCode.CONFLICT, "duplicate idempotency key");
      }
    }
    sessions.put(key(replacement.tenant(), replacement.id()), replacement);
    return true;
  }

  @Override
  public synchronized Optional<StoredSession> consume(String tenant, String id, long tokenGeneration,
      SessionStatus newStatus, BrowserBinding browser, AccessRecord access, Instant now) {
    if (newStatus == SessionStatus.OPEN) {
      throw new IllegalArgumentException("newStatus must not be OPEN");
    }
    StoredSession current = sessions.get(key(tenant, id));
    if (current == null || current.status() != SessionStatus.OPEN || current.tokenGeneration() != tokenGeneration
        || current.isExpiredAt(now)) {
      return Optional.empty();
    }
    StoredSession consumed = current.consumedAs(newStatus, browser, access, now);
    sessions.put(key(tenant, id), consumed);
    return Optional.of(consumed);
  }

  @Override
  public synchronized SessionPage list(String tenant, String cursor, int limit) {
    return page(s -> s.tenant().equals(tenant), cursor, limit);
  }

  @Override
  public synchronized SessionPage listByUser(String tenant, String userId, String cursor, int limit) {
    return page(s -> s.tenant().equals(tenant) && s.subject() instanceof Subject.ExistingUser u
        && u.userId().equals(userId), cursor, limit);
  }

  private SessionPage page(Predicate<StoredSession> filter, String cursor, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    List<StoredSession> all = sessions.values().stream()
        .filter(s -> filter.test(s) && (cursor == null || s.id().compareTo(cursor) > 0))
        .sorted(BY_KEY)
        .toList();
    if (all.size() <= limit) {
      return new SessionPage(all, null);
    }
    return new SessionPage(all.subList(0, limit), all.get(limit - 1).id());
  }

  @Override
  public synchronized List<StoredSession> listEnded(Instant now, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    return sessions.values().stream()
        .filter(s -> !s.status().isTerminal() && s.isExpiredAt(now))
        .sorted(Comparator.comparing(StoredSession::expiresAt))
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized int deleteExpired(Instant expiredBefore, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    var doomed = new ArrayList<String>();
    for (var e : sessions.entrySet()) {
      if (doomed.size() < limit && e.getValue().expiresAt().isBefore(expiredBefore)) {
        doomed.add(e.getKey());
      }
    }
    doomed.forEach(sessions::remove);
    var endedCounters = new ArrayList<String>();
    for (var e : counters.entrySet()) {
      if (endedCounters.size() < limit && e.getValue().windowEnd().isBefore(expiredBefore)) {
        endedCounters.add(e.getKey());
      }
    }
    endedCounters.forEach(counters::remove);
    return doomed.size();
  }

  @Override
  public synchronized long incrementCounter(String tenant, String key, Instant windowEnd, Instant now) {
    SessionStore.checkCounterArguments(tenant, key, windowEnd, now);
    Counter current = counters.get(key(tenant, key));
    Counter next = current == null || !current.windowEnd().isAfter(now)
        ? new Counter(1, windowEnd) : new Counter(current.count() + 1, current.windowEnd());
    counters.put(key(tenant, key), next);
    return next.count();
  }

  /** Removes one session, as a store's {@code deleteExpired} may have chosen to. */
  synchronized void remove(String tenant, String id) {
    Objects.requireNonNull(sessions.remove(key(tenant, id)), "no such session");
  }

  /** Every session, in tenant and id order. */
  synchronized List<StoredSession> all() {
    return List.copyOf(sessions.values());
  }
}
