package dev.handoff;

import dev.handoff.spi.User;
import java.util.Optional;

/**
 * The result of redeeming a URL token on the hosted page. Immutable and thread-safe.
 *
 * @param session the session after redemption
 * @param user the session's user, or {@code null} when the end user must sign in first
 */
public record Redemption(Session session, User user) {

  /** Whether the end user must sign in (with a one-time code) before the hosted flow can go on. */
  public boolean loginRequired() {
    return user == null;
  }

  /** The session's user, empty when {@link #loginRequired()}. */
  public Optional<User> optionalUser() {
    return Optional.ofNullable(user);
  }
}
