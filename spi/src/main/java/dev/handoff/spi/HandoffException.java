package dev.handoff.spi;

import java.util.Objects;

/**
 * The one exception type of Handoff. It carries a stable {@link ErrorCode}; its message is meant for the
 * embedding server's logs and API responses and never contains a token, a URL with a token, or a secret.
 *
 * <p>Instances are immutable and therefore thread-safe.
 */
public class HandoffException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  /**
   * @param code the stable reason
   * @param message a human-readable message that must not contain any secret
   */
  public HandoffException(ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /**
   * @param code the stable reason
   * @param message a human-readable message that must not contain any secret
   * @param cause the underlying failure, e.g. an {@link java.sql.SQLException}, or {@code null}
   */
  public HandoffException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The stable reason of this failure. */
  public ErrorCode code() {
    return code;
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
