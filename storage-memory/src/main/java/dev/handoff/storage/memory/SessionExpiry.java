package dev.handoff.storage.memory;

import com.github.benmanes.caffeine.cache.Expiry;
import dev.handoff.spi.StoredSession;
import java.time.Duration;

/**
 * Expires each cache entry at its session's {@code expiresAt} plus the retention, recomputed on every write
 * because a replacement may move {@code expiresAt}. Reads do not extend it. Immutable and thread-safe.
 */
final class SessionExpiry implements Expiry<SessionKey, StoredSession> {
  private final long retentionNanos;

  SessionExpiry(Duration retention) {
    this.retentionNanos = retention.toNanos();
  }

  /** The ticker time at which {@code session} leaves the cache. */
  long deadlineNanos(StoredSession session) {
    long expires = ClockTicker.epochNanos(session.expiresAt());
    long deadline = expires + retentionNanos;
    // Saturate instead of wrapping for sessions expiring near the end of the representable range.
    return deadline < expires ? Long.MAX_VALUE : deadline;
  }

  private long remaining(StoredSession session, long currentTime) {
    long deadline = deadlineNanos(session);
    long remaining = deadline - currentTime;
    if (((deadline ^ currentTime) & (deadline ^ remaining)) < 0) {
      return deadline > 0 ? Long.MAX_VALUE : 0; // the subtraction overflowed
    }
    return Math.max(0, remaining);
  }

  @Override
  public long expireAfterCreate(SessionKey key, StoredSession value, long currentTime) {
    return remaining(value, currentTime);
  }

  @Override
  public long expireAfterUpdate(SessionKey key, StoredSession value, long currentTime, long currentDuration) {
    return remaining(value, currentTime);
  }

  @Override
  public long expireAfterRead(SessionKey key, StoredSession value, long currentTime, long currentDuration) {
    return currentDuration;
  }
}
