package dev.handoff.servlet;

import dev.handoff.web.HostedResponse;

/**
 * The few answers the adapter gives itself, before the flow could see the request (a body too large or too slow)
 * or when the flow failed: plain text, with the same protective headers as the flow's pages.
 */
final class FallbackResponses {
  private FallbackResponses() {}

  static HostedResponse tooLarge(int maxBytes) {
    return plain(413, "The form is larger than " + maxBytes + " bytes.");
  }

  static HostedResponse requestTimeout() {
    return plain(408, "The request did not arrive in time. Please try again.");
  }

  static HostedResponse internalError() {
    return plain(500, "Something went wrong. Please try again in a moment.");
  }

  private static HostedResponse plain(int status, String text) {
    return HostedResponse.status(status)
        .header("Cache-Control", "no-store")
        .header("X-Content-Type-Options", "nosniff")
        .header("X-Frame-Options", "DENY")
        .header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        .header("Referrer-Policy", "no-referrer")
        .body(text + "\n", "text/plain; charset=utf-8")
        .build();
  }
}
