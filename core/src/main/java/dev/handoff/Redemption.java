package dev.handoff;

import dev.handoff.spi.User;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of redeeming a URL token on the hosted page, or of recovering a session ({@link Handoff#recover}). Immutable and thread-safe; {@code toString()} redacts
 * the browser secret.
 *
 * @param session the session after redemption
 * @param user the session's user, or {@code null} when the end user must sign in first
 * @param browserSecret the browser-session secret: set it as an HttpOnly, Secure, SameSite=Lax cookie and pass it
 *     to {@link Handoff#authenticate} on every later request of the hosted flow. Treat it like a password
 */
public record Redemption(Session session, User user, String browserSecret) {
  public Redemption {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(browserSecret, "browserSecret");
  }

  /** Whether the end user must sign in (with a one-time code) before the hosted flow can go on. */
  public boolean loginRequired() {
    return user == null;
  }

  /** The session's user, empty when {@link #loginRequired()}. */
  public Optional<User> optionalUser() {
    return Optional.ofNullable(user);
  }

  @Override
  public String toString() {
    return "Redemption[session=" + session + ", user=" + user + ", browserSecret=<redacted>]";
  }
}
