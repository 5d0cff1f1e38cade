package dev.handoff;

import java.time.Instant;

/**
 * What a URL token says: which session of which tenant, which token generation, its lifetime and a random nonce
 * whose keyed digest is what the store keeps. {@code toString()} omits the nonce.
 */
record TokenClaims(String tenant, String sessionId, long generation, Instant issuedAt, Instant expiresAt,
    String nonce) {

  @Override
  public String toString() {
    return "TokenClaims[tenant=" + tenant + ", sessionId=" + sessionId + ", generation=" + generation
        + ", issuedAt=" + issuedAt + ", expiresAt=" + expiresAt + "]";
  }
}
