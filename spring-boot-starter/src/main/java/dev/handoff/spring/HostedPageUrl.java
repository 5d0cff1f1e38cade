package dev.handoff.spring;

import java.util.regex.Pattern;
import org.springframework.core.env.Environment;

/**
 * Where the hosted flow is, as browsers see it: the public URL (an origin), the mount path (the servlet context
 * path, then {@code handoff.web.path}), and the entry below it, which session URLs point to.
 */
final class HostedPageUrl {
  /** The entry of the hosted flow, below its mount path. */
  static final String ENTRY = "/entry";
  /** The paths the hosted flow can be mounted at (as {@code HostedFlow.Builder.mountPath} accepts them). */
  private static final Pattern SEGMENTS = Pattern.compile("(/[A-Za-z0-9._~-]+)*");

  private HostedPageUrl() {}

  /** The engine's hosted-page URL: {@code <public-url><context-path><path>/entry}. */
  static String of(HandoffProperties properties, Environment environment) {
    return publicUrl(properties, environment) + mountPath(properties, environment) + ENTRY;
  }

  /** {@code handoff.web.public-url} without a trailing slash; in development, localhost by default. */
  static String publicUrl(HandoffProperties properties, Environment environment) {
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
    return strip(publicUrl.trim());
  }

  /** The public path of the flow: the servlet context path, then {@code handoff.web.path}. */
  static String mountPath(HandoffProperties properties, Environment environment) {
    String path = path(properties.getWeb().getPath());
    if (!SEGMENTS.matcher(path).matches()) {
      throw new HandoffConfigurationException("handoff.web.path is invalid: '" + path + "' is not a path of URL-safe "
          + "segments.", "Fix handoff.web.path: segments of letters, digits, '-', '_', '.' or '~', e.g. /handoff.");
    }
    return contextPath(environment) + path;
  }

  /** {@code server.servlet.context-path} with a leading slash and no trailing one; empty for the root. */
  static String contextPath(Environment environment) {
    String contextPath = environment.getProperty("server.servlet.context-path", "");
    return contextPath.isBlank() || contextPath.equals("/") ? "" : path(contextPath);
  }

  /** A path with a leading slash and no trailing one. */
  static String path(String path) {
    String p = path == null ? "" : path.trim();
    return strip(p.startsWith("/") ? p : "/" + p);
  }

  private static String strip(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
