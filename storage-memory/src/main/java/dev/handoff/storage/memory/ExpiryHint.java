package dev.handoff.storage.memory;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A lower bound of the {@code expiresAt} of a group of sessions, so that a full store (or tenant) is scanned for
 * expired sessions only when one may have expired, not on every refused insert. Lowered by every insert or
 * replace; a scan resets it and notes each survivor. Between a reset and the end of its scan the bound may be too
 * high, which only delays a scan. Thread-safe.
 */
final class ExpiryHint {
  private final AtomicReference<Instant> earliest = new AtomicReference<>(Instant.MIN);

  void noteExpiry(Instant expiresAt) {
    // Read first: almost every new session expires after the bound, and a write on every insert would make the
    // bound's cache line bounce between the inserting threads.
    Instant current = earliest.get();
    while (expiresAt.isBefore(current) && !earliest.compareAndSet(current, expiresAt)) {
      current = earliest.get();
    }
  }

  /** Whether a session of the group may be expired at {@code now}. */
  boolean mayHaveExpiredAt(Instant now) {
    return !now.isBefore(earliest.get());
  }

  /** Forgets the bound before a scan that notes every survivor. */
  void reset() {
    earliest.set(Instant.MAX);
  }
}
