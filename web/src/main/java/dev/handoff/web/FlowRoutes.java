package dev.handoff.web;

import dev.handoff.BrowserSession;
import dev.handoff.ClientInfo;
import dev.handoff.Handoff;
import dev.handoff.RecoveryOffer;
import dev.handoff.Redemption;
import dev.handoff.Session;
import dev.handoff.Theme;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol of the hosted flow: which route does what, with which checks, answering with which page or
 * redirect. Every state change is a POST that passed {@link RequestGuard} and (once a browser session exists) the
 * form token, and answers with a 303, so that reloading and Back never repeat it. Stateless and thread-safe.
 */
final class FlowRoutes {
  private static final Logger log = LoggerFactory.getLogger(HostedFlow.class);
  private static final HostedResponse.Header HTML = new HostedResponse.Header("Content-Type",
      "text/html; charset=utf-8");
  private static final byte[] NO_BODY = {};
  /** Longer than any token an engine accepts ({@code Handoff.Builder.maxTokenLength} is 4096 by default). */
  private static final int MAX_TOKEN_LENGTH = 16_384;

  private final Handoff handoff;
  private final String origin;
  private final String mountPath;
  private final boolean redeemOnGet;
  private final BrowserCookie cookie;
  /** Holds the recovery ticket between the email step and the code step of a recovery. */
  private final BrowserCookie recoveryCookie;
  private final RequestGuard guard;
  private final IntentSummaries intents;
  private final PageRenderer renderer;
  private final CspNonces nonces = new CspNonces();
  /** Callback URLs are checked on every session page and completion; the flow's sessions mostly share a few. */
  private final RecentLocation callbacks = new RecentLocation();

  FlowRoutes(Handoff handoff, String origin, String mountPath, boolean redeemOnGet, BrowserCookie cookie,
      BrowserCookie recoveryCookie, IntentSummaries intents, PageRenderer renderer) {
    this.handoff = handoff;
    this.origin = origin;
    this.mountPath = mountPath;
    this.redeemOnGet = redeemOnGet;
    this.cookie = cookie;
    this.recoveryCookie = recoveryCookie;
    this.guard = new RequestGuard(origin);
    this.intents = intents;
    this.renderer = renderer;
  }

  HostedResponse handle(HostedRequest request) {
    var exchange = new Exchange(request, nonces.next());
    try {
      try {
        route(exchange);
      } catch (HandoffException e) {
        problem(exchange, e);
      }
      return exchange.response();
    } catch (RuntimeException e) {
      // A bug, a failing user directory or renderer, or a header value the response refused: a plain 500 page.
      log.error("hosted flow failed on {} {}", request.method(), request.path(), e);
      exchange.reset();
      exchange.builtInPages = true; // the embedder's renderer may be what failed
      exchange.message(500, "error", null);
      return exchange.response();
    }
  }

  private void route(Exchange ex) {
    String path = ex.request.path().isEmpty() ? "/" : ex.request.path();
    String method = ex.request.method();
    boolean read = method.equals("GET") || method.equals("HEAD");
    switch (path) {
      case "/" -> {
        if (read) {
          ex.redirect(url("/session"));
        } else {
          notAllowed(ex, "GET, HEAD");
        }
      }
      case "/entry" -> {
        if (read) {
          entry(ex, method.equals("GET") && redeemOnGet);
        } else if (method.equals("POST")) {
          continueEntry(ex);
        } else {
          notAllowed(ex, "GET, HEAD, POST");
        }
      }
      case "/session" -> {
        if (read) {
          sessionPage(ex);
        } else {
          notAllowed(ex, "GET, HEAD");
        }
      }
      case "/recover" -> {
        if (read) {
          recoveryPage(ex);
        } else if (method.equals("POST")) {
          startRecovery(ex);
        } else {
          notAllowed(ex, "GET, HEAD, POST");
        }
      }
      case "/recover/verify" -> {
        if (method.equals("POST")) {
          recover(ex);
        } else {
          notAllowed(ex, "POST");
        }
      }
      case "/login", "/verify", "/complete", "/cancel", "/logout" -> {
        if (method.equals("POST")) {
          post(ex, path);
        } else {
          notAllowed(ex, "POST");
        }
      }
      default -> ex.message(404, "notFound", null);
    }
  }

  private void notAllowed(Exchange ex, String allow) {
    ex.header("Allow", allow);
    ex.message(405, "method", null);
  }

  /**
   * The link. Never consumes it (unless configured to on GET): scanners and previewers fetch links before the
   * person does. A browser that is already in this session goes straight to it, and a bad request leaves any
   * cookie alone.
   */
  private void entry(Exchange ex, boolean redeem) {
    Optional<String> token = ex.request.queryParameter("token").filter(t -> !t.isEmpty());
    Optional<String> sessionId = sessionId(ex.request.queryParameter("session"));
    Optional<String> secret = cookie.read(ex.request);
    if (token.isPresent() && token.get().length() > MAX_TOKEN_LENGTH) {
      ex.message(400, "invalid", null); // never echo an oversized value into the continue page
      return;
    }
    if (token.isEmpty()) {
      if (secret.isPresent()) {
        ex.redirect(url("/session"));
      } else {
        ex.message(400, "incomplete", null);
      }
      return;
    }
    if (inSession(secret, sessionId)) {
      ex.redirect(url("/session"));
      return;
    }
    if (redeem) {
      redeem(ex, token.get(), sessionId, secret);
      return;
    }
    ex.page(200, page(ex, HostedPage.Kind.CONTINUE, ex.texts(null), Theme.DEFAULT, "continue.title",
        "continue.message", null, null, null, null, null, sessionId.orElse(null), token.get(), null));
  }

  /** The continue step: redeems the link, sets the cookie, and 303 to the session page: the token is gone. */
  private void continueEntry(Exchange ex) {
    if (!guard.allows(ex.request)) {
      ex.message(403, "crossSite", null);
      return;
    }
    Optional<String> token = ex.request.formParameter("token").filter(t -> !t.isEmpty());
    if (token.isEmpty()) {
      ex.message(400, "incomplete", null);
      return;
    }
    redeem(ex, token.get(), sessionId(ex.request.formParameter("session")), cookie.read(ex.request));
  }

  /** The link's {@code session} parameter, which is informational (the token names its session): only if plausible. */
  private static Optional<String> sessionId(Optional<String> raw) {
    return raw.filter(id -> id.length() <= 128 && BrowserCookie.isValue(id) && id.indexOf('.') < 0);
  }

  private void redeem(Exchange ex, String token, Optional<String> sessionId, Optional<String> secret) {
    Redemption redemption;
    try {
      redemption = handoff.redeem(token, client(ex.request));
    } catch (HandoffException e) {
      // A second click on a used link, from the browser that used it: go on where it is.
      if (e.code() == ErrorCode.INVALID_TOKEN && inSession(secret, sessionId)) {
        ex.redirect(url("/session"));
        return;
      }
      // An expired or used link whose session can be continued by email: say what happened, and offer that.
      Optional<RecoveryOffer> offer = e.code() == ErrorCode.EXPIRED || e.code() == ErrorCode.INVALID_TOKEN
          ? handoff.recoveryForLink(token) : Optional.empty();
      if (offer.isPresent()) {
        offerRecovery(ex, e.httpStatus(), e.code() == ErrorCode.EXPIRED ? "problem.expired.title"
            : "problem.invalid.title", offer.get());
        return;
      }
      throw e;
    }
    ex.header("Set-Cookie", cookie.set(redemption.browserSecret()));
    ex.redirect(url("/session"));
  }

  /** Whether the browser's cookie is a live browser session of the session the link names. */
  private boolean inSession(Optional<String> secret, Optional<String> sessionId) {
    if (secret.isEmpty() || sessionId.isEmpty()) {
      return false;
    }
    try {
      return handoff.authenticate(secret.get()).session().id().equals(sessionId.get());
    } catch (HandoffException e) {
      return false;
    }
  }

  /** The page for where this browser's session is: sign-in, code, review; or how it ended. */
  private void sessionPage(Exchange ex) {
    Optional<String> secret = cookie.read(ex.request);
    if (secret.isEmpty()) {
      ex.message(401, "noSession", null);
      return;
    }
    BrowserSession browser;
    try {
      browser = handoff.authenticate(secret.get());
    } catch (HandoffException e) {
      if (e.code() == ErrorCode.INVALID_TOKEN) {
        ended(ex, secret.get(), e);
        return;
      }
      throw e;
    }
    Session session = browser.session();
    PageTexts texts = ex.texts(session.locale());
    Locations.Checked callback = callbacks.check(session.callbackUrl());
    String wayBack = callback == null ? null : callback.url();
    ex.formTarget(callback == null ? null : callback.origin());
    String formToken = handoff.formToken(secret.get());
    String notice = Notice.fromKey(ex.request.queryParameter("notice").orElse(null))
        .map(n -> texts.get(n.textKey())).orElse(null);
    var intent = intents.summarise(session.intent(), texts.locale());
    if (browser.loginRequired()) {
      boolean emailStep = !browser.loginStarted() || ex.request.queryParameter("step").filter("email"::equals)
          .isPresent();
      ex.page(200, page(ex, emailStep ? HostedPage.Kind.SIGN_IN : HostedPage.Kind.ENTER_CODE, texts,
          session.theme(), emailStep ? "signin.title" : "code.title", emailStep ? "signin.message"
              : "code.message", notice, intent, null, formToken, wayBack, null, null, null));
    } else {
      ex.page(200, page(ex, HostedPage.Kind.REVIEW, texts, session.theme(), "review.title", null, notice,
          intent, display(browser.user()), formToken, wayBack, null, null, null));
    }
  }

  /**
   * A browser session that no longer works: says how it ended (completed, signed out, timed out for idleness, out
   * of time), always with the way back, so that Back after completion shows "done" rather than a dead end.
   */
  private void ended(Exchange ex, String secret, HandoffException e) {
    Optional<Session> known = handoff.sessionOf(secret);
    if (known.isEmpty()) {
      ex.message(401, "ended", callbacks.safe(e.redirectUrl().orElse(null)));
      return;
    }
    Session session = known.get();
    String key = switch (session.status()) {
      case COMPLETED -> "done";
      case LOGGED_OUT -> session.endedByIdleness() ? "timedOut" : "signedOut";
      case EXPIRED -> "timeUp"; // it had a browser session, so its time in the page ran out, not its link
      default -> "ended";
    };
    Optional<RecoveryOffer> offer = handoff.recoveryForBrowser(secret);
    if (offer.isPresent()) {
      offerRecovery(ex, 200, key.equals("signedOut") ? "signedOut.title" : "problem." + key + ".title",
          offer.get());
      return;
    }
    ex.message(200, key, callbacks.safe(session.callbackUrl()), session);
  }

  /** A page that says what ended ({@code titleKey}) and offers to continue by email: the recovery's first step. */
  private void offerRecovery(Exchange ex, int status, String titleKey, RecoveryOffer offer) {
    Session session = offer.session();
    PageTexts texts = ex.texts(session.locale());
    ex.page(status, page(ex, HostedPage.Kind.RECOVER, texts, session.theme(), titleKey, "recover.message", null,
        intents.summarise(session.intent(), texts.locale()), null, null, callbacks.safe(session.callbackUrl()),
        null, null, offer.ticket()));
  }

  /**
   * The recovery after its first step, by the ticket in the recovery cookie: the code form once a code was sent,
   * else (or with {@code ?step=email}) the email form again; a page that says so once it cannot go on.
   */
  private void recoveryPage(Exchange ex) {
    Optional<RecoveryOffer> found = recoveryCookie.read(ex.request).flatMap(handoff::recoveryOffer);
    if (found.isEmpty()) {
      ex.header("Set-Cookie", recoveryCookie.clear());
      ex.message(409, "notRecoverable", null);
      return;
    }
    RecoveryOffer offer = found.get();
    Session session = offer.session();
    PageTexts texts = ex.texts(session.locale());
    String notice = Notice.fromKey(ex.request.queryParameter("notice").orElse(null))
        .map(n -> texts.get(n.textKey())).orElse(null);
    var intent = intents.summarise(session.intent(), texts.locale());
    String wayBack = callbacks.safe(session.callbackUrl());
    if (!offer.codeSent() || ex.request.queryParameter("step").filter("email"::equals).isPresent()) {
      ex.page(200, page(ex, HostedPage.Kind.RECOVER, texts, session.theme(), "recover.title", "recover.message",
          notice, intent, null, null, wayBack, null, null, offer.ticket()));
    } else {
      ex.page(200, page(ex, HostedPage.Kind.RECOVER_CODE, texts, session.theme(), "code.title",
          "recoverCode.message", notice, intent, null, handoff.formToken(offer.ticket()), wayBack, null, null, null));
    }
  }

  /**
   * The email step: the ticket comes from the form (it is the form's own token: unguessable, and only on pages
   * served to whoever held the link or the browser session), and moves to the recovery cookie for the code step.
   */
  private void startRecovery(Exchange ex) {
    if (!guard.allows(ex.request)) {
      ex.message(403, "crossSite", null);
      return;
    }
    Optional<String> ticket = ex.request.formParameter("ticket").filter(BrowserCookie::isValue);
    if (ticket.isEmpty()) {
      ex.message(400, "incomplete", null);
      return;
    }
    String email = ex.request.formParameter("email").orElse("").strip();
    try {
      handoff.startRecovery(ticket.get(), email);
      ex.header("Set-Cookie", recoveryCookie.set(ticket.get()));
      ex.redirect(url("/recover"));
    } catch (HandoffException e) {
      Notice notice = switch (e.code()) {
        case INVALID_REQUEST -> Notice.INVALID_EMAIL;
        case TOO_MANY_ATTEMPTS -> Notice.TOO_MANY_SENDS;
        case UNPROCESSABLE -> Notice.SIGN_IN_UNAVAILABLE;
        case INVALID_TOKEN, CONFLICT -> null;
        default -> throw e;
      };
      if (notice == null) {
        ex.message(e.httpStatus(), "notRecoverable", callbacks.safe(e.redirectUrl().orElse(null)));
        return;
      }
      ex.header("Set-Cookie", recoveryCookie.set(ticket.get()));
      ex.redirect(url("/recover?step=email&notice=" + notice.key()));
    }
  }

  /** The code step: the right code opens the replacement session in this browser and goes on to its page. */
  private void recover(Exchange ex) {
    if (!guard.allows(ex.request)) {
      ex.message(403, "crossSite", null);
      return;
    }
    Optional<String> ticket = recoveryCookie.read(ex.request);
    if (ticket.isEmpty()) {
      ex.message(401, "noSession", null);
      return;
    }
    if (!handoff.isFormToken(ticket.get(), ex.request.formParameter("csrf").orElse(null))) {
      ex.message(403, "formExpired", null);
      return;
    }
    String code = ex.request.formParameter("code").orElse("").strip();
    try {
      Redemption recovered = handoff.recover(ticket.get(), code, client(ex.request));
      ex.header("Set-Cookie", cookie.set(recovered.browserSecret()));
      ex.header("Set-Cookie", recoveryCookie.clear());
      ex.redirect(url("/session"));
    } catch (HandoffException e) {
      switch (e.code()) {
        // A forged or expired ticket is an INVALID_TOKEN too: the recovery page then says it cannot go on.
        case INVALID_TOKEN, INVALID_REQUEST -> ex.redirect(url("/recover?notice=" + Notice.WRONG_CODE.key()));
        case TOO_MANY_ATTEMPTS -> ex.redirect(url("/recover?step=email&notice=" + Notice.LOCKED.key()));
        case EXPIRED -> ex.redirect(url("/recover?step=email&notice=" + Notice.CODE_EXPIRED.key()));
        case CONFLICT -> ex.redirect(url("/recover"));
        default -> throw e;
      }
    }
  }

  /** What the HTTP layer saw of the browser, for the session's access log; the engine validates it. */
  private static ClientInfo client(HostedRequest request) {
    return new ClientInfo(request.clientAddress().orElse(null), request.userAgent().orElse(null));
  }

  private void post(Exchange ex, String path) {
    if (!guard.allows(ex.request)) {
      ex.message(403, "crossSite", null);
      return;
    }
    Optional<String> secret = cookie.read(ex.request);
    if (secret.isEmpty()) {
      ex.message(401, "noSession", null);
      return;
    }
    if (!handoff.isFormToken(secret.get(), ex.request.formParameter("csrf").orElse(null))) {
      ex.message(403, "formExpired", null);
      return;
    }
    switch (path) {
      case "/login" -> login(ex, secret.get());
      case "/verify" -> verify(ex, secret.get());
      case "/complete" -> complete(ex, secret.get());
      case "/cancel" -> cancel(ex, secret.get());
      default -> logout(ex, secret.get());
    }
  }

  private void login(Exchange ex, String secret) {
    String email = ex.request.formParameter("email").orElse("").strip();
    try {
      handoff.startLogin(secret, email);
      ex.redirect(url("/session"));
    } catch (HandoffException e) {
      switch (e.code()) {
        case INVALID_REQUEST -> ex.redirect(url("/session?step=email&notice=" + Notice.INVALID_EMAIL.key()));
        case TOO_MANY_ATTEMPTS -> ex.redirect(url("/session?step=email&notice=" + Notice.TOO_MANY_SENDS.key()));
        case UNPROCESSABLE -> ex.redirect(url("/session?step=email&notice=" + Notice.SIGN_IN_UNAVAILABLE.key()));
        case INVALID_TOKEN, CONFLICT -> ex.redirect(url("/session"));
        default -> throw e;
      }
    }
  }

  private void verify(Exchange ex, String secret) {
    String code = ex.request.formParameter("code").orElse("").strip();
    try {
      BrowserSession signedIn = handoff.verifyLogin(secret, code, client(ex.request));
      // Signing in rotated the browser secret: the one this request carried no longer works.
      signedIn.rotatedSecret().ifPresent(rotated -> ex.header("Set-Cookie", cookie.set(rotated)));
      ex.redirect(url("/session"));
    } catch (HandoffException e) {
      switch (e.code()) {
        // A dead browser session is an INVALID_TOKEN too: the session page then says how it ended.
        case INVALID_TOKEN, INVALID_REQUEST -> ex.redirect(url("/session?notice=" + Notice.WRONG_CODE.key()));
        case TOO_MANY_ATTEMPTS -> ex.redirect(url("/session?step=email&notice=" + Notice.LOCKED.key()));
        case EXPIRED -> ex.redirect(url("/session?step=email&notice=" + Notice.CODE_EXPIRED.key()));
        case CONFLICT -> ex.redirect(url("/session"));
        default -> throw e;
      }
    }
  }

  private void complete(Exchange ex, String secret) {
    end(ex, () -> handoff.completeFromBrowser(secret), true);
  }

  /** Leaves without completing: the browser session ends, and the end user goes back to the callback. */
  private void cancel(Exchange ex, String secret) {
    end(ex, () -> handoff.logout(secret), true);
  }

  private void logout(Exchange ex, String secret) {
    end(ex, () -> handoff.logout(secret), false);
  }

  /**
   * Ends the session one way or another, then goes to the callback, or to the session page, which says how it
   * ended. A session that cannot end so (not signed in yet, ended already) goes to the session page as well.
   */
  private void end(Exchange ex, Supplier<Session> ending, boolean toCallback) {
    Session ended;
    try {
      ended = ending.get();
    } catch (HandoffException e) {
      if (e.code() != ErrorCode.CONFLICT && e.code() != ErrorCode.INVALID_TOKEN) {
        throw e;
      }
      ex.redirect(url("/session"));
      return;
    }
    String callback = toCallback ? callbacks.safe(ended.callbackUrl()) : null;
    ex.redirect(callback == null ? url("/session") : callback);
  }

  /** The page for a failed step: what happened, and the way back to the callback URL when the engine knows it. */
  private void problem(Exchange ex, HandoffException e) {
    ex.reset();
    String wayBack = callbacks.safe(e.redirectUrl().orElse(null));
    String key = switch (e.code()) {
      case INVALID_TOKEN, INVALID_REQUEST -> "invalid";
      case EXPIRED -> "expired";
      case NOT_FOUND -> "userGone";
      case UNPROCESSABLE -> "emailTaken";
      case STORAGE_UNAVAILABLE -> "unavailable";
      default -> "error";
    };
    ex.message(e.httpStatus(), key, wayBack);
  }

  private static String display(User user) {
    if (user == null) {
      return null;
    }
    return user.name() == null || user.name().isBlank() ? user.email() : user.name() + " (" + user.email() + ")";
  }

  /** The public URL of a route of the flow. */
  private String url(String route) {
    return origin + mountPath + route;
  }

  private HostedPage page(Exchange ex, HostedPage.Kind kind, PageTexts texts, Theme theme, String titleKey,
      String messageKey, String notice, HostedPage.IntentSummary intent, String user, String formToken,
      String wayBack, String sessionId, String token, String recoveryTicket) {
    return new HostedPage(kind, texts, theme, ex.nonce, mountPath, texts.get(titleKey),
        messageKey == null ? null : texts.get(messageKey), notice, intent, user, formToken, wayBack, sessionId,
        token, recoveryTicket);
  }

  /** One request on its way to its response. */
  private final class Exchange {
    final HostedRequest request;
    final String nonce;
    private final List<String[]> headers = new ArrayList<>();
    private int status = 200;
    private String location;
    private byte[] body;
    private String formTarget;
    boolean builtInPages;

    Exchange(HostedRequest request, String nonce) {
      this.request = request;
      this.nonce = nonce;
    }

    PageTexts texts(Locale sessionLocale) {
      return PageLocale.choose(sessionLocale, request);
    }

    void header(String name, String value) {
      headers.add(new String[] {name, value});
    }

    void formTarget(String callbackOrigin) {
      this.formTarget = callbackOrigin;
    }

    void redirect(String url) {
      status = 303;
      location = url;
    }

    void page(int status, HostedPage page) {
      this.status = status;
      this.body = (builtInPages ? PageRenderer.defaults() : renderer).renderUtf8(page);
    }

    /** A page without forms: a problem ({@code problem.<key>.*} texts), or how a session ended. */
    void message(int status, String key, String wayBack) {
      message(status, key, wayBack, null);
    }

    /** The same, in the language and theme of {@code session} when it is known. */
    void message(int status, String key, String wayBack, Session session) {
      PageTexts texts = texts(session == null ? null : session.locale());
      Theme theme = session == null ? Theme.DEFAULT : session.theme();
      HostedPage.Kind kind = switch (key) {
        case "done" -> HostedPage.Kind.DONE;
        case "signedOut" -> HostedPage.Kind.SIGNED_OUT;
        default -> HostedPage.Kind.PROBLEM;
      };
      String prefix = kind == HostedPage.Kind.PROBLEM ? "problem." + key : key;
      String message = kind == HostedPage.Kind.DONE && wayBack == null ? "done.messageNoWayBack"
          : prefix + ".message";
      page(status, new HostedPage(kind, texts, theme, nonce, mountPath, texts.get(prefix + ".title"),
          texts.get(message), null, null, null, null, wayBack, null, null, null));
    }

    /** Forgets what was decided before a failure, keeping nothing half-done (no cookie from a failed step). */
    void reset() {
      headers.clear();
      location = null;
      body = null;
      formTarget = null;
    }

    HostedResponse response() {
      var response = HostedResponse.status(status);
      SecurityHeaders.apply(response, nonce, formTarget);
      for (String[] h : headers) {
        response.header(h[0], h[1]);
      }
      if (location != null) {
        response.header("Location", location);
      }
      if (body != null) {
        response.ownedBody(request.method().equals("HEAD") ? NO_BODY : body, HTML);
      }
      return response.build();
    }
  }
}
