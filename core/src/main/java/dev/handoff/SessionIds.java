package dev.handoff;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Makes session ids: a prefix, the creation time in milliseconds (9 characters whose order is time order, so that
 * listing by id lists by age), and 128 random bits. URL-safe. Thread-safe.
 *
 * <p>Ids are not secrets (they travel in URLs and logs; the token and the browser secret guard a session), so
 * their random bits are drawn in bulk like token IVs: one DRBG call per 256 ids instead of one per id, which
 * costs about ten times less per id (benchmarks/README.md, "Randomness").
 */
final class SessionIds {
  private static final byte[] SORTABLE_BASE32 =
      "0123456789abcdefghijklmnopqrstuv".getBytes(StandardCharsets.US_ASCII);
  private static final int TIME_CHARS = 9;

  private static final int RANDOM_BYTES = 16;
  /** 128 bits in unpadded base64url. */
  private static final int RANDOM_CHARS = 22;

  private final String prefix;
  private final Supplier<SecureRandom> random;
  private final ThreadLocal<RandomPool> pools = ThreadLocal.withInitial(RandomPool::new);

  /** One thread's pre-drawn random bits for ids. Confined to its thread. */
  private static final class RandomPool {
    final byte[] bytes = new byte[RANDOM_BYTES * 256];
    int next = bytes.length;
  }

  SessionIds(String prefix, Supplier<SecureRandom> random) {
    this.prefix = prefix;
    this.random = random;
  }

  String next(Instant now) {
    return next(prefix, now);
  }

  /**
   * A new id like {@code earlier}: with its prefix where it has one of this form, so that the replacement of a
   * recovered session carries the prefix of the engine that created the original, whichever engine recovers it.
   */
  String nextLike(String earlier, Instant now) {
    int length = earlier.length() - TIME_CHARS - RANDOM_CHARS;
    String earlierPrefix = length < 0 ? prefix : earlier.substring(0, length);
    return next(isValidPrefix(earlierPrefix) ? earlierPrefix : prefix, now);
  }

  private String next(String idPrefix, Instant now) {
    // Written as Latin-1 bytes straight into the string's array-to-be: no builder, no copy of the random bits.
    int prefixLength = idPrefix.length();
    byte[] id = new byte[prefixLength + TIME_CHARS + RANDOM_CHARS];
    for (int i = 0; i < prefixLength; i++) {
      id[i] = (byte) idPrefix.charAt(i); // letters, digits and '_' (isValidPrefix)
    }
    long millis = now.toEpochMilli();
    int at = prefixLength;
    for (int shift = (TIME_CHARS - 1) * 5; shift >= 0; shift -= 5) {
      id[at++] = SORTABLE_BASE32[(int) (millis >>> shift) & 31];
    }
    RandomPool pool = pools.get();
    if (pool.next == pool.bytes.length) {
      random.get().nextBytes(pool.bytes);
      pool.next = 0;
    }
    Base64Url.encode(pool.bytes, pool.next, RANDOM_BYTES, id, at);
    pool.next += RANDOM_BYTES;
    return new String(id, StandardCharsets.ISO_8859_1);
  }

  /** Whether {@code prefix} is acceptable: up to 16 characters of letters, digits and {@code _}. */
  static boolean isValidPrefix(String prefix) {
    return prefix.length() <= 16 && prefix.chars().allMatch(c -> c == '_' || Character.isLetterOrDigit(c) && c < 128);
  }
}
