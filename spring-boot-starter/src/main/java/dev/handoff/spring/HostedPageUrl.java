package dev.handoff.spring;

import org.springframework.core.env.Environment;

/** The hosted page's entry URL, which session URLs point to: the public URL, the hosted-flow path, the entry. */
final class HostedPageUrl {
  /** The entry of the hosted flow, below {@code handoff.web.path}. */
  static final String ENTRY = "/entry";

  private HostedPageUrl() {}

  static String of(HandoffProperties properties, Environment environment) {
    String publicUrl = properties.getWeb().getPublicUrl();
    if (publicUrl == null || publicUrl.isBlank()) {
      if (!properties.inDevelopment(environment)) {
        throw new HandoffConfigurationException("handoff.web.public-url is not set: session URLs need the origin "
            + "end users reach the hosted pages at (it defaults to localhost only in "
            + properties.getDevelopmentProfiles() + ", handoff.development-profiles).",
            "Set handoff.web.public-url, e.g. https://connect.example.com.");
      }
      publicUrl = "http://localhost:" + environment.getProperty("server.port", "8080");
    }
    return strip(publicUrl.trim()) + path(properties.getWeb().getPath()) + ENTRY;
  }

  /** The hosted-flow path: leading slash, no trailing one. */
  static String path(String path) {
    String p = path == null ? "" : path.trim();
    p = p.startsWith("/") ? p : "/" + p;
    return strip(p);
  }

  private static String strip(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
