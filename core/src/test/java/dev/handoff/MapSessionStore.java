package dev.handoff;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionPage;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.StoredSession;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The least store that lets the engine run in key tests: a synchronized map. */
final class MapSessionStore implements SessionStore {
  private final Map<String, StoredSession> sessions = new ConcurrentHashMap<>();

  @Override
  public synchronized void insert(StoredSession session) {
    if (sessions.putIfAbsent(session.tenant() + "/" + session.id(), session) != null) {
      throw new HandoffException(ErrorCode.CONFLICT, "duplicate");
    }
  }

  @Override
  public Optional<StoredSession> find(String tenant, String id) {
    return Optional.ofNullable(sessions.get(tenant + "/" + id));
  }

  @Override
  public Optional<StoredSession> findByIdempotencyKey(String tenant, String idempotencyKey) {
    return sessions.values().stream()
        .filter(s -> s.tenant().equals(tenant) && idempotencyKey.equals(s.idempotencyKey())).findFirst();
  }

  @Override
  public synchronized boolean replace(StoredSession replacement, long expectedVersion) {
    String key = replacement.tenant() + "/" + replacement.id();
    var current = sessions.get(key);
    if (current == null || current.version() != expectedVersion) {
      return false;
    }
    sessions.put(key, replacement);
    return true;
  }

  @Override
  public synchronized Optional<StoredSession> consume(String tenant, String id, long tokenGeneration,
      SessionStatus newStatus, Instant now) {
    var current = sessions.get(tenant + "/" + id);
    if (current == null || current.tokenGeneration() != tokenGeneration || current.statusAt(now) != SessionStatus.OPEN) {
      return Optional.empty();
    }
    var next = current.toBuilder().status(newStatus).modifiedAt(now).version(current.version() + 1).build();
    sessions.put(tenant + "/" + id, next);
    return Optional.of(next);
  }

  @Override
  public SessionPage list(String tenant, String cursor, int limit) {
    return new SessionPage(List.of(), null);
  }

  @Override
  public int deleteExpired(Instant expiredBefore, int limit) {
    return 0;
  }
}
