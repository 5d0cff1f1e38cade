package dev.handoff;

/**
 * The browser behind one step of the hosted flow (a redemption, a sign-in, a recovery), as the HTTP layer saw it:
 * the remote address and the {@code User-Agent} header, both exactly as received and both untrusted. The engine
 * never stores them as given: it keeps the address as its {@link AddressPolicy} says (by default truncated to its
 * network) and the user agent cut to printable ASCII, in the session's access log ({@link Session#accessLog()}).
 *
 * <p>Handoff reads no forwarding header ({@code X-Forwarded-For}, {@code Forwarded}): pass the remote address your
 * server determined, which behind a reverse proxy is what its own forwarding configuration made it (see
 * {@code docs/privacy.md}). Immutable and thread-safe; {@code toString()} leaves the address out.
 *
 * @param address the client's IP address as text ({@code 192.0.2.1}, {@code 2001:db8::1}), or {@code null} when
 *     unknown; anything but an IP literal is recorded as unknown, and no name is ever looked up
 * @param userAgent the {@code User-Agent} header as sent, or {@code null}
 */
public record ClientInfo(String address, String userAgent) {
  /** Nothing known about the client: the steps are still recorded, with their time. */
  public static final ClientInfo UNKNOWN = new ClientInfo(null, null);

  @Override
  public String toString() {
    return "ClientInfo[address=" + (address == null ? "null" : "<redacted>") + ", userAgent="
        + (userAgent == null ? "null" : userAgent.length() + " characters") + "]";
  }
}
