package dev.handoff.storage.jdbc;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.time.Instant;

/**
 * How instants are stored: nanoseconds since the epoch in a {@code BIGINT}. Exact to the nanosecond, so
 * {@code find} returns the very {@link Instant} that was stored, on every database, for the years 1677 to 2262.
 * Stateless.
 */
final class EpochNanos {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private EpochNanos() {}

  /**
   * The stored form of {@code instant}.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_REQUEST} outside the years 1677 to 2262
   */
  static long of(Instant instant) {
    long seconds = instant.getEpochSecond();
    int nanos = instant.getNano();
    try {
      if (seconds < 0 && nanos > 0) {
        // The earliest storable instants: their seconds alone, in nanoseconds, are below Long.MIN_VALUE.
        return Math.addExact(Math.multiplyExact(seconds + 1, NANOS_PER_SECOND), nanos - NANOS_PER_SECOND);
      }
      return Math.addExact(Math.multiplyExact(seconds, NANOS_PER_SECOND), nanos);
    } catch (ArithmeticException e) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST,
          "instants must lie between 1677-09-21 and 2262-04-11 to be stored, got " + instant);
    }
  }

  /** Like {@link #of}, but clamped to the representable range: for comparisons, never for storing. */
  static long saturated(Instant instant) {
    if (instant.isAfter(Instant.ofEpochSecond(0, Long.MAX_VALUE))) {
      return Long.MAX_VALUE;
    }
    if (instant.isBefore(Instant.ofEpochSecond(0, Long.MIN_VALUE))) {
      return Long.MIN_VALUE;
    }
    return of(instant);
  }

  /** The instant of a stored value. */
  static Instant toInstant(long epochNanos) {
    return Instant.ofEpochSecond(Math.floorDiv(epochNanos, NANOS_PER_SECOND),
        Math.floorMod(epochNanos, NANOS_PER_SECOND));
  }
}
