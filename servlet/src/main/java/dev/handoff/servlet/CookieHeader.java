package dev.handoff.servlet;

/**
 * Finds one cookie's value in a {@code Cookie} request header (RFC 6265 section 4.2: {@code name=value} pairs
 * separated by {@code ;} and optional white space), without the container's parse of every cookie into
 * {@code jakarta.servlet.http.Cookie} objects: the flow needs one cookie by name, on nearly every request. The value
 * comes back as sent (a pair of enclosing double quotes removed, as RFC 6265 allows them); whether it could be a
 * browser secret is checked by the flow, which rejects anything but {@code [A-Za-z0-9._-]}. Stateless.
 */
final class CookieHeader {
  private CookieHeader() {}

  /**
   * The value of the first cookie named exactly {@code name} (case-sensitive) in {@code header}, or {@code null}.
   * A pair without {@code =} names no value and is skipped.
   */
  static String value(String header, String name) {
    int length = header.length();
    int start = 0;
    while (start < length) {
      int end = header.indexOf(';', start);
      if (end < 0) {
        end = length;
      }
      int from = skipSpace(header, start, end);
      if (header.startsWith(name, from)) {
        int eq = skipSpace(header, from + name.length(), end);
        if (eq < end && header.charAt(eq) == '=') {
          return unquote(header, skipSpace(header, eq + 1, end), trimEnd(header, eq + 1, end));
        }
      }
      start = end + 1;
    }
    return null;
  }

  private static String unquote(String header, int from, int to) {
    if (to - from >= 2 && header.charAt(from) == '"' && header.charAt(to - 1) == '"') {
      return header.substring(from + 1, to - 1);
    }
    return header.substring(from, to);
  }

  private static int skipSpace(String header, int from, int to) {
    while (from < to && isSpace(header.charAt(from))) {
      from++;
    }
    return from;
  }

  private static int trimEnd(String header, int from, int to) {
    while (to > from && isSpace(header.charAt(to - 1))) {
      to--;
    }
    return to;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }
}
