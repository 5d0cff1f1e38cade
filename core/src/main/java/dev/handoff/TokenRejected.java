package dev.handoff;

/**
 * Why a token was refused, for a debug log line only: callers always get the same INVALID_TOKEN. Has no stack
 * trace, because a flood of garbage tokens must stay cheap to refuse, and never quotes the token.
 */
final class TokenRejected extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TokenRejected(String reason) {
    super(reason, null, false, false);
  }
}
