package dev.handoff;

import static dev.handoff.EngineContext.CAS_ATTEMPTS;
import static dev.handoff.EngineContext.error;
import static dev.handoff.EngineContext.lostRace;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.AccessRecord.Step;
import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.LoginChallenge;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import dev.handoff.spi.User;
import dev.handoff.spi.UserDetails;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One-time-code sign-in of an unauthenticated session's browser: sends a code, then checks it. */
final class SignInFlow {
  private static final Logger log = LoggerFactory.getLogger(Handoff.class);

  private final EngineContext ctx;
  private final BrowserFlow browser;
  private final KeyedDigest emailDigests;

  SignInFlow(EngineContext ctx, BrowserFlow browser) {
    this.ctx = ctx;
    this.browser = browser;
    this.emailDigests = new KeyedDigest(ctx.tokens::ring, MasterKey::otpDigestKey, "sign-in-email");
  }

  void startLogin(String browserSecret, String email) {
    if (ctx.otpSender == null) {
      throw new HandoffException(ErrorCode.UNPROCESSABLE, "one-time-code sign-in is not configured");
    }
    RequestFields.email(email);
    Instant now = ctx.clock.instant();
    StoredSession current = browser.bound(browserSecret, now);
    requireSendAllowed(current, now);
    // Counted once per call, before the write, for known and unknown emails alike.
    countSend(current, email, now);
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      if (attempt > 0) {
        now = ctx.clock.instant();
        current = browser.bound(browserSecret, now);
        requireSendAllowed(current, now);
      }
      String code = ctx.codes.next();
      LoginChallenge challenge = nextChallenge(current, email, code, now);
      var next = current.toBuilder().challenge(challenge).modifiedAt(now).version(current.version() + 1).build();
      if (ctx.replace(next, current.version())) {
        ctx.publish(SessionEvent.Type.SIGN_IN_STARTED, next, now);
        sendLater(next, email, code);
        return;
      }
    }
    throw lostRace();
  }

  /** The per-session rules: the session waits for a sign-in, and its own sends are within the policy. */
  private void requireSendAllowed(StoredSession current, Instant now) {
    if (current.status() != SessionStatus.LOGIN_REQUIRED) {
      throw error(ErrorCode.CONFLICT, "the session does not wait for a sign-in", current);
    }
    LoginChallenge earlier = current.challenge();
    if (earlier != null && (earlier.sends() >= ctx.loginPolicy.maxSends()
        || now.isBefore(earlier.lastSentAt().plus(ctx.loginPolicy.minSendInterval())))) {
      throw tooManySends(current, now);
    }
  }

  /**
   * Counts the send against the address's and the tenant's limits in the store, shared by every node. The address
   * is counted under its keyed digest (lower-cased, as mail systems compare it), never in clear.
   */
  void countSend(StoredSession session, String email, Instant now) {
    String tenant = session.tenant();
    RateLimit perEmail = ctx.loginPolicy.emailLimit();
    RateLimit perTenant = ctx.loginPolicy.tenantLimit();
    String emailKey = "otp-email." + emailDigests.digest(email.toLowerCase(Locale.ROOT));
    // The address first: a flood aimed at one address is refused without eating into the tenant's allowance.
    if (ctx.store.incrementCounter(tenant, emailKey, now.plus(perEmail.window()), now) > perEmail.count()
        || ctx.store.incrementCounter(tenant, "otp-tenant", now.plus(perTenant.window()), now) > perTenant.count()) {
      throw tooManySends(session, now);
    }
  }

  /** The refusal of a send past a limit, published as a lockout of the session's sign-in. */
  HandoffException tooManySends(StoredSession session, Instant now) {
    ctx.publish(SessionEvent.Type.SIGN_IN_LOCKED, session, now);
    return new HandoffException(ErrorCode.TOO_MANY_ATTEMPTS, "too many codes sent; wait or start over");
  }

  /**
   * Hands the send to the executor, so that the caller's outcome and time are the same whether the email is known
   * (a code is sent), unknown (none is) or the sender is slow or failing.
   */
  private void sendLater(StoredSession session, String email, String code) {
    try {
      ctx.otpExecutor.execute(() -> send(session, email, code));
    } catch (RejectedExecutionException e) {
      notSent(session, e);
    }
  }

  private void send(StoredSession session, String email, String code) {
    try {
      if (ctx.users.findByEmail(session.tenant(), email).isPresent() || ctx.loginPolicy.signUp()) {
        ctx.otpSender.send(session.tenant(), session.id(), email, code);
      }
    } catch (RuntimeException e) {
      notSent(session, e);
    }
  }

  /** The challenge that replaces the session's current one: a fresh code, full attempts, one more send. */
  LoginChallenge nextChallenge(StoredSession current, String email, String code, Instant now) {
    LoginChallenge earlier = current.challenge();
    LoginPolicy policy = ctx.loginPolicy;
    return new LoginChallenge(email, ctx.codeDigests.digest(code), now.plus(policy.codeTtl()), policy.maxAttempts(),
        earlier == null ? 1 : earlier.sends() + 1, now);
  }

  /** Logs the failure by its type only: a sender's message may well quote the address or the code. */
  void notSent(StoredSession session, RuntimeException e) {
    log.warn("one-time code of session {} in tenant {} was not sent: {}", session.id(), session.tenant(),
        e.getClass().getName());
    ctx.publish(SessionEvent.Type.CODE_NOT_SENT, session, ctx.clock.instant());
  }

  BrowserSession verifyLogin(String browserSecret, String code, ClientInfo client) {
    if (code == null || code.isEmpty() || code.length() > 64) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "a code is required");
    }
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Instant now = ctx.clock.instant();
      StoredSession current = browser.bound(browserSecret, now);
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
      User user = ctx.codeDigests.matches(code, challenge.codeDigest())
          ? signInUser(current.tenant(), challenge) : null;
      if (user == null) {
        LoginChallenge spent = challenge.withOneAttemptLess();
        var next = current.toBuilder().challenge(spent).modifiedAt(now).version(current.version() + 1).build();
        if (ctx.replace(next, current.version())) {
          // Published by the one write that counted this guess, so the lockout is published once per code.
          ctx.publish(SessionEvent.Type.SIGN_IN_FAILED, next, now);
          if (spent.attemptsLeft() == 0) {
            ctx.publish(SessionEvent.Type.SIGN_IN_LOCKED, next, now);
            throw tooManyAttempts();
          }
          throw new HandoffException(ErrorCode.INVALID_TOKEN, "wrong code");
        }
        continue;
      }
      SessionLifecycle.check(current.status(), SessionStatus.ACTIVE);
      // A new browser secret on sign-in, bound in the same write: a secret planted or seen before the sign-in
      // (session fixation) never becomes a signed-in one.
      var rotated = BrowserSecret.create(current.tenant(), current.id(), ctx.random());
      var next = current.toBuilder().subject(new Subject.ExistingUser(user.id())).status(SessionStatus.ACTIVE)
          .challenge(null).browser(new BrowserBinding(ctx.browserDigests.digest(rotated.value()), now, now))
          .accessLog(AccessRecord.append(current.accessLog(), ctx.access.record(Step.SIGNED_IN, now, client)))
          .modifiedAt(now).version(current.version() + 1).build();
      if (ctx.replace(next, current.version())) {
        ctx.publish(SessionEvent.Type.SIGNED_IN, next, now);
        return new BrowserSession(Session.of(next, now), user, false, rotated.value());
      }
    }
    throw lostRace();
  }

  /** The user a verified email signs in as, or {@code null} if the tenant does not know it and sign-up is off. */
  private User signInUser(String tenant, LoginChallenge challenge) {
    var known = ctx.users.findByEmail(tenant, challenge.email());
    if (known.isPresent() || !ctx.loginPolicy.signUp()) {
      return known.orElse(null);
    }
    try {
      return ctx.users.create(tenant, UserDetails.ofEmail(challenge.email()));
    } catch (HandoffException e) {
      // A concurrent verification of the same code created it first.
      return ctx.users.findByEmail(tenant, challenge.email()).orElseThrow(() -> e);
    }
  }

  static HandoffException tooManyAttempts() {
    return new HandoffException(ErrorCode.TOO_MANY_ATTEMPTS, "too many wrong codes; request a new one");
  }
}
