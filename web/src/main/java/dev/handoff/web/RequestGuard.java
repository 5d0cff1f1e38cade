package dev.handoff.web;

import java.util.Locale;

/**
 * Refuses cross-site form posts, before any form token is even looked at. Fetch Metadata decides where the browser
 * sends it: {@code Sec-Fetch-Site} of {@code cross-site} or {@code same-site} is refused ({@code same-origin} and
 * {@code none}, a user's own navigation, pass). {@code Origin}, where present, must be the configured public
 * origin. {@code Origin: null} (sandboxed frames, some privacy modes) is accepted only with
 * {@code Sec-Fetch-Site: same-origin}, which no page can forge. A request with neither header is not from a browser
 * that could be tricked into sending it, and passes on to the form-token check.
 */
final class RequestGuard {
  private final String origin;

  RequestGuard(String origin) {
    this.origin = origin;
  }

  boolean allows(HostedRequest request) {
    String site = request.header("Sec-Fetch-Site").map(s -> s.strip().toLowerCase(Locale.ROOT)).orElse(null);
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return false;
    }
    String requestOrigin = request.header("Origin").map(String::strip).orElse(null);
    if (requestOrigin == null) {
      return true;
    }
    if (requestOrigin.equals("null")) {
      return "same-origin".equals(site);
    }
    return requestOrigin.equalsIgnoreCase(origin);
  }
}
