package dev.handoff.spi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One step of a session taken by an end user's browser, for the audit: when, from which client address and with
 * which user agent. The engine records redemptions, sign-ins and recoveries. Immutable and thread-safe.
 *
 * <p>The address is never stored as the client sent it unless the embedder chose so: the engine stores it
 * truncated (an IPv4 /24 or IPv6 /48 network) or as a keyed digest, by the embedder's choice, or not at all.
 *
 * @param step what happened
 * @param at when, by the engine's clock
 * @param clientAddress the client's address as the engine's address policy made it, or {@code null} when unknown
 *     or not recorded; printable ASCII, at most {@link #MAX_FIELD_LENGTH} characters
 * @param userAgent the browser's {@code User-Agent}, cut to {@link #MAX_FIELD_LENGTH} characters, or
 *     {@code null}; printable ASCII
 */
public record AccessRecord(Step step, Instant at, String clientAddress, String userAgent) {
  /** The longest {@code clientAddress} or {@code userAgent} kept. */
  public static final int MAX_FIELD_LENGTH = 256;
  /** The most records a session keeps: the first, and the latest after it. */
  public static final int MAX_RECORDS = 10;

  /** The steps recorded. */
  public enum Step {
    /** The link was redeemed into a browser session. */
    REDEEMED,
    /** The end user of an unauthenticated session signed in with a one-time code. */
    SIGNED_IN,
    /** The end user signed in to recover an expired or used link, and this session replaced it. */
    RECOVERED
  }

  public AccessRecord {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(at, "at");
    checkField("clientAddress", clientAddress);
    checkField("userAgent", userAgent);
  }

  private static void checkField(String name, String value) {
    if (value == null) {
      return;
    }
    if (value.length() > MAX_FIELD_LENGTH) {
      throw new IllegalArgumentException(name + " must be at most " + MAX_FIELD_LENGTH + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < ' ' || c > '~') {
        throw new IllegalArgumentException(name + " must be printable ASCII");
      }
    }
  }

  /**
   * {@code records} with {@code record} appended, keeping at most {@link #MAX_RECORDS}: the first one and the
   * latest ones (a reusable link redeemed many times must not grow a session without bound).
   */
  public static List<AccessRecord> append(List<AccessRecord> records, AccessRecord record) {
    Objects.requireNonNull(record, "record");
    var out = new ArrayList<AccessRecord>(Math.min(records.size() + 1, MAX_RECORDS));
    out.addAll(records);
    out.add(record);
    while (out.size() > MAX_RECORDS) {
      out.remove(1);
    }
    return List.copyOf(out);
  }
}
