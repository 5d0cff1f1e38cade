package dev.handoff;

import java.time.Duration;
import java.util.Objects;

/**
 * The rules of one-time-code sign-in for unauthenticated sessions. Immutable and thread-safe.
 *
 * <p>Sends are limited three ways: per session ({@code maxSends}, {@code minSendInterval}), per email address
 * ({@code emailLimit}, so that many links cannot flood one inbox) and per tenant ({@code tenantLimit}, a ceiling on
 * what one tenant's gateway bill can reach). The address and tenant limits are counted in the session store, so
 * every engine node sharing it counts together, under a keyed digest of the address, never the address itself.
 *
 * @param codeLength characters per code, 4 to 12 (default 6)
 * @param alphabet the characters codes are drawn from, uniformly, 2 to 64 distinct (default the ten digits)
 * @param codeTtl how long a code works (default 10 minutes)
 * @param maxAttempts wrong codes accepted per code before the challenge is dead (default 5)
 * @param maxSends codes sent per session at most (default 5)
 * @param minSendInterval shortest time between two sends for one session (default 30 seconds)
 * @param signUp whether a verified email the tenant does not know creates a user (default {@code false})
 * @param emailLimit sign-in starts per email address in one tenant, known or not (default 10 per hour)
 * @param tenantLimit sign-in starts per tenant (default 10,000 per hour)
 */
public record LoginPolicy(int codeLength, String alphabet, Duration codeTtl, int maxAttempts, int maxSends,
    Duration minSendInterval, boolean signUp, RateLimit emailLimit, RateLimit tenantLimit) {

  /** The default {@link #emailLimit()}: 10 per hour. */
  public static final RateLimit DEFAULT_EMAIL_LIMIT = RateLimit.of(10, Duration.ofHours(1));
  /** The default {@link #tenantLimit()}: 10,000 per hour. */
  public static final RateLimit DEFAULT_TENANT_LIMIT = RateLimit.of(10_000, Duration.ofHours(1));

  public LoginPolicy {
    Objects.requireNonNull(alphabet, "alphabet");
    Objects.requireNonNull(codeTtl, "codeTtl");
    Objects.requireNonNull(minSendInterval, "minSendInterval");
    Objects.requireNonNull(emailLimit, "emailLimit");
    Objects.requireNonNull(tenantLimit, "tenantLimit");
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

  /** A policy with the default {@link #emailLimit()} and {@link #tenantLimit()}, as before they existed. */
  public LoginPolicy(int codeLength, String alphabet, Duration codeTtl, int maxAttempts, int maxSends,
      Duration minSendInterval, boolean signUp) {
    this(codeLength, alphabet, codeTtl, maxAttempts, maxSends, minSendInterval, signUp, DEFAULT_EMAIL_LIMIT,
        DEFAULT_TENANT_LIMIT);
  }

  /** Six digits, valid 10 minutes, 5 attempts, 5 sends at least 30 seconds apart, no sign-up, default limits. */
  public static LoginPolicy defaults() {
    return new LoginPolicy(6, "0123456789", Duration.ofMinutes(10), 5, 5, Duration.ofSeconds(30), false);
  }

  /** The same policy, with sign-up of unknown emails allowed or not. */
  public LoginPolicy withSignUp(boolean signUp) {
    return new LoginPolicy(codeLength, alphabet, codeTtl, maxAttempts, maxSends, minSendInterval, signUp,
        emailLimit, tenantLimit);
  }

  /** The same policy with another limit of sign-in starts per email address. */
  public LoginPolicy withEmailLimit(RateLimit emailLimit) {
    return new LoginPolicy(codeLength, alphabet, codeTtl, maxAttempts, maxSends, minSendInterval, signUp,
        emailLimit, tenantLimit);
  }

  /** The same policy with another limit of sign-in starts per tenant. */
  public LoginPolicy withTenantLimit(RateLimit tenantLimit) {
    return new LoginPolicy(codeLength, alphabet, codeTtl, maxAttempts, maxSends, minSendInterval, signUp,
        emailLimit, tenantLimit);
  }
}
