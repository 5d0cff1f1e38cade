package dev.handoff.spi;

import java.util.Objects;

/**
 * How a session relates to recovery: a session whose link expired or was used can be replaced, after the end user
 * signed in by email, by a new session with the same intent. The replacement names the original, and the original
 * names its replacement, so each session is replaced at most once and a chain of replacements is bounded.
 * Immutable and thread-safe.
 *
 * @param recoveredFrom the id of the session this one replaced, or {@code null}
 * @param replacedBy the id of the session that replaced this one, or {@code null}
 * @param count how many recoveries led to this session: 0 for an original, the original's count + 1 for its
 *     replacement
 */
public record Recovery(String recoveredFrom, String replacedBy, int count) {
  /** A session that was neither recovered nor replaced. */
  public static final Recovery NONE = new Recovery(null, null, 0);

  public Recovery {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative");
    }
    if ((recoveredFrom == null) != (count == 0)) {
      throw new IllegalArgumentException("a recovered session names its original and counts at least 1");
    }
  }

  /** This recovery with the id of the session that replaced this one. */
  public Recovery replacedBy(String replacement) {
    return new Recovery(recoveredFrom, Objects.requireNonNull(replacement, "replacement"), count);
  }
}
