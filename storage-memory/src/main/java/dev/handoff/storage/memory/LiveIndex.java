package dev.handoff.storage.memory;

import dev.handoff.spi.StoredSession;
import java.util.Comparator;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The store's non-terminal sessions ({@code OPEN}, {@code LOGIN_REQUIRED}, {@code ACTIVE}) in order of
 * {@code expiresAt}, then tenant and id: what {@code listEnded} reads from the start, so sessions already marked
 * or completed never slow it down. Changed only while holding the lock of the session's cache entry, so each
 * session has at most one entry once its change is done; a reader may meet a session's old and new entries while
 * it changes, or neither, and must read the session itself. Thread-safe.
 *
 * <p>The entries are the stored sessions themselves, which the cache holds anyway: an entry object of its own per
 * session (expiry, tenant and id copied out) was one more object that every young collection copied for every
 * session created (benchmarks/README.md, session 5).
 */
final class LiveIndex {
  /** By expiry, then tenant and id: one place per session, whatever its other components. */
  private static final Comparator<StoredSession> ORDER = (a, b) -> {
    int order = a.expiresAt().compareTo(b.expiresAt());
    if (order == 0) {
      order = a.tenant().compareTo(b.tenant());
    }
    return order != 0 ? order : a.id().compareTo(b.id());
  };

  private final NavigableSet<StoredSession> entries = new ConcurrentSkipListSet<>(ORDER);

  /** Moves {@code before}'s entry to {@code after}'s; either may be {@code null} (absent). */
  void update(StoredSession before, StoredSession after) {
    if (before != null && !before.status().isTerminal()) {
      // Even when after takes the same place: the set would keep before, and with it the replaced value.
      entries.remove(before);
    }
    if (after != null && !after.status().isTerminal()) {
      entries.add(after);
    }
  }

  /** The entries, earliest expiry first; each may be outdated by a concurrent change. */
  Iterable<StoredSession> inExpiryOrder() {
    return entries;
  }

  int size() {
    return entries.size();
  }
}
