package dev.handoff.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Turns URLs from sessions into values fit for a Location header or a CSP source: ASCII, http(s), or nothing. */
final class Locations {
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
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    String origin = scheme + "://" + host + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    return new Checked(ascii, isOriginHost(host) ? origin : null);
  }

  /**
   * A CSP source list is separated by spaces and ';': an origin's host is only ever {@code [a-z0-9.\-\[\]:]+}
   * (the scheme is http or https, the port digits). A loop, not a regex: it runs on every session page.
   */
  private static boolean isOriginHost(String host) {
    if (host.isEmpty()) {
      return false;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '[' || c == ']'
          || c == ':')) {
        return false;
      }
    }
    return true;
  }
}
