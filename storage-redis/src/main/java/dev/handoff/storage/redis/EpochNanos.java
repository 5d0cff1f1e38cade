package dev.handoff.storage.redis;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.time.Instant;

/**
 * How instants are stored: nanoseconds since the epoch as a decimal string. Exact to the nanosecond for the years
 * 1677 to 2262, and comparable inside Lua scripts without floating point (see {@link Scripts}). Stateless.
 */
final class EpochNanos {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long NANOS_PER_MILLI = 1_000_000L;

  private EpochNanos() {}

  /**
   * The stored form of {@code instant}.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_REQUEST} outside the years 1677 to 2262
   */
  static long of(Instant instant) {
    try {
      return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), NANOS_PER_SECOND), instant.getNano());
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

  /** Whole milliseconds since the epoch, rounded down: the score of an instant in a sorted set. */
  static long floorMillis(long epochNanos) {
    return Math.floorDiv(epochNanos, NANOS_PER_MILLI);
  }

  /** Whole milliseconds since the epoch, rounded up: a native expiry that never comes before the instant. */
  static long ceilMillis(long epochNanos) {
    return -Math.floorDiv(-epochNanos, NANOS_PER_MILLI);
  }
}
