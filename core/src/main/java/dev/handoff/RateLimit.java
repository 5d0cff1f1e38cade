package dev.handoff;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code count} events per fixed {@code window}: the window starts with the first event and the count
 * starts again after it ends. Immutable and thread-safe.
 *
 * @param count events allowed per window, at least 1
 * @param window the window's length, at least one second
 */
public record RateLimit(int count, Duration window) {
  public RateLimit {
    Objects.requireNonNull(window, "window");
    if (count < 1 || window.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("a rate limit needs a count of at least 1 and a window of at least 1s");
    }
  }

  /** {@code count} events per {@code window}. */
  public static RateLimit of(int count, Duration window) {
    return new RateLimit(count, window);
  }
}
