package dev.handoff.storage.memory;

/**
 * Which session holds an idempotency key, and until when (ticker nanoseconds). Immutable.
 *
 * <p>The deadline is the session's cache deadline, so a claim whose holder has expired but was not yet evicted
 * by Caffeine can be recognised as stale without reading the cache.
 */
record Claim(String id, long deadlineNanos) {
  boolean isLiveAt(long nowNanos) {
    return deadlineNanos > nowNanos; // absolute, saturated times: no wrap-around
  }
}
