package dev.handoff;

import static dev.handoff.EngineContext.CAS_ATTEMPTS;
import static dev.handoff.EngineContext.error;
import static dev.handoff.EngineContext.lostRace;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import dev.handoff.spi.User;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosted page's entry: checks a URL token, consumes it atomically, binds a new browser session, and creates the
 * session's user if it was given as details.
 */
final class RedeemFlow {
  private static final Logger log = LoggerFactory.getLogger(Handoff.class);

  private final EngineContext ctx;

  RedeemFlow(EngineContext ctx) {
    this.ctx = ctx;
  }

  Redemption redeem(String token, ClientInfo client) {
    Instant now = ctx.clock.instant();
    TokenClaims claims = ctx.tokens.open(token, now);
    boolean tokenExpired = !now.isBefore(claims.expiresAt().plus(ctx.clockSkew));
    var found = ctx.store.find(claims.tenant(), claims.sessionId());
    if (found.isEmpty()) {
      // The token is authentic, so its session existed: an expired one may have been purged since.
      throw tokenExpired ? EngineContext.expiredError(null) : TokenCodec.invalid();
    }
    StoredSession session = found.get();
    if (session.tokenGeneration() != claims.generation()
        || !ctx.tokens.matches(claims.nonce(), session.tokenDigest())) {
      throw error(ErrorCode.INVALID_TOKEN, "this link was replaced by a newer one", session);
    }
    if (session.statusAt(now) == SessionStatus.EXPIRED) {
      throw ctx.expired(session, now);
    }
    if (tokenExpired) {
      // The link's deadline passed, not the session's: a reusable link no longer opens a session still in use.
      throw EngineContext.expiredError(session);
    }
    SessionStatus status = session.statusAt(now);
    boolean reuse = !session.singleUse()
        && (status == SessionStatus.ACTIVE || status == SessionStatus.LOGIN_REQUIRED);
    if (status != SessionStatus.OPEN && !reuse) {
      throw error(ErrorCode.INVALID_TOKEN, status == SessionStatus.ACTIVE || status == SessionStatus.LOGIN_REQUIRED
          ? "this link was already used" : "this session is " + status, session);
    }
    var secret = BrowserSecret.create(session.tenant(), session.id(), ctx.random());
    var browser = new BrowserBinding(ctx.browserDigests.digest(secret.value()), now, now);
    var access = ctx.access.record(AccessRecord.Step.REDEEMED, now, client);
    if (reuse) {
      return rebind(session, browser, access, secret, now);
    }
    User existing = null;
    if (session.subject() instanceof Subject.ExistingUser) {
      existing = ctx.resolveUser(session);
    } else if (session.subject() instanceof Subject.NewUser n
        && ctx.users.findByEmail(session.tenant(), n.details().email()).isPresent()) {
      // Either a concurrent redemption already created the user, or someone took the email meanwhile.
      if (ctx.reload(session).status() != SessionStatus.OPEN) {
        throw error(ErrorCode.INVALID_TOKEN, "this link was already used", session);
      }
      throw EngineContext.emailTaken();
    }
    SessionStatus target = session.subject().isAuthenticated() ? SessionStatus.ACTIVE : SessionStatus.LOGIN_REQUIRED;
    var consumed = ctx.consume(session, target, browser, access, now);
    if (consumed.isEmpty()) {
      StoredSession latest = ctx.reload(session);
      if (latest.statusAt(now) == SessionStatus.EXPIRED) {
        throw ctx.expired(latest, now);
      }
      throw error(ErrorCode.INVALID_TOKEN, "this link was already used", session);
    }
    StoredSession active = consumed.get();
    if (active.subject() instanceof Subject.NewUser n) {
      return provisionUser(active, n, secret, now);
    }
    return redeemed(active, existing, secret, now);
  }

  /**
   * A reusable link redeemed again: the new browser session replaces the earlier one. The session's end stays where
   * the first redemption put it: opening the link again never extends the time in the page.
   */
  private Redemption rebind(StoredSession session, BrowserBinding browser, AccessRecord access,
      BrowserSecret secret, Instant now) {
    StoredSession current = session;
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      var rebound = current.toBuilder().browser(browser).accessLog(AccessRecord.append(current.accessLog(), access))
          .modifiedAt(now).version(current.version() + 1).build();
      if (ctx.replace(rebound, current.version())) {
        return redeemed(rebound, ctx.resolveUser(rebound), secret, now);
      }
      current = ctx.reload(current);
      ctx.requireLive(current, now);
    }
    throw lostRace();
  }

  /** Creates the session's user; the caller consumed the token, so this runs once per session. */
  private Redemption provisionUser(StoredSession active, Subject.NewUser newUser, BrowserSecret secret, Instant now) {
    User user;
    try {
      user = ctx.users.create(active.tenant(), newUser.details());
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
      if (ctx.replace(bound, current.version())) {
        return redeemed(bound, user, secret, now);
      }
      current = ctx.reload(current);
    }
    throw lostRace();
  }

  /** Undoes a consume whose redemption failed afterwards, so that the end user can try the same link again. */
  private void reopen(StoredSession consumed) {
    var open = consumed.toBuilder()
        .status(SessionStatus.OPEN)
        .browser(null)
        .accessLog(List.of()) // the redemption did not happen after all
        .expiresAt(consumed.clocks().linkExpiresAt()) // the second clock had started: back to the link's deadline
        .version(consumed.version() + 1)
        .build();
    if (!ctx.replace(open, consumed.version())) {
      log.warn("could not reopen session {} after a failed redemption", consumed.id());
    }
  }

  private Redemption redeemed(StoredSession session, User user, BrowserSecret secret, Instant now) {
    log.debug("redeemed session {} in tenant {}", session.id(), session.tenant());
    ctx.publish(SessionEvent.Type.REDEEMED, session, now);
    return new Redemption(Session.of(session, now), user, secret.value());
  }
}
