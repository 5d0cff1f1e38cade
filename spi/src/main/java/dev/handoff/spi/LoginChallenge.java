package dev.handoff.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A one-time-code sign-in in progress for an unauthenticated session. Only the code's keyed digest is stored.
 * {@code toString()} redacts the email.
 *
 * @param email the address the code was sent to (or, for an address the tenant does not know, pretended to be)
 * @param codeDigest the keyed digest of the current code, as an opaque string
 * @param expiresAt the first instant at which the code no longer works
 * @param attemptsLeft how many wrong codes may still be tried; 0 means the challenge is dead
 * @param sends how many codes were sent for this session so far, at least 1
 * @param lastSentAt when the current code was sent
 */
public record LoginChallenge(String email, String codeDigest, Instant expiresAt, int attemptsLeft, int sends,
    Instant lastSentAt) {
  public LoginChallenge {
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(codeDigest, "codeDigest");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(lastSentAt, "lastSentAt");
    if (attemptsLeft < 0 || sends < 1) {
      throw new IllegalArgumentException("attemptsLeft must not be negative and sends must be at least 1");
    }
  }

  /** The same challenge with one attempt fewer. */
  public LoginChallenge withOneAttemptLess() {
    if (attemptsLeft == 0) {
      throw new IllegalStateException("no attempt left");
    }
    return new LoginChallenge(email, codeDigest, expiresAt, attemptsLeft - 1, sends, lastSentAt);
  }

  @Override
  public String toString() {
    return "LoginChallenge[email=<redacted>, expiresAt=" + expiresAt + ", attemptsLeft=" + attemptsLeft
        + ", sends=" + sends + ", lastSentAt=" + lastSentAt + "]";
  }
}
