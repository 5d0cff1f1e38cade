package dev.handoff.web;

import java.util.List;

/**
 * The headers every response of the flow carries. The policy allows only the page's own nonce-carrying script and
 * style, {@code https:} images (a theme's logo), forms to this origin (and to the session's callback origin, where
 * a form's answer redirects), and no framing at all. The referrer policy keeps the link token out of every
 * referrer to another origin, yet lets browsers send a real {@code Origin} on same-origin form posts
 * ({@code no-referrer} makes Chromium send {@code Origin: null}). The constant headers are checked once, here.
 */
final class SecurityHeaders {
  private static final List<HostedResponse.Header> CONSTANT = List.of(
      new HostedResponse.Header("X-Frame-Options", "DENY"),
      new HostedResponse.Header("X-Content-Type-Options", "nosniff"),
      new HostedResponse.Header("Referrer-Policy", "same-origin"),
      new HostedResponse.Header("Cache-Control", "no-store"),
      new HostedResponse.Header("Cross-Origin-Opener-Policy", "same-origin"),
      new HostedResponse.Header("Cross-Origin-Resource-Policy", "same-origin"));

  private SecurityHeaders() {}

  /**
   * Adds the headers.
   *
   * @param nonce the response's CSP nonce, base64url
   * @param formTarget an extra origin forms may lead to (the callback's, checked to be a plain origin), or
   *     {@code null}
   */
  static void apply(HostedResponse.Builder response, String nonce, String formTarget) {
    // One concatenation: sized exactly once, no builder to grow.
    String csp = formTarget == null
        ? "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'nonce-" + nonce
            + "'; img-src 'self' https:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        : "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'nonce-" + nonce
            + "'; img-src 'self' https:; form-action 'self' " + formTarget
            + "; frame-ancestors 'none'; base-uri 'none'";
    response.header("Content-Security-Policy", csp);
    for (int i = 0; i < CONSTANT.size(); i++) {
      response.header(CONSTANT.get(i));
    }
  }
}
