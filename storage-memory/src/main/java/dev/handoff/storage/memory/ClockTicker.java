package dev.handoff.storage.memory;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Instant;

/**
 * Caffeine's time source read from the store's {@link Clock}, in nanoseconds since the epoch.
 *
 * <p>Deriving the ticker from the clock keeps one notion of time: an entry leaves the cache exactly when the
 * clock passes its {@code expiresAt + retention}, and tests move both by moving the clock. Thread-safe if the
 * clock is.
 */
final class ClockTicker implements Ticker {
  private final Clock clock;

  ClockTicker(Clock clock) {
    this.clock = clock;
  }

  @Override
  public long read() {
    return epochNanos(clock.instant());
  }

  /** Nanoseconds since the epoch, saturated at the ends of {@code long} (years 1677 and 2262). */
  static long epochNanos(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds >= Long.MAX_VALUE / 1_000_000_000L) {
      return Long.MAX_VALUE;
    }
    if (seconds <= Long.MIN_VALUE / 1_000_000_000L) {
      return Long.MIN_VALUE;
    }
    return seconds * 1_000_000_000L + instant.getNano();
  }
}
