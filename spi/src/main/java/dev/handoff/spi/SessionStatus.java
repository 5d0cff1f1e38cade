package dev.handoff.spi;

/**
 * The lifecycle of a hosted session.
 *
 * <pre>
 * OPEN ──redeem──► ACTIVE ──► COMPLETED | LOGGED_OUT | EXPIRED | REVOKED
 *   └──redeem (no user)──► LOGIN_REQUIRED ──sign-in──► ACTIVE
 * </pre>
 *
 * A session in any non-terminal status whose {@code expiresAt} has passed is {@link #EXPIRED}, whatever status
 * is stored.
 */
public enum SessionStatus {
  /** Created; the URL token has not been redeemed yet. */
  OPEN,
  /** The URL token was redeemed for a session without a user; the end user must sign in first. */
  LOGIN_REQUIRED,
  /** The URL token was redeemed and the session has a user. */
  ACTIVE,
  /** The hosted flow finished; the end user was sent back to the callback URL. */
  COMPLETED,
  /** The end user signed out of the hosted page. */
  LOGGED_OUT,
  /** The session's lifetime ended. */
  EXPIRED,
  /** The embedding server revoked the session. */
  REVOKED;

  /** Whether no further transition is possible from this status. */
  public boolean isTerminal() {
    return this == COMPLETED || this == LOGGED_OUT || this == EXPIRED || this == REVOKED;
  }
}
