package dev.handoff.storage.memory;

import java.time.Instant;

/** A fixed-window counter's state: how many events so far and when its window ends. Immutable. */
record Counter(long count, Instant windowEnd) {}
