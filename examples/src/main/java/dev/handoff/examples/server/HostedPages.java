package dev.handoff.examples.server;

import dev.handoff.BrowserSession;
import dev.handoff.Handoff;
import dev.handoff.Redemption;
import dev.handoff.Session;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.io.IOException;
import java.time.Duration;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hosted pages behind every API's URL. {@code GET /checkout/entry?session=…&token=…} redeems the token, sets
 * the browser-session cookie and redirects to {@code /checkout/session}, which shows the intent and the user and
 * a button that completes the session and redirects to the callback URL. An unauthenticated session first signs
 * in: email ({@code POST /checkout/login}), then code ({@code POST /checkout/verify}).
 *
 * <p>CSRF: the cookie is {@code SameSite=Lax}, so other sites' POSTs arrive without it; in addition every form
 * carries a token derived from the browser session (an HMAC of its secret under a per-process key) that a POST must
 * echo, and a POST whose {@code Origin} header names another origin is refused.
 */
final class HostedPages extends Endpoint {
  private static final long serialVersionUID = 1L;
  static final String COOKIE = "handoff_browser";

  private final transient Handoff handoff;
  private final String origin;
  private final boolean secureCookie;
  private final transient SecretKeySpec formKey;

  /**
   * @param handoff any engine on the shared store and key ring: redemption and the browser session do not
   *     depend on the API that created the session
   * @param publicUrl the server's public base URL, e.g. {@code http://localhost:8080}
   */
  HostedPages(Handoff handoff, URI publicUrl, Duration requestTimeout) {
    super(requestTimeout);
    this.handoff = handoff;
    this.origin = publicUrl.getScheme() + "://" + publicUrl.getRawAuthority();
    String host = publicUrl.getHost();
    // A browser keeps Secure cookies only over https; on localhost the dev server speaks plain http.
    this.secureCookie = !(host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    this.formKey = new SecretKeySpec(key, "HmacSHA256");
  }

  @Override
  protected void serve(Exchange ex) throws IOException {
    List<String> path = ex.segments();
    String page = path.size() == 2 ? path.get(1) : "";
    String route = ex.method() + " " + page;
    switch (route) {
      case "GET entry" -> entry(ex);
      case "GET session" -> show(ex, "code".equals(ex.query().get("step")), null, 200);
      case "POST login" -> login(ex);
      case "POST verify" -> verify(ex);
      case "POST complete" -> complete(ex);
      case "POST logout" -> logout(ex);
      default -> ex.sendHtml(404, HostedPageViews.problem("Not found", "There is no such page.", null));
    }
  }

  /** Redeems the URL token; the token is then gone from the address bar, the history and any referrer. */
  private void entry(Exchange ex) throws IOException {
    String token = ex.query().get("token");
    if (token == null || token.isEmpty()) {
      ex.sendHtml(400, HostedPageViews.problem("This link is incomplete",
          "Open the link exactly as you received it.", null));
      return;
    }
    try {
      // The token names its session; the session parameter is informational and not trusted.
      Redemption redemption = handoff.redeem(token);
      ex.addCookie(cookie(redemption.browserSecret()));
      ex.redirect("/checkout/session");
    } catch (HandoffException e) {
      sendProblem(ex, e);
    }
  }

  /** The session page for the browser's session: the intent and user, or the sign-in step it is at. */
  private void show(Exchange ex, boolean codeStep, String notice, int status) throws IOException {
    Optional<BrowserSession> browser = browserSession(ex);
    if (browser.isEmpty()) {
      return;
    }
    String formToken = formToken(ex.cookie(COOKIE).orElseThrow());
    BrowserSession session = browser.get();
    if (!session.loginRequired()) {
      ex.sendHtml(200, HostedPageViews.session(session, formToken));
    } else if (codeStep) {
      ex.sendHtml(status, HostedPageViews.codeForm(session, formToken, notice));
    } else {
      ex.sendHtml(status, HostedPageViews.emailForm(session, formToken, notice));
    }
  }

  private void login(Exchange ex) throws IOException {
    Optional<PostedForm> posted = checkedPost(ex);
    if (posted.isEmpty()) {
      return;
    }
    String secret = posted.get().browserSecret();
    try {
      handoff.startLogin(secret, posted.get().fields().getOrDefault("email", ""));
      ex.redirect("/checkout/session?step=code");
    } catch (HandoffException e) {
      switch (e.code()) {
        case INVALID_TOKEN -> sendProblem(ex, e);
        case CONFLICT -> ex.redirect("/checkout/session"); // signed in already
        default -> show(ex, false, e.getMessage(), e.httpStatus());
      }
    }
  }

  private void verify(Exchange ex) throws IOException {
    Optional<PostedForm> posted = checkedPost(ex);
    if (posted.isEmpty()) {
      return;
    }
    String secret = posted.get().browserSecret();
    try {
      handoff.verifyLogin(secret, posted.get().fields().getOrDefault("code", "").strip());
      ex.redirect("/checkout/session");
    } catch (HandoffException e) {
      if (e.code() == ErrorCode.CONFLICT) {
        ex.redirect("/checkout/session"); // signed in already, or no code was asked for
      } else {
        // checkedPost proved the browser session live, so an INVALID_TOKEN here is a wrong code.
        show(ex, true, e.code() == ErrorCode.INVALID_TOKEN ? "That code is not right. Try again."
            : e.getMessage(), e.httpStatus());
      }
    }
  }

  private void complete(Exchange ex) throws IOException {
    Optional<PostedForm> posted = checkedPost(ex);
    if (posted.isEmpty()) {
      return;
    }
    String secret = posted.get().browserSecret();
    try {
      Session session = handoff.completeFromBrowser(secret);
      ex.addCookie(expiredCookie());
      if (session.callbackUrl() != null) {
        ex.redirect(session.callbackUrl());
      } else {
        ex.sendHtml(200, HostedPageViews.done("All done", "You can close this window now.", null));
      }
    } catch (HandoffException e) {
      if (e.code() == ErrorCode.CONFLICT) {
        ex.redirect("/checkout/session"); // not signed in yet
      } else {
        sendProblem(ex, e);
      }
    }
  }

  private void logout(Exchange ex) throws IOException {
    Optional<PostedForm> posted = checkedPost(ex);
    if (posted.isEmpty()) {
      return;
    }
    String secret = posted.get().browserSecret();
    try {
      Session session = handoff.logout(secret);
      ex.addCookie(expiredCookie());
      ex.sendHtml(200, HostedPageViews.done("Signed out", "You have signed out of this session.",
          session.callbackUrl()));
    } catch (HandoffException e) {
      sendProblem(ex, e);
    }
  }

  /**
   * The browser secret of a POST that passed the CSRF checks and belongs to a live browser session; otherwise the
   * refusal was sent and the result is empty.
   */
  private Optional<PostedForm> checkedPost(Exchange ex) throws IOException {
    Map<String, String> form;
    try {
      form = ex.form();
    } catch (RequestRejected e) {
      ex.sendHtml(e.reason() == RequestRejected.Reason.BODY_TOO_LARGE ? 413 : 400,
          HostedPageViews.problem("Bad request", "The form could not be read.", null));
      return Optional.empty();
    }
    Optional<String> requestOrigin = ex.header("Origin");
    if (requestOrigin.isPresent() && !requestOrigin.get().equals(origin)) {
      ex.sendHtml(403, HostedPageViews.problem("Forbidden", "This form was sent from another site.", null));
      return Optional.empty();
    }
    Optional<String> secret = ex.cookie(COOKIE);
    String sent = form.getOrDefault("csrf", "");
    if (secret.isEmpty() || !MessageDigest.isEqual(formToken(secret.get()).getBytes(StandardCharsets.US_ASCII),
        sent.getBytes(StandardCharsets.UTF_8))) {
      ex.sendHtml(403, HostedPageViews.problem("Forbidden",
          "This form has expired. Go back to the page and try again.", null));
      return Optional.empty();
    }
    if (browserSession(ex).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PostedForm(secret.get(), form));
  }

  /** A POST that passed the checks: the browser secret of its cookie and its form fields. */
  private record PostedForm(String browserSecret, Map<String, String> fields) {}

  /** The live browser session of the request's cookie; otherwise a page that says so was sent. */
  private Optional<BrowserSession> browserSession(Exchange ex) throws IOException {
    Optional<String> secret = ex.cookie(COOKIE);
    if (secret.isEmpty()) {
      ex.sendHtml(401, HostedPageViews.problem("No active session",
          "Open the link you were given to start again.", null));
      return Optional.empty();
    }
    try {
      return Optional.of(handoff.authenticate(secret.get()));
    } catch (HandoffException e) {
      sendProblem(ex, e);
      return Optional.empty();
    }
  }

  /** The page for a failed step: what happened, and the way back to the callback URL when the engine knows it. */
  private void sendProblem(Exchange ex, HandoffException e) throws IOException {
    String wayBack = e.redirectUrl().orElse(null);
    String title;
    String message;
    switch (e.code()) {
      case EXPIRED -> {
        title = "This link has expired";
        message = "Links into this page work for a limited time. Go back and start again.";
      }
      case INVALID_TOKEN -> {
        title = "This link is no longer valid";
        message = "It may have been used already, replaced by a newer one, or the session has ended.";
        ex.addCookie(expiredCookie());
      }
      case NOT_FOUND -> {
        title = "Not found";
        message = "The account this session belongs to no longer exists.";
      }
      case TOO_MANY_ATTEMPTS -> {
        title = "Too many attempts";
        message = e.getMessage();
      }
      case STORAGE_UNAVAILABLE -> {
        title = "Temporarily unavailable";
        message = "Please try again in a moment.";
      }
      default -> {
        title = "This did not work";
        message = e.getMessage();
      }
    }
    ex.sendHtml(e.httpStatus(), HostedPageViews.problem(title, message, wayBack));
  }

  private String cookie(String secret) {
    return COOKIE + "=" + secret + "; Path=/checkout; HttpOnly; SameSite=Lax" + (secureCookie ? "; Secure" : "");
  }

  private String expiredCookie() {
    return COOKIE + "=; Path=/checkout; Max-Age=0; HttpOnly; SameSite=Lax" + (secureCookie ? "; Secure" : "");
  }

  /** The CSRF token of a browser session: only a page served to that browser can know it. */
  private String formToken(String browserSecret) {
    try {
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(formKey);
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal(browserSecret.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }

  @Override
  protected void sendProblem(Exchange ex, int status, String message) throws IOException {
    ex.sendHtml(status, HostedPageViews.problem("Something went wrong", "Please try again later.", null));
  }
}
