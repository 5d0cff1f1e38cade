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
  /** A tenant and how every browser secret of it starts: {@code hb1.<base64url(tenant's UTF-8)>.}. */
  record Spelling(String prefix, String tenant) {}

  private volatile Spelling last;

  /** The remembered tenant and its prefix if {@code value} starts with that prefix, else {@code null}. */
  Spelling find(String value) {
    Spelling known = last;
    return known != null && value.startsWith(known.prefix) ? known : null;
  }

  /** Remembers {@code tenant}, which passed every check, as secrets starting with {@code prefix} spell it. */
  void remember(String prefix, String tenant) {
    last = new Spelling(prefix, tenant);
  }
}
