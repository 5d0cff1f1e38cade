package dev.handoff.storage.memory;

import com.github.benmanes.caffeine.cache.Expiry;

/**
 * Expires each counter when its window ends, recomputed on every write because a restarted window moves the end.
 * Immutable and thread-safe.
 */
final class CounterExpiry implements Expiry<CounterKey, Counter> {
  private static long remaining(Counter counter, long currentTime) {
    long deadline = ClockTicker.epochNanos(counter.windowEnd());
    long remaining = deadline - currentTime;
    if (((deadline ^ currentTime) & (deadline ^ remaining)) < 0) {
      return deadline > 0 ? Long.MAX_VALUE : 0; // the subtraction overflowed
    }
    return Math.max(0, remaining);
  }

  @Override
  public long expireAfterCreate(CounterKey key, Counter value, long currentTime) {
    return remaining(value, currentTime);
  }

  @Override
  public long expireAfterUpdate(CounterKey key, Counter value, long currentTime, long currentDuration) {
    return remaining(value, currentTime);
  }

  @Override
  public long expireAfterRead(CounterKey key, Counter value, long currentTime, long currentDuration) {
    return currentDuration;
  }
}
