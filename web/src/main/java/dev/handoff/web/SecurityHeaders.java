package dev.handoff.web;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The headers every response of the flow carries, and the per-response CSP nonce. The policy allows only the
 * page's own nonce-carrying script and style, {@code https:} images (a theme's logo), forms to this origin (and
 * to the session's callback origin, where a form's answer redirects), and no framing at all. The referrer policy
 * keeps the link token out of every referrer to another origin, yet lets browsers send a real {@code Origin} on
 * same-origin form posts ({@code no-referrer} makes Chromium send {@code Origin: null}).
 */
final class SecurityHeaders {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SecurityHeaders() {}

  /** A fresh nonce: 128 random bits, base64url. */
  static String nonce() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Adds the headers.
   *
   * @param formTarget an extra origin forms may lead to (the callback's, checked to be a plain origin), or
   *     {@code null}
   */
  static void apply(HostedResponse.Builder response, String nonce, String formTarget) {
    response.header("Content-Security-Policy", "default-src 'none'; script-src 'nonce-" + nonce
        + "'; style-src 'nonce-" + nonce + "'; img-src 'self' https:; form-action 'self'"
        + (formTarget == null ? "" : " " + formTarget) + "; frame-ancestors 'none'; base-uri 'none'");
    response.header("X-Frame-Options", "DENY");
    response.header("X-Content-Type-Options", "nosniff");
    response.header("Referrer-Policy", "same-origin");
    response.header("Cache-Control", "no-store");
    response.header("Cross-Origin-Opener-Policy", "same-origin");
    response.header("Cross-Origin-Resource-Policy", "same-origin");
  }
}
