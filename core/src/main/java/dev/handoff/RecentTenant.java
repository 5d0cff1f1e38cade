package dev.handoff;

/**
 * The tenant of the browser secret parsed last, with its spelling there (base64url of its UTF-8). The page loads of
 * one deployment carry few tenants, so most parses find theirs here and skip decoding and checking it again (three
 * arrays and a string per page load), and the tenant string is shared, its hash computed once for the store's
 * lookup. Only a tenant that passed every check is remembered, so a spelling found here is one that
 * {@link BrowserSecret#parse} accepts. Tenants are not secret: they are spelled out in the cookie. Thread-safe: an
 * immutable pair, replaced whole.
 */
final class RecentTenant {
  private record Spelling(String encoded, String tenant) {}

  private volatile Spelling last;

  /** The tenant spelled by {@code value[from, to)} if it is the one remembered, else {@code null}. */
  String find(String value, int from, int to) {
    Spelling known = last;
    int length = to - from;
    return known != null && known.encoded.length() == length && value.regionMatches(from, known.encoded, 0, length)
        ? known.tenant : null;
  }

  /** Remembers {@code tenant}, which passed every check, as spelled by {@code value[from, to)}. */
  void remember(String value, int from, int to, String tenant) {
    last = new Spelling(value.substring(from, to), tenant);
  }
}
