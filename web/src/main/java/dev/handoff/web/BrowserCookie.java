package dev.handoff.web;

import java.util.Optional;

/**
 * The browser-session cookie (and the recovery cookie, which holds a recovery ticket between the email and the
 * code step): {@code HttpOnly}, {@code SameSite=Lax}, and over https {@code Secure} with the
 * {@code __Host-} prefix (so no subdomain can set or shadow it; that prefix requires {@code Path=/}). Over http to
 * a loopback host browsers would drop a {@code Secure} cookie, so there it is a plain one scoped to the mount path.
 */
final class BrowserCookie {
  private final String name;
  private final String attributes;

  BrowserCookie(String baseName, boolean secure, String mountPath) {
    this.name = secure ? "__Host-" + baseName : baseName;
    this.attributes = secure ? "; Path=/; Secure; HttpOnly; SameSite=Lax"
        : "; Path=" + (mountPath.isEmpty() ? "/" : mountPath) + "; HttpOnly; SameSite=Lax";
  }

  String name() {
    return name;
  }

  /** The cookie's value, if the request carries one that could be a browser secret (or recovery ticket) at all. */
  Optional<String> read(HostedRequest request) {
    return request.cookie(name).filter(BrowserCookie::isValue);
  }

  /**
   * Whether {@code value} could be the engine's: only what may stand in a cookie with nothing to escape
   * ({@code [A-Za-z0-9._-]}, 1 to 512 of them). A loop, not a regex: it runs on every request, and a regex took 5%
   * of the container's CPU time in HostedFlowBenchmark.
   */
  static boolean isValue(String value) {
    if (value.isEmpty() || value.length() > 512) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
          || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** The {@code Set-Cookie} value that stores {@code secret}. */
  String set(String secret) {
    return name + "=" + secret + attributes;
  }

  /** The {@code Set-Cookie} value that removes the cookie. */
  String clear() {
    return name + "=; Max-Age=0" + attributes;
  }
}
