package dev.handoff;

/**
 * How the engine keeps a client's address in a session's access log ({@link Handoff.Builder#addressPolicy}). An
 * address that is not an IP literal is kept as unknown under every policy.
 */
public enum AddressPolicy {
  /**
   * The network, not the host: an IPv4 address as its /24 ({@code 192.0.2.0/24}), an IPv6 address as its /48
   * ({@code 2001:db8:1::/48}, RFC 5952 text). Enough to tell a country or a provider, not a household. The default.
   */
  TRUNCATED,
  /**
   * A keyed digest (HMAC-SHA256) of the whole address under the key ring's digest secret, as
   * {@code <kid>.<43 base64url characters>}: equal for equal addresses on every node that shares the key ring, so
   * that steps from one address can be correlated, and meaningless without the key. It changes when the digest
   * secret is rotated.
   */
  KEYED_DIGEST,
  /** No address at all; the time and the user agent are still recorded. */
  NONE
}
