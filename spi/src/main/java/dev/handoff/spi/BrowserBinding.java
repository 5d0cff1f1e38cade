package dev.handoff.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * The browser session a hosted session was activated into: the hosted page got a high-entropy secret (for an
 * HttpOnly cookie) when it redeemed the URL, and presents it on every later request. Only the secret's keyed
 * digest is stored.
 *
 * @param secretDigest the keyed digest of the browser-session secret, as an opaque string
 * @param activatedAt when the URL was redeemed into this browser session
 * @param lastSeenAt when the browser last presented the secret (refreshed coarsely, for the idle timeout)
 */
public record BrowserBinding(String secretDigest, Instant activatedAt, Instant lastSeenAt) {
  public BrowserBinding {
    Objects.requireNonNull(secretDigest, "secretDigest");
    Objects.requireNonNull(activatedAt, "activatedAt");
    Objects.requireNonNull(lastSeenAt, "lastSeenAt");
    if (lastSeenAt.isBefore(activatedAt)) {
      throw new IllegalArgumentException("lastSeenAt must not be before activatedAt");
    }
  }

  /** The same binding, seen at {@code now}. */
  public BrowserBinding seenAt(Instant now) {
    return new BrowserBinding(secretDigest, activatedAt, now);
  }
}
