package dev.handoff.storage.memory;

import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Session ids in ascending order, with a count that lets the set be dropped once it is empty without a lock: an id
 * is counted before it enters the set and after it leaves, so a count of 0 means the set is empty, and the remove
 * that empties it retires it (count -1). An add to a retired set fails, changing nothing, and the caller adds to a
 * fresh one. Each id is added and removed inside its session's per-entry atomic operation, but nothing locks the
 * set: concurrent adds only meet in the skip list and the count. Thread-safe.
 */
final class IdSet {
  private final NavigableSet<String> ids = new ConcurrentSkipListSet<>();
  /** Ids added and not yet removed; -1 once retired. */
  private final AtomicLong size = new AtomicLong();

  /** Adds {@code id}; {@code false}, changing nothing, if this set was retired. */
  boolean add(String id) {
    long n;
    do {
      n = size.get();
      if (n < 0) {
        return false;
      }
    } while (!size.compareAndSet(n, n + 1));
    ids.add(id);
    return true;
  }

  /** Removes {@code id}; {@code true} if that emptied the set and retired it. */
  boolean remove(String id) {
    return ids.remove(id) && size.decrementAndGet() == 0 && size.compareAndSet(0, -1);
  }

  /** How many ids it holds (0 once retired), counting adds that are still entering the set. */
  long size() {
    return Math.max(0, size.get());
  }

  /** The ids in ascending order, weakly consistent. */
  NavigableSet<String> ids() {
    return ids;
  }
}
