package dev.handoff.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The two clocks of a session: how long its link may wait to be opened, and how long the session lasts once it was.
 *
 * <p>Before the first redemption a session's {@link StoredSession#expiresAt()} is its link deadline. Redemption
 * ({@link StoredSession#consumedAs}) moves {@code expiresAt} to the redemption time plus {@link #activeLifetime()},
 * the absolute cap on the time in the hosted page; within it, the browser session also ends after
 * {@link #idleTimeout()} without a page load. So a 7-day link for an email can give 30 minutes in the page.
 * Immutable and thread-safe.
 *
 * @param linkExpiresAt the first instant at which the link can no longer be redeemed for the first time
 * @param idleTimeout how long the redeemed browser session may go without a page load, at least one second
 * @param activeLifetime how long the session lasts after its first redemption at most, at least one second
 */
public record SessionClocks(Instant linkExpiresAt, Duration idleTimeout, Duration activeLifetime) {
  /** The idle timeout of sessions built without explicit clocks (the engine's default too). */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);

  public SessionClocks {
    Objects.requireNonNull(linkExpiresAt, "linkExpiresAt");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(activeLifetime, "activeLifetime");
    if (idleTimeout.compareTo(Duration.ofSeconds(1)) < 0 || activeLifetime.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("idleTimeout and activeLifetime must be at least one second");
    }
  }

  /**
   * The clocks of a session with one lifetime: the link expires at {@code expiresAt}, and redemption gives the
   * session as long again as it had from creation (at least a second), with the default idle timeout.
   */
  public static SessionClocks single(Instant createdAt, Instant expiresAt) {
    Duration lifetime = Duration.between(createdAt, expiresAt);
    return new SessionClocks(expiresAt, DEFAULT_IDLE_TIMEOUT,
        lifetime.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : lifetime);
  }
}
