package dev.handoff;

import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.LoginChallenge;
import dev.handoff.spi.OtpSender;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import dev.handoff.spi.User;
import dev.handoff.spi.UserDetails;
import dev.handoff.spi.UserDirectory;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Handoff engine: creates hosted sessions, mints the URLs that drop an end user into the hosted page, and
 * redeems them there. Create one per application with {@link #builder()} and share it: it is thread-safe and
 * keeps no state of its own besides its configuration; sessions live in the {@link SessionStore}.
 *
 * <p>Every operation is scoped to a tenant: a session is invisible to every other tenant. Every failure is a
 * {@link HandoffException} whose {@link ErrorCode} maps to an HTTP status; a failed operation changes nothing.
 *
 * <p>Engines that share a store and a key ring serve each other's sessions: a URL minted by one (an API node)
 * is redeemed by another (a hosted-page node), and so are browser secrets and sign-ins. That is how a deployment
 * scales out, and how several engines with different id prefixes or intents can share one set of hosted pages.
 */
public final class Handoff {
  private static final Logger log = LoggerFactory.getLogger(Handoff.class);

  /** How long an idempotency key keeps answering with the session it created. */
  public static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);
  /** The shortest session lifetime accepted. */
  public static final Duration MIN_TTL = Duration.ofMinutes(1);
  /** The most sessions {@link #list} returns in one page. */
  public static final int MAX_PAGE_SIZE = 1000;

  /** How often a compare-and-set that lost a race is retried before giving up with CONFLICT. */
  private static final int CAS_ATTEMPTS = 16;

  private final SessionStore store;
  private final UserDirectory users;
  private final Clock clock;
  private final String hostedPageUrl;
  private final Duration defaultTtl;
  private final Duration maxTtl;
  private final Duration retention;
  private final Duration clockSkew;
  private final boolean singleUseByDefault;
  private final IntentRegistry intents;
  private final List<SessionListener> listeners;
  private final Duration idleTimeout;
  private final OtpSender otpSender;
  private final LoginPolicy loginPolicy;
  /**
   * One DRBG per thread: the platform default (NativePRNG) serialises every thread on one global lock, measured at
   * 175 ns per call alone and 1 µs with two threads (benchmarks/README.md).
   */
  private final ThreadLocal<SecureRandom> random = ThreadLocal.withInitial(Handoff::newDrbg);
  private final SessionIds ids;
  private final TokenCodec tokens;
  private final KeyedDigest browserDigests;
  private final KeyedDigest codeDigests;
  private final OneTimeCodes codes;

  private Handoff(Builder b) {
    this.store = b.store;
    this.users = b.users;
    this.clock = b.clock;
    this.hostedPageUrl = b.hostedPageUrl;
    this.defaultTtl = b.defaultTtl;
    this.maxTtl = b.maxTtl;
    this.retention = b.retention;
    this.clockSkew = b.clockSkew;
    this.singleUseByDefault = b.singleUse;
    this.intents = b.intents;
    this.listeners = List.copyOf(b.listeners);
    this.idleTimeout = b.idleTimeout;
    this.otpSender = b.otpSender;
    this.loginPolicy = b.loginPolicy;
    this.ids = new SessionIds(b.idPrefix, random::get);
    this.tokens = new TokenCodec(b.keys, b.clockSkew, b.maxTokenLength);
    this.browserDigests = new KeyedDigest(tokens::ring, MasterKey::tokenDigestKey, "browser-session");
    this.codeDigests = new KeyedDigest(tokens::ring, MasterKey::otpDigestKey, "one-time-code");
    this.codes = new OneTimeCodes(b.loginPolicy, random::get);
    if (b.keys.isGenerated()) {
      log.warn("No key ring configured: generated {}. URLs minted now cannot be redeemed after a restart or on "
          + "another node; configure Handoff.builder().keys(...) in production.", b.keys);
    }
  }

  private static SecureRandom newDrbg() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("DRBG is required by every Java 17 platform", e);
    }
  }

  /** Starts configuring an engine. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates a session and mints its URL.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_REQUEST} for a TTL out of bounds;
   *     {@link ErrorCode#UNPROCESSABLE} for an unknown intent, an invalid payload or a {@code userDetails} email
   *     already taken; {@link ErrorCode#NOT_FOUND} for an unknown {@code user}; {@link ErrorCode#CONFLICT} for an
   *     idempotency key used with another request, more than 24 hours ago, or for a session no longer open
   */
  public IssuedSession create(CreateSessionRequest request) {
    Objects.requireNonNull(request, "request");
    Instant now = clock.instant();
    intents.validate(request.intent);
    Duration ttl = request.ttl == null ? defaultTtl : checkTtl(request.ttl);
    boolean singleUse = request.singleUse == null ? singleUseByDefault : request.singleUse;
    String fingerprint = null;
    if (request.idempotencyKey != null) {
      fingerprint = RequestFingerprint.of(request, ttl, singleUse);
      var earlier = store.findByIdempotencyKey(request.tenant, request.idempotencyKey);
      if (earlier.isPresent()) {
        return replay(earlier.get(), fingerprint, now);
      }
    }
    checkSubject(request.tenant, request.subject);
    String nonce = tokens.newNonce();
    var session = StoredSession.builder()
        .tenant(request.tenant)
        .id(ids.next(now))
        .intent(request.intent)
        .subject(request.subject)
        .callbackUrl(request.callbackUrl)
        .metadata(request.metadata)
        .createdAt(now)
        .modifiedAt(now)
        .expiresAt(now.plus(ttl))
        .status(SessionStatus.OPEN)
        .tokenGeneration(1)
        .tokenDigest(tokens.digest(nonce))
        .singleUse(singleUse)
        .idempotency(request.idempotencyKey, fingerprint)
        .version(0)
        .build();
    try {
      store.insert(session);
    } catch (HandoffException e) {
      if (e.code() == ErrorCode.CONFLICT && request.idempotencyKey != null) {
        // A concurrent create with the same key won the insert: answer as its retry.
        var winner = store.findByIdempotencyKey(request.tenant, request.idempotencyKey).orElseThrow(() -> e);
        return replay(winner, fingerprint, now);
      }
      throw e;
    }
    log.debug("created session {} in tenant {}", session.id(), session.tenant());
    publish(SessionEvent.Type.CREATED, session, now);
    return issue(session, nonce, now);
  }

  private IssuedSession replay(StoredSession earlier, String fingerprint, Instant now) {
    if (!earlier.requestFingerprint().equals(fingerprint)) {
      throw new HandoffException(ErrorCode.CONFLICT, "idempotency key was already used with a different request");
    }
    if (!now.isBefore(earlier.createdAt().plus(IDEMPOTENCY_WINDOW))) {
      throw new HandoffException(ErrorCode.CONFLICT, "idempotency key is older than 24 hours; use a new key");
    }
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      StoredSession current = attempt == 0 ? earlier : reload(earlier);
      if (current.statusAt(now) != SessionStatus.OPEN) {
        throw new HandoffException(ErrorCode.CONFLICT,
            "the session created under this idempotency key is " + current.statusAt(now));
      }
      String nonce = tokens.newNonce();
      var remint = current.toBuilder()
          .tokenGeneration(current.tokenGeneration() + 1)
          .tokenDigest(tokens.digest(nonce))
          .modifiedAt(now)
          .version(current.version() + 1)
          .build();
      if (store.replace(remint, current.version())) {
        return issue(remint, nonce, now);
      }
    }
    throw lostRace();
  }

  /**
   * The session with this id, without URL or token.
   *
   * @throws HandoffException {@link ErrorCode#NOT_FOUND} if the tenant has no such session
   */
  public Session get(String tenant, String sessionId) {
    return Session.of(find(tenant, sessionId), clock.instant());
  }

  /**
   * One page of the tenant's sessions, oldest first.
   *
   * @param cursor {@code null} for the first page, else {@link SessionList#nextCursor()} of the previous page
   * @param limit 1 to {@value #MAX_PAGE_SIZE}
   * @throws HandoffException {@link ErrorCode#INVALID_REQUEST} for a limit out of range or a malformed cursor
   */
  public SessionList list(String tenant, String cursor, int limit) {
    RequestFields.tenant(tenant);
    if (limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "limit must be 1 to " + MAX_PAGE_SIZE);
    }
    if (cursor != null && (cursor.isEmpty() || cursor.length() > 256)) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "malformed cursor");
    }
    Instant now = clock.instant();
    var page = store.list(tenant, cursor, limit);
    return new SessionList(page.sessions().stream().map(s -> Session.of(s, now)).toList(), page.nextCursor());
  }

  /**
   * Changes a session (the PATCH of the Gigs API). Changing the user mints a new URL, returned in the result, and
   * the earlier URL stops working; it is allowed only before the session is active, as is changing the intent.
   * Any other change keeps the URL and the result carries none.
   *
   * @throws HandoffException {@link ErrorCode#NOT_FOUND}; {@link ErrorCode#EXPIRED}; {@link ErrorCode#CONFLICT} if
   *     the session is finished, or the user is changed after redemption; the same errors as
   *     {@link #create} for the new user
   */
  public IssuedSession update(String tenant, String sessionId, UpdateSessionRequest request) {
    Objects.requireNonNull(request, "request");
    if (request.intent != null) {
      intents.validate(request.intent);
    }
    if (request.changesUser()) {
      checkSubject(tenant, request.subject);
    }
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Instant now = clock.instant();
      StoredSession current = find(tenant, sessionId);
      SessionStatus status = requireLive(current, now);
      if (request.isEmpty()) {
        return new IssuedSession(Session.of(current, now), null, null);
      }
      var next = current.toBuilder().modifiedAt(now).version(current.version() + 1);
      if (request.callbackUrl != null) {
        next.callbackUrl(request.callbackUrl);
      }
      if (request.metadata != null) {
        next.metadata(request.metadata);
      }
      if (request.intent != null) {
        if (status != SessionStatus.OPEN && status != SessionStatus.LOGIN_REQUIRED) {
          throw error(ErrorCode.CONFLICT, "the intent of a session that is " + status + " cannot change", current);
        }
        next.intent(request.intent);
      }
      String nonce = null;
      if (request.changesUser()) {
        if (status != SessionStatus.OPEN && status != SessionStatus.LOGIN_REQUIRED) {
          throw new HandoffException(ErrorCode.CONFLICT, "the user of a session that is " + status
              + " cannot change");
        }
        nonce = tokens.newNonce();
        next.subject(request.subject)
            .status(SessionStatus.OPEN)
            .browser(null)
            .challenge(null)
            .tokenGeneration(current.tokenGeneration() + 1)
            .tokenDigest(tokens.digest(nonce));
      }
      StoredSession updated = next.build();
      if (store.replace(updated, current.version())) {
        publish(SessionEvent.Type.UPDATED, updated, now);
        return nonce == null ? new IssuedSession(Session.of(updated, now), null, null) : issue(updated, nonce, now);
      }
    }
    throw lostRace();
  }

  /**
   * Redeems a URL token on the hosted page: checks it, consumes it (unless the session is reusable), creates the
   * session's user if it was given as {@code userDetails}, and says who the end user is.
   *
   * @param token the {@code token} parameter of the URL, untrusted
   * @throws HandoffException {@link ErrorCode#INVALID_TOKEN} for a malformed, forged, superseded or already used
   *     token, or a finished session; {@link ErrorCode#EXPIRED} once the session's lifetime is over;
   *     {@link ErrorCode#UNPROCESSABLE} if the new user's email was taken meanwhile; {@link ErrorCode#NOT_FOUND}
   *     if the session's user no longer exists
   */
  public Redemption redeem(String token) {
    Instant now = clock.instant();
    TokenClaims claims = tokens.open(token, now);
    boolean tokenExpired = !now.isBefore(claims.expiresAt().plus(clockSkew));
    var found = store.find(claims.tenant(), claims.sessionId());
    if (found.isEmpty()) {
      // The token is authentic, so its session existed: an expired one may have been purged since.
      throw tokenExpired ? expiredError(null) : TokenCodec.invalid();
    }
    StoredSession session = found.get();
    if (session.tokenGeneration() != claims.generation() || !tokens.matches(claims.nonce(), session.tokenDigest())) {
      throw error(ErrorCode.INVALID_TOKEN, "this link was replaced by a newer one", session);
    }
    if (tokenExpired || session.statusAt(now) == SessionStatus.EXPIRED) {
      throw expired(session, now);
    }
    SessionStatus status = session.statusAt(now);
    boolean reuse = !session.singleUse()
        && (status == SessionStatus.ACTIVE || status == SessionStatus.LOGIN_REQUIRED);
    if (status != SessionStatus.OPEN && !reuse) {
      throw error(ErrorCode.INVALID_TOKEN, status == SessionStatus.ACTIVE || status == SessionStatus.LOGIN_REQUIRED
          ? "this link was already used" : "this session is " + status, session);
    }
    var secret = BrowserSecret.create(session.tenant(), session.id(), random.get());
    var browser = new BrowserBinding(browserDigests.digest(secret.value()), now, now);
    if (reuse) {
      return rebind(session, browser, secret, now);
    }
    User existing = null;
    if (session.subject() instanceof Subject.ExistingUser) {
      existing = resolveUser(session);
    } else if (session.subject() instanceof Subject.NewUser n
        && users.findByEmail(session.tenant(), n.details().email()).isPresent()) {
      // Either a concurrent redemption already created the user, or someone took the email meanwhile.
      if (reload(session).status() != SessionStatus.OPEN) {
        throw error(ErrorCode.INVALID_TOKEN, "this link was already used", session);
      }
      throw emailTaken();
    }
    SessionStatus target = session.subject().isAuthenticated() ? SessionStatus.ACTIVE : SessionStatus.LOGIN_REQUIRED;
    var consumed = store.consume(session.tenant(), session.id(), session.tokenGeneration(), target, browser, now);
    if (consumed.isEmpty()) {
      StoredSession latest = reload(session);
      if (latest.statusAt(now) == SessionStatus.EXPIRED) {
        throw expired(latest, now);
      }
      throw error(ErrorCode.INVALID_TOKEN, "this link was already used", session);
    }
    StoredSession active = consumed.get();
    if (active.subject() instanceof Subject.NewUser n) {
      return provisionUser(active, n, secret, now);
    }
    return redeemed(active, existing, secret, now);
  }

  /** A reusable link redeemed again: the new browser session replaces the earlier one. */
  private Redemption rebind(StoredSession session, BrowserBinding browser, BrowserSecret secret, Instant now) {
    StoredSession current = session;
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      var rebound = current.toBuilder().browser(browser).modifiedAt(now).version(current.version() + 1).build();
      if (store.replace(rebound, current.version())) {
        return redeemed(rebound, resolveUser(rebound), secret, now);
      }
      current = reload(current);
      requireLive(current, now);
    }
    throw lostRace();
  }

  /** Creates the session's user; the caller consumed the token, so this runs once per session. */
  private Redemption provisionUser(StoredSession active, Subject.NewUser newUser, BrowserSecret secret, Instant now) {
    User user;
    try {
      user = users.create(active.tenant(), newUser.details());
    } catch (RuntimeException e) {
      reopen(active);
      throw e;
    }
    StoredSession current = active;
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      var bound = current.toBuilder()
          .subject(new Subject.ExistingUser(user.id()))
          .modifiedAt(now)
          .version(current.version() + 1)
          .build();
      if (store.replace(bound, current.version())) {
        return redeemed(bound, user, secret, now);
      }
      current = reload(current);
    }
    throw lostRace();
  }

  /** Undoes a consume whose redemption failed afterwards, so that the end user can try the same link again. */
  private void reopen(StoredSession consumed) {
    var open = consumed.toBuilder().status(SessionStatus.OPEN).browser(null).version(consumed.version() + 1).build();
    if (!store.replace(open, consumed.version())) {
      log.warn("could not reopen session {} after a failed redemption", consumed.id());
    }
  }

  private Redemption redeemed(StoredSession session, User user, BrowserSecret secret, Instant now) {
    log.debug("redeemed session {} in tenant {}", session.id(), session.tenant());
    publish(SessionEvent.Type.REDEEMED, session, now);
    return new Redemption(Session.of(session, now), user, secret.value());
  }

  private User resolveUser(StoredSession session) {
    Subject subject = session.subject();
    if (subject instanceof Subject.ExistingUser u) {
      return users.findById(session.tenant(), u.userId()).orElseThrow(() ->
          new HandoffException(ErrorCode.NOT_FOUND, "the session's user no longer exists"));
    }
    if (subject instanceof Subject.NewUser n) {
      // A reusable session whose user another redemption is creating right now.
      return users.findByEmail(session.tenant(), n.details().email()).orElseThrow(() ->
          new HandoffException(ErrorCode.CONFLICT, "the session's user is being created; try again"));
    }
    return null;
  }

  /**
   * Completes a redeemed session: the hosted flow is done. Redirect the end user to the returned session's
   * {@link Session#callbackUrl()}.
   *
   * @throws HandoffException {@link ErrorCode#NOT_FOUND}; {@link ErrorCode#EXPIRED}; {@link ErrorCode#CONFLICT}
   *     unless the session is {@link SessionStatus#ACTIVE}
   */
  public Session complete(String tenant, String sessionId) {
    return transition(tenant, sessionId, SessionStatus.COMPLETED, SessionEvent.Type.COMPLETED);
  }

  /**
   * Revokes a session: its URL and any hosted-page use of it stop working.
   *
   * @throws HandoffException {@link ErrorCode#NOT_FOUND}; {@link ErrorCode#EXPIRED}; {@link ErrorCode#CONFLICT}
   *     if it is already finished
   */
  public Session revoke(String tenant, String sessionId) {
    return transition(tenant, sessionId, SessionStatus.REVOKED, SessionEvent.Type.REVOKED);
  }

  /**
   * Who is on the hosted page: checks the browser-session secret of a later request of the hosted flow. Call it on
   * every page load; it costs one store lookup (and, now and then, a write that slides the idle timeout).
   *
   * @throws HandoffException {@link ErrorCode#INVALID_TOKEN} for an unknown or replaced secret, or a session that is
   *     finished, expired or idle for longer than the idle timeout (with the callback URL where known)
   */
  public BrowserSession authenticate(String browserSecret) {
    Instant now = clock.instant();
    StoredSession session = bound(browserSecret, now);
    BrowserBinding browser = session.browser();
    if (Duration.between(browser.lastSeenAt(), now).compareTo(idleTimeout.dividedBy(10)) >= 0) {
      // Coarse sliding: one write per tenth of the idle timeout, not one per page load. Losing the race is fine.
      store.replace(session.toBuilder().browser(browser.seenAt(now)).version(session.version() + 1).build(),
          session.version());
    }
    LoginChallenge challenge = session.challenge();
    boolean loginStarted = challenge != null && challenge.attemptsLeft() > 0 && now.isBefore(challenge.expiresAt());
    return new BrowserSession(Session.of(session, now), session.subject() instanceof Subject.ExistingUser
        ? resolveUser(session) : null, loginStarted);
  }

  /**
   * Ends the browser session (and with it the hosted session, which becomes {@link SessionStatus#LOGGED_OUT}).
   *
   * @throws HandoffException {@link ErrorCode#INVALID_TOKEN} if the secret is not that of a live browser session
   */
  public Session logout(String browserSecret) {
    return browserTransition(browserSecret, SessionStatus.LOGGED_OUT, SessionEvent.Type.LOGGED_OUT);
  }

  /**
   * Completes the hosted flow from the hosted page; redirect the end user to the returned session's callback URL.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_TOKEN} for a secret that is not that of a live browser
   *     session; {@link ErrorCode#CONFLICT} while the end user has not signed in
   */
  public Session completeFromBrowser(String browserSecret) {
    return browserTransition(browserSecret, SessionStatus.COMPLETED, SessionEvent.Type.COMPLETED);
  }

  private Session browserTransition(String browserSecret, SessionStatus target, SessionEvent.Type event) {
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Instant now = clock.instant();
      StoredSession current = bound(browserSecret, now);
      SessionLifecycle.check(current.status(), target);
      var next = current.toBuilder().status(target).modifiedAt(now).version(current.version() + 1).build();
      if (store.replace(next, current.version())) {
        publish(event, next, now);
        return Session.of(next, now);
      }
    }
    throw lostRace();
  }

  /**
   * Starts a one-time-code sign-in for an unauthenticated session: sends a code to {@code email} through the
   * {@link OtpSender}. For an email the tenant does not know (and sign-up is off) no code is sent, but the caller
   * sees exactly the same behaviour, so that nobody can probe which emails have accounts. A new start replaces the
   * earlier code.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_TOKEN} for a bad browser secret; {@link ErrorCode#CONFLICT}
   *     if the session does not wait for a sign-in; {@link ErrorCode#INVALID_REQUEST} for a malformed email;
   *     {@link ErrorCode#TOO_MANY_ATTEMPTS} past the policy's sends per session or before its interval;
   *     {@link ErrorCode#UNPROCESSABLE} if the engine has no {@link OtpSender}
   */
  public void startLogin(String browserSecret, String email) {
    if (otpSender == null) {
      throw new HandoffException(ErrorCode.UNPROCESSABLE, "one-time-code sign-in is not configured");
    }
    try {
      UserDetails.ofEmail(Objects.requireNonNull(email, "email"));
    } catch (IllegalArgumentException e) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "email: " + e.getMessage());
    }
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Instant now = clock.instant();
      StoredSession current = bound(browserSecret, now);
      if (current.status() != SessionStatus.LOGIN_REQUIRED) {
        throw error(ErrorCode.CONFLICT, "the session does not wait for a sign-in", current);
      }
      LoginChallenge earlier = current.challenge();
      if (earlier != null && (earlier.sends() >= loginPolicy.maxSends()
          || now.isBefore(earlier.lastSentAt().plus(loginPolicy.minSendInterval())))) {
        throw new HandoffException(ErrorCode.TOO_MANY_ATTEMPTS, "too many codes sent; wait or start over");
      }
      String code = codes.next();
      var challenge = new LoginChallenge(email, codeDigests.digest(code), now.plus(loginPolicy.codeTtl()),
          loginPolicy.maxAttempts(), earlier == null ? 1 : earlier.sends() + 1, now);
      var next = current.toBuilder().challenge(challenge).modifiedAt(now).version(current.version() + 1).build();
      if (store.replace(next, current.version())) {
        boolean mayEnter = users.findByEmail(current.tenant(), email).isPresent() || loginPolicy.signUp();
        if (mayEnter) {
          otpSender.send(current.tenant(), current.id(), email, code);
        }
        return;
      }
    }
    throw lostRace();
  }

  /**
   * Checks a one-time code. A wrong code uses up one attempt, atomically even under concurrent guesses; the right
   * one signs the end user in: the user is found by email (or created, if the policy allows sign-up), bound to the
   * session, and the session becomes {@link SessionStatus#ACTIVE}.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_TOKEN} for a wrong code or a bad browser secret;
   *     {@link ErrorCode#TOO_MANY_ATTEMPTS} once no attempt is left; {@link ErrorCode#EXPIRED} for an expired code;
   *     {@link ErrorCode#CONFLICT} if no sign-in was started or the session does not wait for one
   */
  public BrowserSession verifyLogin(String browserSecret, String code) {
    if (code == null || code.isEmpty() || code.length() > 64) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "a code is required");
    }
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Instant now = clock.instant();
      StoredSession current = bound(browserSecret, now);
      LoginChallenge challenge = current.challenge();
      if (current.status() != SessionStatus.LOGIN_REQUIRED || challenge == null) {
        throw error(ErrorCode.CONFLICT, "no sign-in is in progress for this session", current);
      }
      if (challenge.attemptsLeft() == 0) {
        throw tooManyAttempts();
      }
      if (!now.isBefore(challenge.expiresAt())) {
        throw new HandoffException(ErrorCode.EXPIRED, "the code has expired; request a new one");
      }
      User user = codeDigests.matches(code, challenge.codeDigest()) ? signInUser(current.tenant(), challenge) : null;
      if (user == null) {
        LoginChallenge spent = challenge.withOneAttemptLess();
        var next = current.toBuilder().challenge(spent).modifiedAt(now).version(current.version() + 1).build();
        if (store.replace(next, current.version())) {
          throw spent.attemptsLeft() == 0 ? tooManyAttempts()
              : new HandoffException(ErrorCode.INVALID_TOKEN, "wrong code");
        }
        continue;
      }
      SessionLifecycle.check(current.status(), SessionStatus.ACTIVE);
      var next = current.toBuilder().subject(new Subject.ExistingUser(user.id())).status(SessionStatus.ACTIVE)
          .challenge(null).modifiedAt(now).version(current.version() + 1).build();
      if (store.replace(next, current.version())) {
        publish(SessionEvent.Type.SIGNED_IN, next, now);
        return new BrowserSession(Session.of(next, now), user, false);
      }
    }
    throw lostRace();
  }

  /** The user a verified email signs in as, or {@code null} if the tenant does not know it and sign-up is off. */
  private User signInUser(String tenant, LoginChallenge challenge) {
    var known = users.findByEmail(tenant, challenge.email());
    if (known.isPresent() || !loginPolicy.signUp()) {
      return known.orElse(null);
    }
    try {
      return users.create(tenant, UserDetails.ofEmail(challenge.email()));
    } catch (HandoffException e) {
      // A concurrent verification of the same code created it first.
      return users.findByEmail(tenant, challenge.email()).orElseThrow(() -> e);
    }
  }

  private static HandoffException tooManyAttempts() {
    return new HandoffException(ErrorCode.TOO_MANY_ATTEMPTS, "too many wrong codes; request a new one");
  }

  /**
   * The live session a browser-session secret belongs to. Every failure is the same INVALID_TOKEN, so that a
   * secret cannot be probed; an idle browser session is logged out on the way.
   */
  private StoredSession bound(String browserSecret, Instant now) {
    var secret = BrowserSecret.parse(browserSecret);
    if (secret == null) {
      throw new HandoffException(ErrorCode.INVALID_TOKEN, "invalid browser session");
    }
    var found = store.find(secret.tenant(), secret.sessionId());
    if (found.isEmpty() || found.get().browser() == null
        || !browserDigests.matches(secret.value(), found.get().browser().secretDigest())) {
      throw new HandoffException(ErrorCode.INVALID_TOKEN, "invalid browser session");
    }
    StoredSession session = found.get();
    SessionStatus status = session.statusAt(now);
    if (status == SessionStatus.EXPIRED) {
      expired(session, now); // records the expiry; the caller still gets the uniform INVALID_TOKEN
      throw error(ErrorCode.INVALID_TOKEN, "the session has expired", session);
    }
    if (status != SessionStatus.ACTIVE && status != SessionStatus.LOGIN_REQUIRED) {
      throw error(ErrorCode.INVALID_TOKEN, "the browser session has ended", session);
    }
    if (!now.isBefore(session.browser().lastSeenAt().plus(idleTimeout))) {
      var loggedOut = session.toBuilder().status(SessionStatus.LOGGED_OUT).modifiedAt(now)
          .version(session.version() + 1).build();
      if (store.replace(loggedOut, session.version())) {
        publish(SessionEvent.Type.LOGGED_OUT, loggedOut, now);
      }
      throw error(ErrorCode.INVALID_TOKEN, "the browser session was idle too long", session);
    }
    return session;
  }

  private Session transition(String tenant, String sessionId, SessionStatus target, SessionEvent.Type event) {
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Instant now = clock.instant();
      StoredSession current = find(tenant, sessionId);
      SessionLifecycle.check(requireLive(current, now), target);
      var next = current.toBuilder().status(target).modifiedAt(now).version(current.version() + 1).build();
      if (store.replace(next, current.version())) {
        publish(event, next, now);
        return Session.of(next, now);
      }
    }
    throw lostRace();
  }

  /**
   * Replaces the key ring atomically, without a restart: every token minted from now on uses the new ring's
   * active key, tokens under any other key of the new ring are still redeemed, and tokens under a key that is not
   * in it are rejected with {@link ErrorCode#INVALID_TOKEN}. Stored digests keep matching as long as the secret
   * that keyed them stays in the ring. Thread-safe; redemptions and mints in flight finish with either ring.
   */
  public void rotateKeys(KeyRing keys) {
    tokens.rotate(keys);
    log.info("key ring rotated: active kid {}", keys.kid());
  }

  /**
   * Deletes up to {@code limit} sessions whose lifetime ended longer than the configured retention ago. Call it
   * periodically; correctness never depends on it, because expiry is checked on every read.
   *
   * @return how many sessions were deleted
   */
  public int purgeExpired(int limit) {
    if (limit < 1) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "limit must be at least 1");
    }
    return store.deleteExpired(clock.instant().minus(retention), limit);
  }

  private StoredSession find(String tenant, String sessionId) {
    RequestFields.tenant(tenant);
    Objects.requireNonNull(sessionId, "sessionId");
    return store.find(tenant, sessionId).orElseThrow(() ->
        new HandoffException(ErrorCode.NOT_FOUND, "no session " + sessionId + " in tenant " + tenant));
  }

  private StoredSession reload(StoredSession session) {
    return find(session.tenant(), session.id());
  }

  /** The session's status at {@code now}; a finished session cannot change any more. */
  private SessionStatus requireLive(StoredSession session, Instant now) {
    SessionStatus status = session.statusAt(now);
    if (status == SessionStatus.EXPIRED) {
      throw expired(session, now);
    }
    if (status.isTerminal()) {
      throw error(ErrorCode.CONFLICT, "the session is " + status, session);
    }
    return status;
  }

  /** Records that the session expired (once, by whoever notices first) and returns the error to throw. */
  private HandoffException expired(StoredSession session, Instant now) {
    if (!session.status().isTerminal()) {
      var expired = session.toBuilder().status(SessionStatus.EXPIRED).modifiedAt(now)
          .version(session.version() + 1).build();
      if (store.replace(expired, session.version())) {
        publish(SessionEvent.Type.EXPIRED, expired, now);
      }
    }
    return expiredError(session);
  }

  private static HandoffException expiredError(StoredSession session) {
    return error(ErrorCode.EXPIRED, "the session has expired", session);
  }

  /** An error about an identified session: it carries the callback URL, so the hosted page has a way back. */
  private static HandoffException error(ErrorCode code, String message, StoredSession session) {
    return new HandoffException(code, message, session == null ? null : session.callbackUrl(), null);
  }

  private void checkSubject(String tenant, Subject subject) {
    if (subject instanceof Subject.ExistingUser u && users.findById(tenant, u.userId()).isEmpty()) {
      throw new HandoffException(ErrorCode.NOT_FOUND, "no user " + u.userId() + " in tenant " + tenant);
    }
    if (subject instanceof Subject.NewUser n) {
      requireEmailFree(tenant, n);
    }
  }

  private void requireEmailFree(String tenant, Subject.NewUser newUser) {
    if (users.findByEmail(tenant, newUser.details().email()).isPresent()) {
      throw emailTaken();
    }
  }

  private static HandoffException emailTaken() {
    return new HandoffException(ErrorCode.UNPROCESSABLE, "a user with this email already exists");
  }

  private Duration checkTtl(Duration ttl) {
    if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(maxTtl) > 0) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST,
          "session length must be between " + MIN_TTL + " and " + maxTtl + ", got " + ttl);
    }
    return ttl;
  }

  private IssuedSession issue(StoredSession session, String nonce, Instant now) {
    String token = tokens.mint(new TokenClaims(session.tenant(), session.id(), session.tokenGeneration(), now,
        session.expiresAt(), nonce));
    String url = hostedPageUrl + (hostedPageUrl.indexOf('?') < 0 ? '?' : '&')
        + "session=" + URLEncoder.encode(session.id(), StandardCharsets.UTF_8) + "&token=" + token;
    return new IssuedSession(Session.of(session, now), url, token);
  }

  private void publish(SessionEvent.Type type, StoredSession session, Instant now) {
    if (listeners.isEmpty()) {
      return;
    }
    var event = new SessionEvent(type, Session.of(session, now), now);
    for (SessionListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        log.warn("session listener {} failed on {} of session {}", listener.getClass().getName(), type,
            session.id(), e);
      }
    }
  }

  private static HandoffException lostRace() {
    return new HandoffException(ErrorCode.CONFLICT, "the session is being changed concurrently; try again");
  }

  @Override
  public String toString() {
    return "Handoff[store=" + store.getClass().getSimpleName() + ", intents=" + intents.names() + "]";
  }

  /**
   * Configures a {@link Handoff}. Every property may be set once: a second call fails at once with
   * {@link IllegalStateException}, as {@link #build()} does when a required one is missing. Not thread-safe.
   *
   * <p>Required: {@link #store}, {@link #userDirectory}, {@link #hostedPageUrl}, {@link #intents}.
   */
  public static final class Builder {
    private SessionStore store;
    private UserDirectory users;
    private KeyRing keys;
    private Clock clock;
    private String hostedPageUrl;
    private Duration defaultTtl;
    private Duration maxTtl;
    private Duration retention;
    private Duration clockSkew;
    private String idPrefix;
    private IntentRegistry intents;
    private Boolean singleUse;
    private Integer maxTokenLength;
    private Duration idleTimeout;
    private OtpSender otpSender;
    private LoginPolicy loginPolicy;
    private final List<SessionListener> listeners = new ArrayList<>();

    private Builder() {}

    /** Where sessions live. */
    public Builder store(SessionStore store) {
      this.store = once(this.store, store, "store");
      return this;
    }

    /** The embedding server's users. */
    public Builder userDirectory(UserDirectory users) {
      this.users = once(this.users, users, "userDirectory");
      return this;
    }

    /** The key material; by default a key ring is generated (and a warning logged), fit for development only. */
    public Builder keys(KeyRing keys) {
      this.keys = once(this.keys, keys, "keys");
      return this;
    }

    /** The clock for every timestamp and expiry decision; {@link Clock#systemUTC()} by default. */
    public Builder clock(Clock clock) {
      this.clock = once(this.clock, clock, "clock");
      return this;
    }

    /**
     * The hosted page's entry URL, e.g. {@code https://connect.example.com/checkout/entry}; URLs are this plus
     * {@code ?session=<id>&token=<token>}. Absolute {@code https}, or {@code http} on localhost.
     */
    public Builder hostedPageUrl(String hostedPageUrl) {
      Objects.requireNonNull(hostedPageUrl, "hostedPageUrl");
      try {
        CallbackUrl.validate(hostedPageUrl);
        if (new URI(hostedPageUrl).getRawFragment() != null) {
          throw new IllegalArgumentException("hostedPageUrl must not have a fragment");
        }
      } catch (HandoffException | URISyntaxException e) {
        throw new IllegalArgumentException("hostedPageUrl " + e.getMessage(), e);
      }
      this.hostedPageUrl = once(this.hostedPageUrl, hostedPageUrl, "hostedPageUrl");
      return this;
    }

    /** The lifetime of sessions created without one; 1 hour by default. */
    public Builder defaultTtl(Duration defaultTtl) {
      this.defaultTtl = once(this.defaultTtl, defaultTtl, "defaultTtl");
      return this;
    }

    /** The longest lifetime a request may ask for; 7 days by default. */
    public Builder maxTtl(Duration maxTtl) {
      this.maxTtl = once(this.maxTtl, maxTtl, "maxTtl");
      return this;
    }

    /** How long expired sessions are kept before {@link Handoff#purgeExpired} deletes them; 1 day by default. */
    public Builder retention(Duration retention) {
      this.retention = once(this.retention, requireNotNegative(retention, "retention"), "retention");
      return this;
    }

    /** How far the clock of a node that minted a token may run ahead of this one's; 30 seconds by default. */
    public Builder clockSkew(Duration clockSkew) {
      this.clockSkew = once(this.clockSkew, requireNotNegative(clockSkew, "clockSkew"), "clockSkew");
      return this;
    }

    /** The prefix of session ids, e.g. {@code csn_}: up to 16 letters, digits or {@code _}; none by default. */
    public Builder idPrefix(String idPrefix) {
      Objects.requireNonNull(idPrefix, "idPrefix");
      if (!SessionIds.isValidPrefix(idPrefix)) {
        throw new IllegalArgumentException("idPrefix must be up to 16 characters of [A-Za-z0-9_]");
      }
      this.idPrefix = once(this.idPrefix, idPrefix, "idPrefix");
      return this;
    }

    /** The intent types sessions may have. */
    public Builder intents(IntentRegistry intents) {
      this.intents = once(this.intents, intents, "intents");
      return this;
    }

    /** Whether URLs can be redeemed once (the default) or until expiry; a request may override it. */
    public Builder singleUse(boolean singleUse) {
      this.singleUse = once(this.singleUse, singleUse, "singleUse");
      return this;
    }

    /** The longest token accepted for redemption, in characters; 4096 by default. */
    public Builder maxTokenLength(int maxTokenLength) {
      if (maxTokenLength < 1024) {
        throw new IllegalArgumentException("maxTokenLength must be at least 1024 (tokens are over 330 characters)");
      }
      this.maxTokenLength = once(this.maxTokenLength, maxTokenLength, "maxTokenLength");
      return this;
    }

    /**
     * How long a browser session may go without a request before it ends; 30 minutes by default. Activity slides it,
     * refreshed at most once per tenth of it.
     */
    public Builder idleTimeout(Duration idleTimeout) {
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      if (idleTimeout.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new IllegalArgumentException("idleTimeout must be at least 1 minute");
      }
      this.idleTimeout = once(this.idleTimeout, idleTimeout, "idleTimeout");
      return this;
    }

    /** Delivers one-time sign-in codes; without one, unauthenticated sessions cannot sign in. */
    public Builder otpSender(OtpSender otpSender) {
      this.otpSender = once(this.otpSender, otpSender, "otpSender");
      return this;
    }

    /** The rules of one-time-code sign-in; {@link LoginPolicy#defaults()} by default. */
    public Builder loginPolicy(LoginPolicy loginPolicy) {
      this.loginPolicy = once(this.loginPolicy, loginPolicy, "loginPolicy");
      return this;
    }

    /** Adds a listener for session events; may be called any number of times. */
    public Builder listener(SessionListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * @throws IllegalStateException if a required property is missing or the TTLs contradict each other
     */
    public Handoff build() {
      require(store, "store");
      require(users, "userDirectory");
      require(hostedPageUrl, "hostedPageUrl");
      require(intents, "intents");
      keys = keys == null ? KeyRing.generate() : keys;
      clock = clock == null ? Clock.systemUTC() : clock;
      defaultTtl = defaultTtl == null ? Duration.ofHours(1) : defaultTtl;
      maxTtl = maxTtl == null ? Duration.ofDays(7) : maxTtl;
      retention = retention == null ? Duration.ofDays(1) : retention;
      clockSkew = clockSkew == null ? Duration.ofSeconds(30) : clockSkew;
      idPrefix = idPrefix == null ? "" : idPrefix;
      singleUse = singleUse == null ? Boolean.TRUE : singleUse;
      maxTokenLength = maxTokenLength == null ? 4096 : maxTokenLength;
      idleTimeout = idleTimeout == null ? Duration.ofMinutes(30) : idleTimeout;
      loginPolicy = loginPolicy == null ? LoginPolicy.defaults() : loginPolicy;
      if (maxTtl.compareTo(MIN_TTL) < 0 || defaultTtl.compareTo(MIN_TTL) < 0 || defaultTtl.compareTo(maxTtl) > 0) {
        throw new IllegalStateException("need " + MIN_TTL + " <= defaultTtl (" + defaultTtl + ") <= maxTtl ("
            + maxTtl + ")");
      }
      return new Handoff(this);
    }

    private static <T> T once(T current, T value, String name) {
      Objects.requireNonNull(value, name);
      if (current != null) {
        throw new IllegalStateException(name + " was already set to " + current);
      }
      return value;
    }

    private static Duration requireNotNegative(Duration d, String name) {
      if (Objects.requireNonNull(d, name).isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative");
      }
      return d;
    }

    private static void require(Object value, String name) {
      if (value == null) {
        throw new IllegalStateException(name + " is required");
      }
    }
  }
}
