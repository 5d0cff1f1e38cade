package dev.handoff.spi;

/**
 * The stable reason of a {@link HandoffException}. Codes are part of the public contract: they are never renamed,
 * and each maps to the HTTP status an embedding server should answer with.
 */
public enum ErrorCode {
  /** The request is malformed: a missing field, a bad URL, a TTL out of range. */
  INVALID_REQUEST(400),
  /** The token or secret is missing, malformed, forged, tampered with or no longer valid. Says nothing more. */
  INVALID_TOKEN(401),
  /** The session or user does not exist in this tenant. */
  NOT_FOUND(404),
  /** The request conflicts with the current state: a duplicate id, a reused idempotency key, a lost update race. */
  CONFLICT(409),
  /** The session existed but its lifetime is over. */
  EXPIRED(410),
  /** The request is well-formed but cannot be processed: an unknown intent, an invalid payload, a taken email. */
  UNPROCESSABLE(422),
  /** Too many attempts; try again later or start over. */
  TOO_MANY_ATTEMPTS(429),
  /**
   * The store could not be reached or failed. Safe to retry: the engine recognises its own writes that landed
   * although the store reported a failure, so a retried operation never finds its own earlier attempt in the way.
   */
  STORAGE_UNAVAILABLE(503);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  /** The HTTP status an embedding server should answer with for this code. */
  public int httpStatus() {
    return httpStatus;
  }
}
