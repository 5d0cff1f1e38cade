package dev.handoff;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * Makes session ids: a prefix, the creation time in milliseconds (9 characters whose order is time order, so that
 * listing by id lists by age), and 128 random bits. URL-safe. Thread-safe.
 */
final class SessionIds {
  private static final char[] SORTABLE_BASE32 = "0123456789abcdefghijklmnopqrstuv".toCharArray();
  private static final int TIME_CHARS = 9;

  private final String prefix;
  private final Supplier<SecureRandom> random;

  SessionIds(String prefix, Supplier<SecureRandom> random) {
    this.prefix = prefix;
    this.random = random;
  }

  String next(Instant now) {
    var id = new StringBuilder(prefix.length() + TIME_CHARS + 22).append(prefix);
    long millis = now.toEpochMilli();
    for (int shift = (TIME_CHARS - 1) * 5; shift >= 0; shift -= 5) {
      id.append(SORTABLE_BASE32[(int) (millis >>> shift) & 31]);
    }
    byte[] bytes = new byte[16];
    random.get().nextBytes(bytes);
    return id.append(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)).toString();
  }

  /** Whether {@code prefix} is acceptable: up to 16 characters of letters, digits and {@code _}. */
  static boolean isValidPrefix(String prefix) {
    return prefix.length() <= 16 && prefix.chars().allMatch(c -> c == '_' || Character.isLetterOrDigit(c) && c < 128);
  }
}
