package dev.handoff;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.OtpSender;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.UserDirectory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
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
  /** The shortest link lifetime ({@code ttl}) accepted. */
  public static final Duration MIN_TTL = Duration.ofMinutes(1);
  /** The shortest idle timeout accepted, of the engine and of a request. */
  public static final Duration MIN_IDLE_TIMEOUT = Duration.ofMinutes(1);
  /** The shortest active lifetime (time in the hosted page after the first redemption) accepted. */
  public static final Duration MIN_ACTIVE_LIFETIME = Duration.ofMinutes(1);
  /** The most sessions {@link #list} returns in one page. */
  public static final int MAX_PAGE_SIZE = 1000;
  /** The default of {@link Builder#maxSessionDataBytes}: 16 KiB. */
  public static final int DEFAULT_MAX_SESSION_DATA_BYTES = 16 * 1024;

  // One collaborator per flow, sharing one context; this class only delegates and reports to the observer.
  private final EngineContext ctx;
  private final IssueFlow issuing;
  private final RedeemFlow redemption;
  private final BrowserFlow browser;
  private final SignInFlow signIn;
  private final LifecycleFlow lifecycle;
  private final BulkRevocation bulkRevocation;
  private final RecoveryFlow recovery;
  private final OperationObserver observer;
  /** Whether anyone listens: without an observer, operations are not timed (two clock reads per call saved). */
  private final boolean timed;

  private Handoff(Builder b) {
    this.ctx = new EngineContext(b);
    this.issuing = new IssueFlow(ctx);
    this.redemption = new RedeemFlow(ctx);
    this.browser = new BrowserFlow(ctx);
    this.signIn = new SignInFlow(ctx, browser);
    this.lifecycle = new LifecycleFlow(ctx);
    this.bulkRevocation = new BulkRevocation(ctx);
    this.recovery = new RecoveryFlow(ctx, signIn);
    this.observer = b.operationObserver;
    this.timed = !(observer instanceof NoOperationObserver);
    if (b.keys.isGenerated()) {
      log.warn("No key ring configured: generated {}. URLs minted now cannot be redeemed after a restart or on "
          + "another node; configure Handoff.builder().keys(...) in production.", b.keys);
    }
  }

  /** Starts configuring an engine. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates a session and mints its URL.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_REQUEST} for a {@code ttl}, {@code idleTimeout} or
   *     {@code activeLifetime} out of the engine's bounds (the message names the field);
   *     {@link ErrorCode#UNPROCESSABLE} for an unknown intent, an invalid payload or a {@code userDetails} email
   *     already taken; {@link ErrorCode#NOT_FOUND} for an unknown {@code user}; {@link ErrorCode#CONFLICT} for an
   *     idempotency key used with another request, more than 24 hours ago, or for a session no longer open
   */
  public IssuedSession create(CreateSessionRequest request) {
    return observed(Operation.CREATE, () -> issuing.create(request));
  }

  /**
   * The session with this id, without URL or token.
   *
   * @throws HandoffException {@link ErrorCode#NOT_FOUND} if the tenant has no such session
   */
  public Session get(String tenant, String sessionId) {
    return observed(Operation.GET, () -> issuing.get(tenant, sessionId));
  }

  /**
   * One page of the tenant's sessions, oldest first.
   *
   * @param cursor {@code null} for the first page, else {@link SessionList#nextCursor()} of the previous page
   * @param limit 1 to {@value #MAX_PAGE_SIZE}
   * @throws HandoffException {@link ErrorCode#INVALID_REQUEST} for a limit out of range or a malformed cursor
   */
  public SessionList list(String tenant, String cursor, int limit) {
    return observed(Operation.LIST, () -> issuing.list(tenant, cursor, limit));
  }

  /**
   * Changes a session (the PATCH of the Gigs API). Changing the user mints a new URL, returned in the result, and
   * the earlier URL stops working; it is allowed only before the session is active, as is changing the intent.
   * The new URL does not lengthen the session: it may be opened until the session's current
   * {@link Session#expiresAt()}, which becomes its {@link Session#linkExpiresAt()} (a session that was redeemed and
   * waited for a sign-in goes back to {@link SessionStatus#OPEN}); redeeming it starts the active lifetime anew.
   * Any other change keeps the URL and the result carries none.
   *
   * @throws HandoffException {@link ErrorCode#NOT_FOUND}; {@link ErrorCode#EXPIRED}; {@link ErrorCode#CONFLICT} if
   *     the session is finished, or the user is changed after redemption; the same errors as
   *     {@link #create} for the new user
   */
  public IssuedSession update(String tenant, String sessionId, UpdateSessionRequest request) {
    return observed(Operation.UPDATE, () -> issuing.update(tenant, sessionId, request));
  }

  /**
   * Redeems a URL token on the hosted page: checks it, consumes it (unless the session is reusable), creates the
   * session's user if it was given as {@code userDetails}, and says who the end user is.
   *
   * @param token the {@code token} parameter of the URL, untrusted
   * @throws HandoffException {@link ErrorCode#INVALID_TOKEN} for a malformed, forged, superseded or already used
   *     token, or a finished session; {@link ErrorCode#EXPIRED} once the link's deadline
   *     ({@link Session#linkExpiresAt()}) or the session's end passed;
   *     {@link ErrorCode#UNPROCESSABLE} if the new user's email was taken meanwhile; {@link ErrorCode#NOT_FOUND}
   *     if the session's user no longer exists
   */
  public Redemption redeem(String token) {
    return redeem(token, ClientInfo.UNKNOWN);
  }

  /**
   * {@link #redeem(String)}, recording the browser in the session's access log ({@link Session#accessLog()}) as a
   * {@code REDEEMED} step, in the same atomic write that consumes the link: its address as the
   * {@linkplain Builder#addressPolicy address policy} keeps it, and its user agent.
   *
   * @param client the address and user agent the HTTP layer saw, untrusted; {@link ClientInfo#UNKNOWN} if none
   */
  public Redemption redeem(String token, ClientInfo client) {
    return observed(Operation.REDEEM, () -> redemption.redeem(token, RequestFields.required(client, "client")));
  }

  /**
   * Completes a redeemed session: the hosted flow is done. Redirect the end user to the returned session's
   * {@link Session#callbackUrl()}.
   *
   * @throws HandoffException {@link ErrorCode#NOT_FOUND}; {@link ErrorCode#EXPIRED}; {@link ErrorCode#CONFLICT}
   *     unless the session is {@link SessionStatus#ACTIVE}
   */
  public Session complete(String tenant, String sessionId) {
    return observed(Operation.COMPLETE, () -> lifecycle.complete(tenant, sessionId));
  }

  /**
   * Revokes a session: its URL and any hosted-page use of it stop working.
   *
   * @throws HandoffException {@link ErrorCode#NOT_FOUND}; {@link ErrorCode#EXPIRED}; {@link ErrorCode#CONFLICT}
   *     if it is already finished
   */
  public Session revoke(String tenant, String sessionId) {
    return observed(Operation.REVOKE, () -> lifecycle.revoke(tenant, sessionId));
  }

  /**
   * Revokes every session of one user in a tenant, as {@link #revoke} would each: on a password change, an
   * account deletion or a suspected takeover. Covers the sessions whose user is {@code userId} (created for that
   * user, or signed in or provisioned as that user) that are live, or that ended by time or sign-out but are still
   * stored, so that none of them can be brought back by recovery either; completed, revoked and already replaced
   * sessions are left as they are. Each session is revoked atomically and gets its
   * {@link SessionEvent.Type#REVOKED} event (for a session that had ended, the event says it can no longer be
   * recovered). The call as a whole is not one transaction: a session created while it runs may survive, and after
   * a failure (e.g. {@link ErrorCode#STORAGE_UNAVAILABLE}) some sessions may be revoked and others not, so call it
   * again — it is idempotent. Served from the store's index by user
   * ({@link dev.handoff.spi.SessionStore#listByUser}).
   *
   * @return how many sessions this call revoked
   * @throws HandoffException {@link ErrorCode#INVALID_REQUEST} for a malformed tenant or user id
   */
  public int revokeAllOfUser(String tenant, String userId) {
    return observed(Operation.REVOKE_ALL, () -> bulkRevocation.revokeAllOfUser(tenant, userId));
  }

  /**
   * Revokes every session of a tenant that is live or could still be recovered, as {@link #revokeAllOfUser} does
   * for one user: on an incident, or when a tenant is shut down. Reads the tenant's sessions page by page.
   *
   * @return how many sessions this call revoked
   * @throws HandoffException {@link ErrorCode#INVALID_REQUEST} for a malformed tenant
   */
  public int revokeAllOfTenant(String tenant) {
    return observed(Operation.REVOKE_ALL, () -> bulkRevocation.revokeAllOfTenant(tenant));
  }

  /**
   * Who is on the hosted page: checks the browser-session secret of a later request of the hosted flow. Call it on
   * every page load; it costs one store lookup (and, now and then, a write that slides the idle timeout).
   *
   * @throws HandoffException {@link ErrorCode#INVALID_TOKEN} for an unknown or replaced secret, or a session that is
   *     finished, expired or idle for longer than its {@linkplain Session#idleTimeout() idle timeout} (with the
   *     callback URL where known)
   */
  public BrowserSession authenticate(String browserSecret) {
    return observed(Operation.AUTHENTICATE, () -> browser.authenticate(browserSecret));
  }

  /**
   * Ends the browser session (and with it the hosted session, which becomes {@link SessionStatus#LOGGED_OUT}).
   *
   * @throws HandoffException {@link ErrorCode#INVALID_TOKEN} if the secret is not that of a live browser session
   */
  public Session logout(String browserSecret) {
    return observed(Operation.LOGOUT, () -> browser.logout(browserSecret));
  }

  /**
   * Completes the hosted flow from the hosted page; redirect the end user to the returned session's callback URL.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_TOKEN} for a secret that is not that of a live browser
   *     session; {@link ErrorCode#CONFLICT} while the end user has not signed in
   */
  public Session completeFromBrowser(String browserSecret) {
    return observed(Operation.COMPLETE_FROM_BROWSER, () -> browser.complete(browserSecret));
  }

  /**
   * Starts a one-time-code sign-in for an unauthenticated session: records a new code (replacing any earlier one)
   * and hands its delivery to the {@linkplain Builder#otpExecutor OTP executor}, which sends it through the
   * {@link OtpSender} if the tenant knows the email (or sign-up is on). The caller gets the same outcome in the same
   * time for a known and an unknown email, and never sees the sender's latency or failure: a failed send is
   * logged and published as {@link SessionEvent.Type#CODE_NOT_SENT}.
   *
   * <p>Sends are limited per session ({@link LoginPolicy#maxSends()}, {@link LoginPolicy#minSendInterval()}), per
   * email address and per tenant ({@link LoginPolicy#emailLimit()}, {@link LoginPolicy#tenantLimit()}); the
   * address and tenant counters live in the store, so every node sharing it counts together. Every call with a
   * well-formed email counts, known or not.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_TOKEN} for a bad browser secret; {@link ErrorCode#CONFLICT}
   *     if the session does not wait for a sign-in; {@link ErrorCode#INVALID_REQUEST} for a malformed email;
   *     {@link ErrorCode#TOO_MANY_ATTEMPTS} past any of the limits above;
   *     {@link ErrorCode#UNPROCESSABLE} if the engine has no {@link OtpSender}
   */
  public void startLogin(String browserSecret, String email) {
    observed(Operation.START_LOGIN, () -> {
      signIn.startLogin(browserSecret, email);
      return null;
    });
  }

  /**
   * Checks a one-time code. A wrong code uses up one attempt, atomically even under concurrent guesses; the right
   * one signs the end user in: the user is found by email (or created, if the policy allows sign-up), bound to the
   * session, and the session becomes {@link SessionStatus#ACTIVE}. Signing in rotates the browser secret in the same
   * atomic write: set {@link BrowserSession#browserSecret()} as the cookie; the secret passed in stops working.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_TOKEN} for a wrong code or a bad browser secret;
   *     {@link ErrorCode#TOO_MANY_ATTEMPTS} once no attempt is left; {@link ErrorCode#EXPIRED} for an expired code;
   *     {@link ErrorCode#CONFLICT} if no sign-in was started or the session does not wait for one
   */
  public BrowserSession verifyLogin(String browserSecret, String code) {
    return verifyLogin(browserSecret, code, ClientInfo.UNKNOWN);
  }

  /**
   * {@link #verifyLogin(String, String)}, recording a successful sign-in in the session's access log as a
   * {@code SIGNED_IN} step, in the same atomic write as the sign-in.
   *
   * @param client the address and user agent the HTTP layer saw, untrusted; {@link ClientInfo#UNKNOWN} if none
   */
  public BrowserSession verifyLogin(String browserSecret, String code, ClientInfo client) {
    return observed(Operation.VERIFY_LOGIN,
        () -> signIn.verifyLogin(browserSecret, code, RequestFields.required(client, "client")));
  }

  /**
   * The session a browser-session secret is bound to, in whatever status, finished ones included: lets a hosted
   * page say how a session ended (completed, signed out, expired) when the end user comes back to it, e.g. with
   * the Back button. Read-only; empty for a malformed, unknown or replaced secret.
   */
  public Optional<Session> sessionOf(String browserSecret) {
    return browser.sessionOf(browserSecret);
  }

  /**
   * The CSRF token for the hosted page's forms in the browser session with this secret: a keyed digest of the
   * secret under the key ring, so every node that shares the ring computes and accepts the same one, and only a
   * page served to the browser holding the (HttpOnly) secret can know it. No store access; it does not check that
   * the browser session is live.
   */
  public String formToken(String browserSecret) {
    return browser.formToken(Objects.requireNonNull(browserSecret, "browserSecret"));
  }

  /**
   * Whether {@code token} is the {@link #formToken} of {@code browserSecret}, under any key still in the ring;
   * compared in constant time. False for {@code null}s.
   */
  public boolean isFormToken(String browserSecret, String token) {
    return browser.isFormToken(browserSecret, token);
  }

  /**
   * Whether the hosted page can offer to continue a link that did not redeem (it expired, or was used) by email,
   * and the offer if so: the link must be the session's current one (authentic, not replaced by a newer link),
   * and the session recoverable (see {@link IntentType.Builder#recovery}: its type allows it, recoveries are left,
   * it was neither completed nor revoked, and it ended less than the {@linkplain Builder#retention retention}
   * ago). Read-only; empty for anything else, without saying why. Recovering a used link's session that is still
   * live in another browser ends it there.
   */
  public Optional<RecoveryOffer> recoveryForLink(String token) {
    return recovery.forLink(token);
  }

  /**
   * The recovery offer for a browser whose session ended (expired, or signed out, also for idleness), by its
   * browser-session secret, under the rules of {@link #recoveryForLink}. Call it once {@link #authenticate} refused
   * the secret. Read-only; empty for a live, completed, revoked or unknown session.
   */
  public Optional<RecoveryOffer> recoveryForBrowser(String browserSecret) {
    return recovery.forBrowser(browserSecret);
  }

  /**
   * The offer a {@linkplain RecoveryOffer#ticket() ticket} stands for, while the session can still be recovered,
   * with whether a code was sent; for the recovery pages after the first. Read-only; empty for a forged or
   * expired ticket or a session that can no longer be recovered.
   */
  public Optional<RecoveryOffer> recoveryOffer(String ticket) {
    return recovery.forTicket(ticket);
  }

  /**
   * Starts recovering a session by email: records a new one-time code on the session and has it sent, off the
   * caller's thread, if {@code email} is its user's (the {@code user}'s email, or the {@code userDetails} one; for
   * a session without a user whose type allows that, any user's of the tenant). The caller gets the same outcome
   * in the same time whether or not it is: no code is sent to any other address, and a code for it recovers
   * nothing. Limited like {@link #startLogin}, whose per-address and per-tenant counters it shares.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_TOKEN} for a forged or expired ticket, or a session that
   *     was deleted; {@link ErrorCode#CONFLICT} if the session can no longer be recovered;
   *     {@link ErrorCode#INVALID_REQUEST} for a malformed email; {@link ErrorCode#TOO_MANY_ATTEMPTS} past the
   *     limits; {@link ErrorCode#UNPROCESSABLE} if the engine has no {@link OtpSender}
   */
  public void startRecovery(String ticket, String email) {
    observed(Operation.START_RECOVERY, () -> {
      recovery.start(ticket, email);
      return null;
    });
  }

  /**
   * Checks a recovery code and, if it is right, replaces the session: the original is marked as replaced
   * ({@link Session#recovery()}) and, if still live elsewhere, signed out; the replacement (same tenant, intent,
   * callback, metadata and theme; the user as subject; fresh deadlines with the original's lengths) is active in a
   * new browser session at once, its access log holding the {@code RECOVERED} step. Of concurrent recoveries of
   * one session exactly one succeeds. Publishes {@link SessionEvent.Type#RECOVERED} on the replacement. Set
   * {@link Redemption#browserSecret()} as the cookie and continue on the session page.
   *
   * @throws HandoffException {@link ErrorCode#INVALID_TOKEN} for a wrong code, a forged or expired ticket;
   *     {@link ErrorCode#TOO_MANY_ATTEMPTS} once no attempt is left; {@link ErrorCode#EXPIRED} for an expired
   *     code; {@link ErrorCode#CONFLICT} if no code was requested or the session can no longer be recovered (for
   *     instance, another browser recovered it first)
   */
  public Redemption recover(String ticket, String code, ClientInfo client) {
    return observed(Operation.RECOVER, () -> recovery.recover(ticket, code, client));
  }

  /** The intent types this engine accepts, with their display names and labels for the hosted page. */
  public IntentRegistry intents() {
    return ctx.intents;
  }

  /**
   * Replaces the key ring atomically, without a restart: every token minted from now on uses the new ring's
   * active key, tokens under any other key of the new ring are still redeemed, and tokens under a key that is not
   * in it are rejected with {@link ErrorCode#INVALID_TOKEN}. Stored digests keep matching as long as the secret
   * that keyed them stays in the ring. Thread-safe; redemptions and mints in flight finish with either ring.
   */
  public void rotateKeys(KeyRing keys) {
    ctx.tokens.rotate(keys);
    log.info("key ring rotated: active kid {}", keys.kid());
  }

  /**
   * Records the end of sessions whose time ran out, and deletes those that ended longer than the retention ago. Call
   * it periodically, from every node if you like (a minute apart is plenty); correctness never depends on it,
   * because expiry is checked on every read, but it is what publishes the end of sessions nobody looks at again.
   *
   * <p>First, up to {@code limit} sessions that ended without a final status (their link or their time in the page
   * ran out) are marked {@link SessionStatus#EXPIRED}, each by a compare-and-set, and only the caller whose write
   * wins publishes {@link SessionEvent.Type#EXPIRED}, followed by {@link SessionEvent.Type#ABANDONED} for a session
   * that had been redeemed. The engine that notices an expiry on a read marks it the same way, so however many
   * nodes and threads sweep and read at once, each session gets one {@code EXPIRED} event. Then up to {@code limit}
   * sessions that ended more than the {@linkplain Builder#retention retention} ago are deleted.
   *
   * <p>A session deleted before any sweep or read marked it (when sweeping lags behind the retention, or a store
   * drops it on its own) ends without an event; so does one whose marking write failed with an unknown outcome.
   *
   * @param limit the most sessions to mark, and the most to delete, at least 1
   * @throws HandoffException {@link ErrorCode#INVALID_REQUEST} for a limit below 1
   */
  public SweepResult sweep(int limit) {
    return observed(Operation.PURGE, () -> lifecycle.sweep(limit));
  }

  /**
   * {@link #sweep}, answering how many sessions it deleted; kept so that schedulers written for it go on working
   * and now publish the end of sessions too.
   *
   * @return how many sessions were deleted
   */
  public int purgeExpired(int limit) {
    return sweep(limit).deleted();
  }

  /** Runs one public operation and tells the observer how long it took and how it ended. */
  private <T> T observed(Operation operation, Supplier<T> body) {
    // Kept small enough to be inlined into each operation, so that without an observer the body runs as a direct
    // call (its lambda then allocates nothing); compiled with the timing in it, the JIT called it instead.
    return timed ? timed(operation, body) : body.get();
  }

  private <T> T timed(Operation operation, Supplier<T> body) {
    long start = System.nanoTime();
    ErrorCode error = null;
    Class<? extends Throwable> unexpected = null;
    try {
      return body.get();
    } catch (HandoffException e) {
      error = e.code();
      throw e;
    } catch (RuntimeException | Error e) {
      unexpected = e.getClass();
      throw e;
    } finally {
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      try {
        observer.onOperation(operation, elapsed, error, unexpected);
      } catch (RuntimeException e) {
        log.warn("operation observer {} failed on {}", observer.getClass().getName(), operation, e);
      }
    }
  }

  @Override
  public String toString() {
    return "Handoff[store=" + ctx.store.getClass().getSimpleName() + ", intents=" + ctx.intents.names() + "]";
  }

  /**
   * Configures a {@link Handoff}. Every property may be set once: a second call fails at once with
   * {@link IllegalStateException}, as {@link #build()} does when a required one is missing. Not thread-safe.
   *
   * <p>Fields are package-private only for the engine's own construction.
   *
   * <p>Required: {@link #store}, {@link #userDirectory}, {@link #hostedPageUrl}, {@link #intents}.
   */
  public static final class Builder {
    SessionStore store;
    UserDirectory users;
    KeyRing keys;
    Clock clock;
    String hostedPageUrl;
    Duration defaultTtl;
    Duration maxTtl;
    Duration retention;
    Duration clockSkew;
    String idPrefix;
    IntentRegistry intents;
    Boolean singleUse;
    Integer maxTokenLength;
    Duration idleTimeout;
    Duration maxIdleTimeout;
    Duration defaultActiveLifetime;
    Duration maxActiveLifetime;
    OtpSender otpSender;
    LoginPolicy loginPolicy;
    final List<SessionListener> listeners = new ArrayList<>();
    OperationObserver operationObserver;
    Integer maxSessionDataBytes;
    Executor otpExecutor;
    AddressPolicy addressPolicy;

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

    /**
     * The link lifetime of sessions created without a {@link CreateSessionRequest.Builder#ttl ttl}: how long a link
     * may wait to be opened for the first time; 1 hour by default.
     */
    public Builder defaultTtl(Duration defaultTtl) {
      this.defaultTtl = once(this.defaultTtl, defaultTtl, "defaultTtl");
      return this;
    }

    /** The longest link lifetime a request may ask for; 7 days by default. */
    public Builder maxTtl(Duration maxTtl) {
      this.maxTtl = once(this.maxTtl, maxTtl, "maxTtl");
      return this;
    }

    /**
     * The active lifetime of sessions created without one: the cap on the time in the hosted page, counted from the
     * first redemption; 1 hour by default.
     */
    public Builder defaultActiveLifetime(Duration defaultActiveLifetime) {
      this.defaultActiveLifetime = once(this.defaultActiveLifetime, defaultActiveLifetime, "defaultActiveLifetime");
      return this;
    }

    /** The longest active lifetime a request may ask for; 1 day by default. */
    public Builder maxActiveLifetime(Duration maxActiveLifetime) {
      this.maxActiveLifetime = once(this.maxActiveLifetime, maxActiveLifetime, "maxActiveLifetime");
      return this;
    }

    /** How long ended sessions are kept before {@link Handoff#sweep} deletes them; 1 day by default. */
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
     * The idle timeout of sessions created without one: how long a browser session may go without a request before
     * it ends; 30 minutes by default, at least {@link Handoff#MIN_IDLE_TIMEOUT}. Activity slides it, refreshed at
     * most once per tenth of the session's idle timeout.
     */
    public Builder idleTimeout(Duration idleTimeout) {
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      if (idleTimeout.compareTo(MIN_IDLE_TIMEOUT) < 0) {
        throw new IllegalArgumentException("idleTimeout must be at least " + MIN_IDLE_TIMEOUT);
      }
      this.idleTimeout = once(this.idleTimeout, idleTimeout, "idleTimeout");
      return this;
    }

    /** The longest idle timeout a request may ask for; 1 day by default. */
    public Builder maxIdleTimeout(Duration maxIdleTimeout) {
      this.maxIdleTimeout = once(this.maxIdleTimeout, maxIdleTimeout, "maxIdleTimeout");
      return this;
    }

    /** Delivers one-time sign-in codes; without one, unauthenticated sessions cannot sign in. */
    public Builder otpSender(OtpSender otpSender) {
      this.otpSender = once(this.otpSender, otpSender, "otpSender");
      return this;
    }

    /**
     * Where one-time codes are sent: {@link Handoff#startLogin} hands the lookup of the email and the
     * {@link OtpSender} call to it and returns at once, so that neither the sender's latency nor its failures tell
     * the caller whether the email has an account. A failed or refused send is logged (without code or email) and
     * published as {@link SessionEvent.Type#CODE_NOT_SENT}. By default a pool of at most 2 daemon threads
     * ({@code handoff-otp-N}, idle ones end after a minute) with a queue of 1,000 sends.
     */
    public Builder otpExecutor(Executor otpExecutor) {
      this.otpExecutor = once(this.otpExecutor, otpExecutor, "otpExecutor");
      return this;
    }

    /** The rules of one-time-code sign-in; {@link LoginPolicy#defaults()} by default. */
    public Builder loginPolicy(LoginPolicy loginPolicy) {
      this.loginPolicy = once(this.loginPolicy, loginPolicy, "loginPolicy");
      return this;
    }

    /**
     * How client addresses are kept in sessions' access logs: {@link AddressPolicy#TRUNCATED} (the network, by
     * default), {@link AddressPolicy#KEYED_DIGEST} or {@link AddressPolicy#NONE}. See {@code docs/privacy.md}.
     */
    public Builder addressPolicy(AddressPolicy addressPolicy) {
      this.addressPolicy = once(this.addressPolicy, addressPolicy, "addressPolicy");
      return this;
    }

    /** Adds a listener for session events; may be called any number of times. */
    public Builder listener(SessionListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The most bytes one session may carry for the embedder: its intent payload, metadata and user details
     * together, counted as their compact JSON in UTF-8. A create or update past it is
     * {@link ErrorCode#INVALID_REQUEST} and stores nothing. {@value Handoff#DEFAULT_MAX_SESSION_DATA_BYTES} bytes (16 KiB)
     * by default; at least 1024.
     */
    public Builder maxSessionDataBytes(int maxSessionDataBytes) {
      if (maxSessionDataBytes < 1024) {
        throw new IllegalArgumentException("maxSessionDataBytes must be at least 1024");
      }
      this.maxSessionDataBytes = once(this.maxSessionDataBytes, maxSessionDataBytes, "maxSessionDataBytes");
      return this;
    }

    /**
     * Told the duration and outcome of every public operation, e.g. to feed Micrometer timers; none by default.
     * See {@link OperationObserver} for what it is told (nothing that identifies a tenant, user or session).
     */
    public Builder operationObserver(OperationObserver operationObserver) {
      this.operationObserver = once(this.operationObserver, operationObserver, "operationObserver");
      return this;
    }

    /**
     * @throws IllegalStateException if a required property is missing, or a default lies outside its bounds (each
     *     of the link lifetime, idle timeout and active lifetime needs {@code minimum <= default <= maximum})
     */
    public Handoff build() {
      resolveDefaults();
      return new Handoff(this);
    }

    /** The context of an engine as {@link #build()} would make it, for tests of one flow. */
    EngineContext buildContext() {
      resolveDefaults();
      return new EngineContext(this);
    }

    private void resolveDefaults() {
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
      maxIdleTimeout = maxIdleTimeout == null ? Duration.ofDays(1) : maxIdleTimeout;
      defaultActiveLifetime = defaultActiveLifetime == null ? Duration.ofHours(1) : defaultActiveLifetime;
      maxActiveLifetime = maxActiveLifetime == null ? Duration.ofDays(1) : maxActiveLifetime;
      loginPolicy = loginPolicy == null ? LoginPolicy.defaults() : loginPolicy;
      operationObserver = operationObserver == null ? OperationObserver.none() : operationObserver;
      otpExecutor = otpExecutor == null ? OtpExecutor.create() : otpExecutor;
      addressPolicy = addressPolicy == null ? AddressPolicy.TRUNCATED : addressPolicy;
      maxSessionDataBytes = maxSessionDataBytes == null ? DEFAULT_MAX_SESSION_DATA_BYTES : maxSessionDataBytes;
      requireBounds(MIN_TTL, "defaultTtl", defaultTtl, "maxTtl", maxTtl);
      requireBounds(MIN_IDLE_TIMEOUT, "idleTimeout", idleTimeout, "maxIdleTimeout", maxIdleTimeout);
      requireBounds(MIN_ACTIVE_LIFETIME, "defaultActiveLifetime", defaultActiveLifetime, "maxActiveLifetime",
          maxActiveLifetime);
    }

    private static void requireBounds(Duration min, String defaultName, Duration defaultValue, String maxName,
        Duration max) {
      if (max.compareTo(min) < 0 || defaultValue.compareTo(min) < 0 || defaultValue.compareTo(max) > 0) {
        throw new IllegalStateException("need " + min + " <= " + defaultName + " (" + defaultValue + ") <= "
            + maxName + " (" + max + ")");
      }
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
