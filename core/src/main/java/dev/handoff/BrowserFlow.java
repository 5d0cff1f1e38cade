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
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The browser session a redemption opened: recognises its secret on every page load, slides its idle timeout, and
 * ends it (logout, or completion from the hosted page).
 */
final class BrowserFlow {
  private final EngineContext ctx;
  /** CSRF tokens of the hosted page's forms: keyed digests of the browser secret, the same on every node. */
  private final KeyedDigest formTokens;
  /** The tenant of the last browser secret parsed, so that page loads of one tenant decode it once. */
  private final RecentTenant recentTenant = new RecentTenant();

  BrowserFlow(EngineContext ctx) {
    this.ctx = ctx;
    this.formTokens = new KeyedDigest(ctx.tokens::ring, MasterKey::tokenDigestKey, "form-token");
  }

  BrowserSession authenticate(String browserSecret) {
    Instant now = ctx.clock.instant();
    StoredSession session = bound(browserSecret, now);
    BrowserBinding browser = session.browser();
    // Coarse sliding: one write per tenth of the session's idle timeout, not one per page load. Losing the race is
    // fine. (Whole milliseconds: Duration.dividedBy goes through BigDecimal, too slow for every page load.)
    long refreshMillis = session.clocks().idleTimeout().toMillis() / 10;
    if (reached(now, browser.lastSeenAt(), refreshMillis / 1000, (refreshMillis % 1000) * 1_000_000)) {
      var seen = session.toBuilder().browser(browser.seenAt(now)).version(session.version() + 1).build();
      if (ctx.replace(seen, session.version())) {
        session = seen;
      }
    }
    LoginChallenge challenge = session.challenge();
    boolean loginStarted = challenge != null && challenge.attemptsLeft() > 0 && now.isBefore(challenge.expiresAt());
    return new BrowserSession(Session.of(session, now), session.subject() instanceof Subject.ExistingUser
        ? ctx.resolveUser(session) : null, loginStarted, null);
  }

  /** The session the secret is bound to, in whatever status; empty for any secret that is not its current one. */
  Optional<Session> sessionOf(String browserSecret) {
    var secret = BrowserSecret.parse(browserSecret, recentTenant);
    if (secret == null) {
      return Optional.empty();
    }
    return ctx.store.find(secret.tenant(), secret.sessionId())
        .filter(s -> s.browser() != null && ctx.browserDigests.matches(secret.value(), s.browser().secretDigest()))
        .map(s -> Session.of(s, ctx.clock.instant()));
  }

  String formToken(String browserSecret) {
    return formTokens.digest(browserSecret);
  }

  boolean isFormToken(String browserSecret, String token) {
    return browserSecret != null && token != null && token.length() <= 128
        && formTokens.matches(browserSecret, token);
  }

  Session logout(String browserSecret) {
    return transition(browserSecret, SessionStatus.LOGGED_OUT, SessionEvent.Type.LOGGED_OUT);
  }

  Session complete(String browserSecret) {
    return transition(browserSecret, SessionStatus.COMPLETED, SessionEvent.Type.COMPLETED);
  }

  private Session transition(String browserSecret, SessionStatus target, SessionEvent.Type event) {
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Instant now = ctx.clock.instant();
      StoredSession current = bound(browserSecret, now);
      SessionLifecycle.check(current.status(), target);
      var next = current.toBuilder().status(target).modifiedAt(now).version(current.version() + 1).build();
      if (ctx.replace(next, current.version())) {
        ctx.publish(event, next, now);
        return Session.of(next, now);
      }
    }
    throw lostRace();
  }

  /**
   * The live session a browser-session secret belongs to. Every failure is the same INVALID_TOKEN, so that a
   * secret cannot be probed; on the way, an idle browser session is logged out and an expired one marked, each
   * publishing its end once.
   */
  StoredSession bound(String browserSecret, Instant now) {
    var secret = BrowserSecret.parse(browserSecret, recentTenant);
    if (secret == null) {
      throw new HandoffException(ErrorCode.INVALID_TOKEN, "invalid browser session");
    }
    var found = ctx.store.find(secret.tenant(), secret.sessionId());
    if (found.isEmpty() || found.get().browser() == null
        || !ctx.browserDigests.matches(secret.value(), found.get().browser().secretDigest())) {
      throw new HandoffException(ErrorCode.INVALID_TOKEN, "invalid browser session");
    }
    StoredSession session = found.get();
    SessionStatus status = session.statusAt(now);
    if (status == SessionStatus.EXPIRED) {
      ctx.expired(session, now); // records the expiry; the caller still gets the uniform INVALID_TOKEN
      throw error(ErrorCode.INVALID_TOKEN, "the session has expired", session);
    }
    if (status != SessionStatus.ACTIVE && status != SessionStatus.LOGIN_REQUIRED) {
      throw error(ErrorCode.INVALID_TOKEN, "the browser session has ended", session);
    }
    Duration idleTimeout = session.clocks().idleTimeout();
    if (reached(now, session.browser().lastSeenAt(), idleTimeout.getSeconds(), idleTimeout.getNano())) {
      // modifiedAt = now, at or after the idle deadline, is how Session.endedByIdleness tells it from a sign-out.
      var loggedOut = session.toBuilder().status(SessionStatus.LOGGED_OUT).modifiedAt(now)
          .version(session.version() + 1).build();
      if (ctx.replace(loggedOut, session.version())) {
        ctx.publish(SessionEvent.Type.LOGGED_OUT, loggedOut, now);
        ctx.publish(SessionEvent.Type.ABANDONED, loggedOut, now); // redeemed, left, never completed
      }
      throw error(ErrorCode.INVALID_TOKEN, "the browser session was idle too long", session);
    }
    return session;
  }

  /**
   * Whether {@code now} is at or after {@code from} plus {@code seconds} and {@code nanos} (below one second): the
   * same answer as {@code !now.isBefore(from.plusSeconds(seconds).plusNanos(nanos))}, without building that instant
   * on every page load.
   */
  static boolean reached(Instant now, Instant from, long seconds, long nanos) {
    long deadlineSeconds = Math.addExact(from.getEpochSecond(), seconds);
    long deadlineNanos = from.getNano() + nanos;
    if (deadlineNanos >= 1_000_000_000L) {
      deadlineSeconds = Math.addExact(deadlineSeconds, 1);
      deadlineNanos -= 1_000_000_000L;
    }
    return now.getEpochSecond() > deadlineSeconds
        || now.getEpochSecond() == deadlineSeconds && now.getNano() >= deadlineNanos;
  }
}
