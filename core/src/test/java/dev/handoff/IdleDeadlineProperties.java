package dev.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** {@link BrowserFlow#reached}, which checks the idle deadlines on every page load, agrees with Instant arithmetic. */
class IdleDeadlineProperties {

  @Property(tries = 2000)
  void reachedIsInstantArithmetic(@ForAll @LongRange(min = -100_000, max = 4_000_000_000L) long fromSeconds,
      @ForAll @IntRange(min = 0, max = 999_999_999) int fromNanos,
      @ForAll @LongRange(min = 0, max = 200_000) long seconds,
      @ForAll @IntRange(min = 0, max = 999_999_999) int nanos,
      @ForAll @LongRange(min = -3, max = 200_003) long nowOffsetSeconds,
      @ForAll @IntRange(min = 0, max = 999_999_999) int nowNanos) {
    Instant from = Instant.ofEpochSecond(fromSeconds, fromNanos);
    Instant now = Instant.ofEpochSecond(fromSeconds + nowOffsetSeconds, nowNanos);

    assertThat(BrowserFlow.reached(now, from, seconds, nanos))
        .isEqualTo(!now.isBefore(from.plusSeconds(seconds).plusNanos(nanos)));
  }

  @Property(tries = 500)
  void exactlyAtTheDeadlineIsReached(@ForAll @LongRange(min = 0, max = 4_000_000_000L) long fromSeconds,
      @ForAll @IntRange(min = 0, max = 999_999_999) int fromNanos,
      @ForAll @LongRange(min = 0, max = 200_000) long seconds,
      @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
    Instant from = Instant.ofEpochSecond(fromSeconds, fromNanos);
    Instant deadline = from.plusSeconds(seconds).plusNanos(nanos);

    assertThat(BrowserFlow.reached(deadline, from, seconds, nanos)).isTrue();
    assertThat(BrowserFlow.reached(deadline.minusNanos(1), from, seconds, nanos)).isFalse();
  }
}
