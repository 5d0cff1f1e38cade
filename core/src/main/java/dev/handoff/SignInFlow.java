package dev.handoff;

import static dev.handoff.EngineContext.CAS_ATTEMPTS;
import static dev.handoff.EngineContext.error;
import static dev.handoff.EngineContext.lostRace;

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

/** One-time-code sign-in of an unauthenticated session's browser: sends a code, then checks it. */
final class SignInFlow {
  private final EngineContext ctx;
  private final BrowserFlow browser;

  SignInFlow(EngineContext ctx, BrowserFlow browser) {
    this.ctx = ctx;
    this.browser = browser;
  }

  void startLogin(String browserSecret, String email) {
    if (ctx.otpSender == null) {
      throw new HandoffException(ErrorCode.UNPROCESSABLE, "one-time-code sign-in is not configured");
    }
    RequestFields.email(email);
    LoginPolicy policy = ctx.loginPolicy;
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Instant now = ctx.clock.instant();
      StoredSession current = browser.bound(browserSecret, now);
      if (current.status() != SessionStatus.LOGIN_REQUIRED) {
        throw error(ErrorCode.CONFLICT, "the session does not wait for a sign-in", current);
      }
      LoginChallenge earlier = current.challenge();
      if (earlier != null && (earlier.sends() >= policy.maxSends()
          || now.isBefore(earlier.lastSentAt().plus(policy.minSendInterval())))) {
        throw new HandoffException(ErrorCode.TOO_MANY_ATTEMPTS, "too many codes sent; wait or start over");
      }
      String code = ctx.codes.next();
      var challenge = new LoginChallenge(email, ctx.codeDigests.digest(code), now.plus(policy.codeTtl()),
          policy.maxAttempts(), earlier == null ? 1 : earlier.sends() + 1, now);
      var next = current.toBuilder().challenge(challenge).modifiedAt(now).version(current.version() + 1).build();
      if (ctx.store.replace(next, current.version())) {
        boolean mayEnter = ctx.users.findByEmail(current.tenant(), email).isPresent() || policy.signUp();
        if (mayEnter) {
          ctx.otpSender.send(current.tenant(), current.id(), email, code);
        }
        return;
      }
    }
    throw lostRace();
  }

  BrowserSession verifyLogin(String browserSecret, String code) {
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
        if (ctx.store.replace(next, current.version())) {
          throw spent.attemptsLeft() == 0 ? tooManyAttempts()
              : new HandoffException(ErrorCode.INVALID_TOKEN, "wrong code");
        }
        continue;
      }
      SessionLifecycle.check(current.status(), SessionStatus.ACTIVE);
      // A new browser secret on sign-in, bound in the same write: a secret planted or seen before the sign-in
      // (session fixation) never becomes a signed-in one.
      var rotated = BrowserSecret.create(current.tenant(), current.id(), ctx.random());
      var next = current.toBuilder().subject(new Subject.ExistingUser(user.id())).status(SessionStatus.ACTIVE)
          .challenge(null).browser(new BrowserBinding(ctx.browserDigests.digest(rotated.value()), now, now))
          .modifiedAt(now).version(current.version() + 1).build();
      if (ctx.store.replace(next, current.version())) {
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

  private static HandoffException tooManyAttempts() {
    return new HandoffException(ErrorCode.TOO_MANY_ATTEMPTS, "too many wrong codes; request a new one");
  }
}
