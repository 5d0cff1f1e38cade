package dev.handoff.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Turns URLs from sessions into values fit for a Location header or a CSP source: ASCII, http(s), or nothing. */
final class Locations {
  /** What a CSP source list may hold as one origin; compiled once, it is checked on every page. */
  private static final Pattern ORIGIN = Pattern.compile("[a-z]+://[a-z0-9.\\-\\[\\]:]+");

  private Locations() {}

  /** The URL in ASCII form if it is an absolute http(s) URL of printable ASCII; otherwise {@code null}. */
  static String safe(String url) {
    if (url == null) {
      return null;
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
        return null;
      }
      String ascii = uri.toASCIIString();
      return ascii.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? ascii : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** The origin of a safe URL, {@code scheme://host[:port]}, or {@code null}. */
  static String origin(String url) {
    String safe = safe(url);
    if (safe == null) {
      return null;
    }
    URI uri = URI.create(safe);
    String origin = uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT)
        + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    // A CSP source list is separated by spaces and ';': an origin is only ever these characters.
    return ORIGIN.matcher(origin).matches() ? origin : null;
  }
}
