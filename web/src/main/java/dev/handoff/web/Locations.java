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

  /**
   * A URL checked once for both uses (the session page needs both, from one parse).
   *
   * @param url the URL in ASCII form
   * @param origin its {@code scheme://host[:port]}, or {@code null} if that could not stand in a CSP source list
   */
  record Checked(String url, String origin) {}

  /** The URL in ASCII form if it is an absolute http(s) URL of printable ASCII; otherwise {@code null}. */
  static String safe(String url) {
    Checked checked = check(url);
    return checked == null ? null : checked.url();
  }

  /** The origin of a safe URL, {@code scheme://host[:port]}, or {@code null}. */
  static String origin(String url) {
    Checked checked = check(url);
    return checked == null ? null : checked.origin();
  }

  /** {@link #safe} and {@link #origin} of {@code url}, or {@code null} if it is not safe. */
  static Checked check(String url) {
    if (url == null) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
      return null;
    }
    String ascii = uri.toASCIIString();
    for (int i = 0; i < ascii.length(); i++) {
      char c = ascii.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return null;
      }
    }
    String origin = scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT)
        + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    // A CSP source list is separated by spaces and ';': an origin is only ever these characters.
    return new Checked(ascii, ORIGIN.matcher(origin).matches() ? origin : null);
  }
}
