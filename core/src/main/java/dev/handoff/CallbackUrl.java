package dev.handoff;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/** The rule for callback and return URLs, which the hosted page redirects the end user's browser to. */
final class CallbackUrl {
  /** The limit of the Polar-style API's {@code return_url}, and what old browsers accept. */
  static final int MAX_LENGTH = 2083;
  private static final Pattern LOOPBACK_IPV4 =
      Pattern.compile("127(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

  private CallbackUrl() {}

  /**
   * Accepts an absolute {@code https} URL, or {@code http} to a loopback host, of at most {@value #MAX_LENGTH}
   * characters, with a host and without user-info.
   */
  static String validate(String url) {
    if (url.isEmpty() || url.length() > MAX_LENGTH) {
      throw invalid("must be 1 to " + MAX_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
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
    return url;
  }

  /** {@code localhost}, {@code [::1]} or an IPv4 literal in 127/8; never a name that merely starts with "127.". */
  private static boolean isLoopback(String host) {
    return host.equalsIgnoreCase("localhost") || host.equals("[::1]") || LOOPBACK_IPV4.matcher(host).matches();
  }

  private static HandoffException invalid(String why) {
    return new HandoffException(ErrorCode.INVALID_REQUEST, "callback URL " + why);
  }
}
