package dev.handoff.web;

import java.util.Locale;

/** Which hosts are this machine: where browsers treat plain http as trustworthy and drop Secure cookies. */
final class Loopback {
  private Loopback() {}

  /** {@code localhost}, an IPv4 literal in 127.0.0.0/8, or the IPv6 literal {@code [::1]}. */
  static boolean isLoopbackHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}") || h.equals("[::1]");
  }
}
