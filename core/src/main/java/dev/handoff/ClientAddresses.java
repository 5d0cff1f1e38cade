package dev.handoff;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Client addresses as the access log keeps them. Only IP literals are read, and {@link InetAddress} is handed
 * nothing that it could take for a host name, so no lookup ever leaves the machine: a dotted quad must match
 * {@link #IPV4} exactly (no octal or short forms), and anything else must contain a colon and is parsed between
 * brackets, where {@link InetAddress} accepts an IPv6 literal or fails. Stateless.
 */
final class ClientAddresses {
  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  /** The longest literal accepted: a full IPv6 address with an embedded IPv4 one, a zone and a prefix fit. */
  private static final int MAX_LENGTH = 100;

  private ClientAddresses() {}

  /**
   * An IP address and how many of its leading bits are known: all of them for a plain address, fewer for a
   * network written with a prefix length ({@code 192.0.2.0/24}, as an upstream that truncates may pass on).
   */
  record Parsed(InetAddress address, int prefix) {}

  /**
   * The address in {@code text}, or {@code null} unless it is an IPv4 or IPv6 literal, optionally in brackets,
   * with a zone ({@code %eth0}, dropped: it names an interface of this machine) or a prefix length.
   */
  static Parsed parse(String text) {
    if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
      return null;
    }
    String s = text.strip();
    int prefix = -1;
    int slash = s.indexOf('/');
    if (slash >= 0) {
      String length = s.substring(slash + 1);
      if (!length.matches("[0-9]{1,3}")) {
        return null;
      }
      prefix = Integer.parseInt(length);
      s = s.substring(0, slash);
    }
    if (s.length() > 2 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']') {
      s = s.substring(1, s.length() - 1);
    }
    int zone = s.indexOf('%');
    if (zone >= 0) {
      s = s.substring(0, zone);
    }
    InetAddress address;
    try {
      if (IPV4.matcher(s).matches()) {
        address = InetAddress.getByName(s);
      } else if (IPV6.matcher(s).matches()) {
        address = InetAddress.getByName("[" + s + "]");
      } else {
        return null;
      }
    } catch (UnknownHostException e) {
      return null;
    }
    int bits = address.getAddress().length * 8;
    // An IPv4-mapped IPv6 network (::ffff:192.0.2.0/120) becomes an IPv4 one.
    if (prefix >= 0 && address instanceof Inet4Address && s.indexOf(':') >= 0) {
      prefix -= 96;
    }
    if (prefix > bits || (slash >= 0 && prefix < 0)) {
      return null;
    }
    return new Parsed(address, prefix < 0 ? bits : prefix);
  }

  /**
   * The network an address belongs to: {@code a.b.c.0/24} for IPv4, {@code x:y:z::/48} for IPv6 (RFC 5952 text),
   * or {@code null} for anything that is not an IP literal, or a network wider than that (whose /24 or /48 would
   * claim more than is known). Applied to its own result, it gives that result again.
   */
  static String truncated(String text) {
    Parsed parsed = parse(text);
    if (parsed == null) {
      return null;
    }
    byte[] b = parsed.address().getAddress();
    if (b.length == 4) {
      return parsed.prefix() < 24 ? null : (b[0] & 255) + "." + (b[1] & 255) + "." + (b[2] & 255) + ".0/24";
    }
    if (parsed.prefix() < 48) {
      return null;
    }
    int[] groups = {(b[0] & 255) << 8 | (b[1] & 255), (b[2] & 255) << 8 | (b[3] & 255),
        (b[4] & 255) << 8 | (b[5] & 255)};
    int kept = 3;
    while (kept > 0 && groups[kept - 1] == 0) {
      kept--;
    }
    // The five zero groups after the /48 are the longest run of zeros, so "::" stands for them (RFC 5952 4.2.3),
    // together with any zero groups just before them.
    var text48 = new StringBuilder();
    for (int i = 0; i < kept; i++) {
      text48.append(i == 0 ? "" : ":").append(Integer.toHexString(groups[i]));
    }
    return text48.append("::/48").toString();
  }

  /**
   * One spelling per address, for the keyed digest: {@code 2001:DB8::1}, {@code [2001:db8:0::1]} and
   * {@code 2001:db8:0:0:0:0:0:1} are the same address, and {@code ::ffff:192.0.2.1} is {@code 192.0.2.1}.
   * {@code null} for anything that is not the literal of one address (a network is not).
   */
  static String canonical(String text) {
    Parsed parsed = parse(text);
    return parsed == null || text.indexOf('/') >= 0 ? null : parsed.address().getHostAddress();
  }
}
