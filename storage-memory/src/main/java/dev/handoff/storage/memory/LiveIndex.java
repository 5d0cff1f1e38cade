package dev.handoff.storage.memory;

import dev.handoff.spi.StoredSession;
import java.time.Instant;
import java.util.Comparator;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The store's non-terminal sessions ({@code OPEN}, {@code LOGIN_REQUIRED}, {@code ACTIVE}) in order of
 * {@code expiresAt}, then tenant and id: what {@code listEnded} reads from the start, so sessions already marked
 * or completed never slow it down. Changed only while holding the lock of the session's cache entry, so each
 * session has at most one entry once its change is done; a reader may meet a session's old and new entries while
 * it changes, and must read the session itself. Thread-safe.
 */
final class LiveIndex {
  /**
   * One non-terminal session: when it ends ({@code expiresAt} as epoch seconds and nanoseconds, held inline so that
   * the ~log n comparisons of a skip-list insert or remove compare numbers in the entry instead of reading an
   * {@link Instant} each), and where it is.
   */
  record Entry(long epochSecond, int nano, String tenant, String id) {
    /** Written out rather than chained {@code Comparator.comparing}. */
    private static final Comparator<Entry> ORDER = (a, b) -> {
      int order = a.epochSecond != b.epochSecond ? Long.compare(a.epochSecond, b.epochSecond)
          : Integer.compare(a.nano, b.nano);
      if (order == 0) {
        order = a.tenant.compareTo(b.tenant);
      }
      return order != 0 ? order : a.id.compareTo(b.id);
    };

    static Entry of(StoredSession s) {
      Instant expiresAt = s.expiresAt();
      return s.status().isTerminal() ? null
          : new Entry(expiresAt.getEpochSecond(), expiresAt.getNano(), s.tenant(), s.id());
    }

    /** Whether the session ends after {@code now}, without making an {@link Instant}. */
    boolean endsAfter(Instant now) {
      return epochSecond != now.getEpochSecond() ? epochSecond > now.getEpochSecond() : nano > now.getNano();
    }
  }

  private final NavigableSet<Entry> entries = new ConcurrentSkipListSet<>(Entry.ORDER);

  /** Moves {@code before}'s entry to {@code after}'s; either may be {@code null} (absent, or terminal). */
  void update(StoredSession before, StoredSession after) {
    Entry old = before == null ? null : Entry.of(before);
    Entry next = after == null ? null : Entry.of(after);
    if (old != null && !old.equals(next)) {
      entries.remove(old);
    }
    if (next != null) {
      entries.add(next);
    }
  }

  /** The entries, earliest expiry first. */
  Iterable<Entry> inExpiryOrder() {
    return entries;
  }

  int size() {
    return entries.size();
  }
}
