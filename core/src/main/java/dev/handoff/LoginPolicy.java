package dev.handoff;

import java.time.Duration;
import java.util.Objects;

/**
 * The rules of one-time-code sign-in for unauthenticated sessions. Immutable and thread-safe.
 *
 * @param codeLength characters per code, 4 to 12 (default 6)
 * @param alphabet the characters codes are drawn from, uniformly, 2 to 64 distinct (default the ten digits)
 * @param codeTtl how long a code works (default 10 minutes)
 * @param maxAttempts wrong codes accepted per code before the challenge is dead (default 5)
 * @param maxSends codes sent per session at most (default 5)
 * @param minSendInterval shortest time between two sends for one session (default 30 seconds)
 * @param signUp whether a verified email the tenant does not know creates a user (default {@code false})
 */
public record LoginPolicy(int codeLength, String alphabet, Duration codeTtl, int maxAttempts, int maxSends,
    Duration minSendInterval, boolean signUp) {

  public LoginPolicy {
    Objects.requireNonNull(alphabet, "alphabet");
    Objects.requireNonNull(codeTtl, "codeTtl");
    Objects.requireNonNull(minSendInterval, "minSendInterval");
    if (codeLength < 4 || codeLength > 12) {
      throw new IllegalArgumentException("codeLength must be 4 to 12");
    }
    if (alphabet.length() < 2 || alphabet.length() > 64 || alphabet.chars().distinct().count() != alphabet.length()) {
      throw new IllegalArgumentException("alphabet must have 2 to 64 distinct characters");
    }
    if (codeTtl.compareTo(Duration.ofSeconds(30)) < 0 || minSendInterval.isNegative()) {
      throw new IllegalArgumentException("codeTtl must be at least 30 seconds, minSendInterval not negative");
    }
    if (maxAttempts < 1 || maxSends < 1) {
      throw new IllegalArgumentException("maxAttempts and maxSends must be at least 1");
    }
  }

  /** Six digits, valid 10 minutes, 5 attempts, 5 sends at least 30 seconds apart, no sign-up. */
  public static LoginPolicy defaults() {
    return new LoginPolicy(6, "0123456789", Duration.ofMinutes(10), 5, 5, Duration.ofSeconds(30), false);
  }

  /** The same policy, with sign-up of unknown emails allowed or not. */
  public LoginPolicy withSignUp(boolean signUp) {
    return new LoginPolicy(codeLength, alphabet, codeTtl, maxAttempts, maxSends, minSendInterval, signUp);
  }
}
