package dev.handoff;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer to a create, or to an update: the session and, when a new token was minted, the URL that drops the
 * end user into the hosted page and the token inside it.
 *
 * <p>Treat the URL and the token like passwords: hand the URL to the end user's browser and do not store or log
 * either. {@code toString()} redacts both. Immutable and thread-safe.
 */
public final class IssuedSession {
  private final Session session;
  private final String url;
  private final String token;

  IssuedSession(Session session, String url, String token) {
    this.session = Objects.requireNonNull(session);
    this.url = url;
    this.token = token;
  }

  /** The session, without URL or token. */
  public Session session() {
    return session;
  }

  /**
   * The hosted-page URL, {@code <base>?session=<id>&token=<token>}: present after a create and after an update
   * that changed the session's user; empty after any other update (the earlier URL stays valid then).
   */
  public Optional<String> url() {
    return Optional.ofNullable(url);
  }

  /** The URL token alone, present exactly when {@link #url()} is. */
  public Optional<String> token() {
    return Optional.ofNullable(token);
  }

  @Override
  public String toString() {
    return "IssuedSession[session=" + session + ", url=" + (url == null ? "none" : "<redacted>") + "]";
  }
}
