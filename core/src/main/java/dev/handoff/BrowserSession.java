package dev.handoff;

import dev.handoff.spi.User;
import java.util.Optional;

/**
 * What a hosted page learns from the browser-session secret on each request. Immutable and thread-safe;
 * {@code toString()} redacts the browser secret.
 *
 * @param session the hosted session
 * @param user its user, or {@code null} while the end user still has to sign in
 * @param loginStarted whether a one-time code was requested for this session and can still be tried, so that the
 *     hosted page knows to show the code form rather than the email form
 * @param browserSecret after a sign-in ({@link Handoff#verifyLogin}): the new browser secret, which replaced the
 *     one the request carried (that one no longer works); set it as the cookie. {@code null} from
 *     {@link Handoff#authenticate}
 */
public record BrowserSession(Session session, User user, boolean loginStarted, String browserSecret) {

  /** The new browser secret after a sign-in; empty when the secret did not change. */
  public Optional<String> rotatedSecret() {
    return Optional.ofNullable(browserSecret);
  }

  /** Whether the end user must sign in (with a one-time code) first. */
  public boolean loginRequired() {
    return user == null;
  }

  /** The user, empty when {@link #loginRequired()}. */
  public Optional<User> optionalUser() {
    return Optional.ofNullable(user);
  }

  @Override
  public String toString() {
    return "BrowserSession[session=" + session + ", user=" + user + ", loginStarted=" + loginStarted
        + ", browserSecret=" + (browserSecret == null ? "none" : "<redacted>") + "]";
  }
}
