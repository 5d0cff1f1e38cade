package dev.handoff;

import dev.handoff.spi.User;
import java.util.Optional;

/**
 * What a hosted page learns from the browser-session secret on each request. Immutable and thread-safe.
 *
 * @param session the hosted session
 * @param user its user, or {@code null} while the end user still has to sign in
 * @param loginStarted whether a one-time code was requested for this session and can still be tried, so that the
 *     hosted page knows to show the code form rather than the email form
 */
public record BrowserSession(Session session, User user, boolean loginStarted) {

  /** Whether the end user must sign in (with a one-time code) first. */
  public boolean loginRequired() {
    return user == null;
  }

  /** The user, empty when {@link #loginRequired()}. */
  public Optional<User> optionalUser() {
    return Optional.ofNullable(user);
  }
}
