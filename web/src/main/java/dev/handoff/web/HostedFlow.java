package dev.handoff.web;

import dev.handoff.Handoff;
import dev.handoff.IntentRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * The hosted flow of Handoff over any HTTP server: the pages behind the URL that {@link Handoff#create} mints,
 * from entry to the callback. A server adapter turns each request below the mount path into a
 * {@link HostedRequest}, calls {@link #handle} and writes the {@link HostedResponse}; everything else (which page,
 * cookies, CSRF, security headers, redirects, error pages) is decided here, the same for every server.
 *
 * <pre>{@code
 * HostedFlow flow = HostedFlow.builder(handoff)
 *     .publicUrl("https://connect.example.com")
 *     .mountPath("/checkout")
 *     .build();
 * // the engine's hostedPageUrl is flow.entryUrl(): https://connect.example.com/checkout/entry
 * HostedResponse response = flow.handle(request);
 * }</pre>
 *
 * <p>Routes, relative to the mount path: {@code GET|HEAD /entry} (the link; never consumes it),
 * {@code POST /entry} (continues: redeems the link, sets the browser-session cookie, 303 to {@code /session}),
 * {@code GET /session} (the page for where the end user is: sign-in, code, review, done),
 * {@code POST /login}, {@code POST /verify}, {@code POST /complete}, {@code POST /cancel}, {@code POST /logout};
 * and recovery ("continue by email", where the intent type allows it, for an expired or used link or an ended
 * browser session): {@code POST /recover} (the email; sets the recovery cookie), {@code GET|HEAD /recover} (the
 * code form), {@code POST /recover/verify} (the code: opens the replacement session, 303 to {@code /session}).
 *
 * <p>The flow keeps no state of its own: engines that share a store and a key ring can serve the same flow from
 * many nodes. Thread-safe; build one per mount point and share it.
 */
public final class HostedFlow {
  private final String origin;
  private final String mountPath;
  private final boolean redeemOnGet;
  private final BrowserCookie cookie;
  private final FlowRoutes routes;

  private HostedFlow(Builder b) {
    this.origin = b.publicUrl.toASCIIString();
    this.mountPath = b.mountPath == null ? "" : b.mountPath;
    this.redeemOnGet = b.redeemOnGet != null && b.redeemOnGet;
    boolean secure = !b.publicUrl.getScheme().equals("http");
    String cookieName = b.cookieName == null ? "handoff" : b.cookieName;
    this.cookie = new BrowserCookie(cookieName, secure, mountPath);
    this.routes = new FlowRoutes(b.handoff, origin, mountPath, redeemOnGet, cookie,
        new BrowserCookie(cookieName + "-recovery", secure, mountPath),
        new IntentSummaries(b.intents == null ? b.handoff.intents() : b.intents),
        b.renderer == null ? PageRenderer.defaults() : b.renderer);
  }

  /** Starts configuring the flow for an engine. */
  public static Builder builder(Handoff handoff) {
    return new Builder(Objects.requireNonNull(handoff, "handoff"));
  }

  /**
   * Answers one request of the hosted flow. Never throws for anything a client can send: bad input gets an error
   * page with the right status, and an unexpected failure a 500 page. Every response carries the security headers;
   * a {@code HEAD} gets the headers of the {@code GET} and an empty body.
   */
  public HostedResponse handle(HostedRequest request) {
    return routes.handle(Objects.requireNonNull(request, "request"));
  }

  /**
   * The public URL of the entry route, {@code <publicUrl><mountPath>/entry}: configure it as the engine's
   * {@link Handoff.Builder#hostedPageUrl}.
   */
  public String entryUrl() {
    return origin + mountPath + "/entry";
  }

  /** The public origin, e.g. {@code https://connect.example.com}, that same-origin requests carry. */
  public String origin() {
    return origin;
  }

  /** The mount path, e.g. {@code /checkout}; empty when the flow is mounted at the root. */
  public String mountPath() {
    return mountPath;
  }

  /** The name of the browser-session cookie, e.g. {@code __Host-handoff}. */
  public String cookieName() {
    return cookie.name();
  }

  @Override
  public String toString() {
    return "HostedFlow[" + entryUrl() + ", redeemOnGet=" + redeemOnGet + "]";
  }

  /**
   * Configures a {@link HostedFlow}. Every property may be set once: a second call fails at once with
   * {@link IllegalStateException}, as {@link #build()} does when {@link #publicUrl} is missing. Not thread-safe.
   */
  public static final class Builder {
    private final Handoff handoff;
    private URI publicUrl;
    private String mountPath;
    private Boolean redeemOnGet;
    private String cookieName;
    private IntentRegistry intents;
    private PageRenderer renderer;

    private Builder(Handoff handoff) {
      this.handoff = handoff;
    }

    /**
     * The origin browsers reach the pages at, as they see it (behind a proxy: the public one), e.g.
     * {@code https://connect.example.com} or {@code http://localhost:8080}: scheme, host and optional port, no
     * path. Required. It is what a same-origin {@code Origin} header must equal, and it decides the cookie: a
     * {@code Secure}, {@code __Host-} cookie, except over {@code http} to {@code localhost} or a loopback IP
     * literal, where browsers would drop a {@code Secure} cookie.
     *
     * @throws IllegalArgumentException unless it is {@code https}, or {@code http} to a loopback host, without
     *     path, query, fragment or user-info
     */
    public Builder publicUrl(String publicUrl) {
      Objects.requireNonNull(publicUrl, "publicUrl");
      URI uri;
      try {
        uri = new URI(publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("publicUrl is not a valid URI: " + e.getMessage(), e);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (uri.getHost() == null || uri.getRawUserInfo() != null || !uri.getRawPath().isEmpty()
          || uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new IllegalArgumentException("publicUrl must be scheme://host[:port] only, e.g. "
            + "https://connect.example.com; got " + publicUrl);
      }
      if (!scheme.equals("https") && !(scheme.equals("http") && Loopback.isLoopbackHost(uri.getHost()))) {
        throw new IllegalArgumentException("publicUrl must use https (http only for localhost or a loopback IP)");
      }
      try {
        uri = new URI(scheme, null, uri.getHost().toLowerCase(Locale.ROOT), uri.getPort(), null, null, null);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("publicUrl: " + e.getMessage(), e);
      }
      this.publicUrl = once(this.publicUrl, uri, "publicUrl");
      return this;
    }

    /**
     * The public path the flow is mounted at, e.g. {@code /checkout}; the root by default. Segments of letters,
     * digits, {@code -}, {@code _}, {@code .}, {@code ~}, without a trailing slash.
     */
    public Builder mountPath(String mountPath) {
      Objects.requireNonNull(mountPath, "mountPath");
      if (!mountPath.equals("/") && !mountPath.matches("(/[A-Za-z0-9._~-]+)+")) {
        throw new IllegalArgumentException("mountPath must look like /checkout or /a/b (no trailing slash); got "
            + mountPath);
      }
      this.mountPath = once(this.mountPath, mountPath.equals("/") ? "" : mountPath, "mountPath");
      return this;
    }

    /**
     * Whether a plain {@code GET} of the link redeems it, as before scanner-safe links ({@code false} by default).
     * Leave it off: mail scanners and link previewers fetch links before the person clicks, and would use up
     * single-use links. With it off, the link shows a page that continues with a {@code POST} at once (by script,
     * or a button without script).
     */
    public Builder redeemOnGet(boolean redeemOnGet) {
      this.redeemOnGet = once(this.redeemOnGet, redeemOnGet, "redeemOnGet");
      return this;
    }

    /**
     * The name of the browser-session cookie, {@code handoff} by default; over https it gets the {@code __Host-}
     * prefix (and {@code Path=/}). A recovery keeps its ticket in a second cookie named like it with
     * {@code -recovery} appended. Set distinct names for flows that share one host.
     */
    public Builder cookieName(String cookieName) {
      Objects.requireNonNull(cookieName, "cookieName");
      if (!cookieName.matches("[A-Za-z0-9_-]{1,32}") || cookieName.startsWith("__")) {
        throw new IllegalArgumentException("cookieName must be 1 to 32 of [A-Za-z0-9_-], not starting with __");
      }
      this.cookieName = once(this.cookieName, cookieName, "cookieName");
      return this;
    }

    /**
     * The intent types whose display names and field labels the pages show; the engine's own by default. Give a
     * registry with the types of every engine whose sessions these pages serve, when several share them. An
     * intent without a display name is shown by its spelled-out type name and plain payload values.
     */
    public Builder intents(IntentRegistry intents) {
      this.intents = once(this.intents, Objects.requireNonNull(intents, "intents"), "intents");
      return this;
    }

    /** Renders the pages; {@link PageRenderer#defaults()} by default. See {@link PageRenderer} to replace some. */
    public Builder pageRenderer(PageRenderer renderer) {
      this.renderer = once(this.renderer, Objects.requireNonNull(renderer, "renderer"), "pageRenderer");
      return this;
    }

    /**
     * @throws IllegalStateException if {@link #publicUrl} was not set
     */
    public HostedFlow build() {
      if (publicUrl == null) {
        throw new IllegalStateException("publicUrl is required, e.g. .publicUrl(\"https://connect.example.com\")");
      }
      return new HostedFlow(this);
    }

    private static <T> T once(T current, T value, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set to " + current);
      }
      return value;
    }
  }
}
