package dev.handoff.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * The one exception type of Handoff. It carries a stable {@link ErrorCode}; its message is meant for the
 * embedding server's logs and API responses and never contains a token, a URL with a token, or a secret.
 *
 * <p>Instances are immutable and therefore thread-safe.
 */
public class HandoffException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String redirectUrl;

  /**
   * @param code the stable reason
   * @param message a human-readable message that must not contain any secret
   */
  public HandoffException(ErrorCode code, String message) {
    this(code, message, null, null);
  }

  /**
   * @param code the stable reason
   * @param message a human-readable message that must not contain any secret
   * @param cause the underlying failure, e.g. an {@code java.sql.SQLException}, or {@code null}
   */
  public HandoffException(ErrorCode code, String message, Throwable cause) {
    this(code, message, null, cause);
  }

  /**
   * @param code the stable reason
   * @param message a human-readable message that must not contain any secret
   * @param redirectUrl where a hosted page may send the end user instead of showing a dead end (the session's
   *     callback URL), or {@code null}
   * @param cause the underlying failure, or {@code null}
   */
  public HandoffException(ErrorCode code, String message, String redirectUrl, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
    this.redirectUrl = redirectUrl;
  }

  /** The stable reason of this failure. */
  public ErrorCode code() {
    return code;
  }

  /**
   * Where the hosted page can send the end user back to (the session's callback URL), when the failure concerns a
   * session that could still be identified, e.g. an expired or already used link.
   */
  public Optional<String> redirectUrl() {
    return Optional.ofNullable(redirectUrl);
  }

  /** The HTTP status for {@link #code()}. */
  public int httpStatus() {
    return code.httpStatus();
  }

  @Override
  public String toString() {
    return getClass().getName() + ": " + code + ": " + getMessage();
  }
}
