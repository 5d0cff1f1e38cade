package dev.handoff;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rule for callback and return URLs, which the hosted page redirects the end user's browser to, so they end up
 * in a {@code Location} header. A URL is kept in its ASCII form: an IRI's non-ASCII characters are percent-encoded
 * (UTF-8) and an internationalised host becomes its punycode form, so no header written from it can carry anything
 * but ASCII.
 */
final class CallbackUrl {
  /** The limit of the Polar-style API's {@code return_url}, and what old browsers accept. */
  static final int MAX_LENGTH = 2083;
  private static final Pattern LOOPBACK_IPV4 =
      Pattern.compile("127(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

  private CallbackUrl() {}

  /**
   * Accepts an absolute {@code https} URL, or {@code http} to a loopback host, of at most {@value #MAX_LENGTH}
   * characters (in ASCII form), with a host and without user-info. Refuses control characters, bidi controls and
   * other invisible formatting characters, line and paragraph separators and lone surrogates anywhere.
   *
   * @return the URL in its ASCII form
   */
  static String validate(String url) {
    if (url.isEmpty() || url.length() > MAX_LENGTH) {
      throw invalid("must be 1 to " + MAX_LENGTH + " characters");
    }
    refuseInvisibleCharacters(url);
    URI uri;
    try {
      uri = new URI(asciiHost(url));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw invalid("is not a valid URI");
    }
    String scheme = uri.getScheme();
    String host = uri.getHost();
    if (scheme == null || host == null || !uri.isAbsolute() || uri.isOpaque()) {
      throw invalid("must be an absolute URL with a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw invalid("must not contain user-info");
    }
    boolean https = scheme.equalsIgnoreCase("https");
    boolean loopbackHttp = scheme.equalsIgnoreCase("http") && isLoopback(host);
    if (!https && !loopbackHttp) {
      throw invalid("must use https (http only for localhost)");
    }
    String ascii = uri.toASCIIString();
    if (ascii.length() > MAX_LENGTH) {
      throw invalid("must be at most " + MAX_LENGTH + " characters in ASCII form");
    }
    return ascii;
  }

  private static void refuseInvisibleCharacters(String url) {
    for (int i = 0; i < url.length(); ) {
      int cp = url.codePointAt(i);
      int type = Character.getType(cp);
      if (type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
          || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
        throw invalid("must not contain control, bidi or other invisible characters (U+"
            + String.format(Locale.ROOT, "%04X", cp) + " at " + i + ")");
      }
      i += Character.charCount(cp);
    }
  }

  /** The URL with a non-ASCII host in punycode (java.net.URI accepts only ASCII host names). */
  private static String asciiHost(String url) {
    int start = url.indexOf("://");
    if (start < 0) {
      return url;
    }
    start += 3;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    String authority = url.substring(start, end);
    if (authority.chars().allMatch(c -> c < 0x80) || authority.indexOf('@') >= 0 || authority.startsWith("[")) {
      return url;
    }
    int colon = authority.lastIndexOf(':');
    String host = colon < 0 ? authority : authority.substring(0, colon);
    String port = colon < 0 ? "" : authority.substring(colon);
    return url.substring(0, start) + IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES) + port + url.substring(end);
  }

  /** {@code localhost}, {@code [::1]} or an IPv4 literal in 127/8; never a name that merely starts with "127.". */
  private static boolean isLoopback(String host) {
    return host.equalsIgnoreCase("localhost") || host.equals("[::1]") || LOOPBACK_IPV4.matcher(host).matches();
  }

  private static HandoffException invalid(String why) {
    return new HandoffException(ErrorCode.INVALID_REQUEST, "callback URL " + why);
  }
}
