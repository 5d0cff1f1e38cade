package dev.handoff;

import static dev.handoff.EngineContext.CAS_ATTEMPTS;
import static dev.handoff.EngineContext.error;
import static dev.handoff.EngineContext.lostRace;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.LoginChallenge;
import dev.handoff.spi.Recovery;
import dev.handoff.spi.SessionClocks;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import dev.handoff.spi.User;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery that keeps the intent: a session whose link expired or was used, or whose browser session ended, is
 * replaced by a new one with the same intent after the end user proved by a one-time code that they hold the
 * session's user's email.
 *
 * <p>Which sessions qualify ({@link #refusal}): their intent type allows recovery, they were not replaced yet and
 * their chain has recoveries left, they were neither completed nor revoked, their link does not simply still work,
 * and they ended less than the engine's retention ago (while the store still keeps them). The code is stored on
 * the original as its {@link LoginChallenge}, rate-limited like a sign-in (per session, per email address, per
 * tenant, publishing the sign-in's events), and sent off the caller's thread only if the email is the user's: the
 * caller learns nothing about the email. The right code claims the original with one compare-and-set (its {@link Recovery#replacedBy}), so of two
 * browsers recovering it at once exactly one gets the replacement; a live original (a used link) ends as
 * {@link SessionStatus#LOGGED_OUT} in the same write.
 */
final class RecoveryFlow {
  private static final Logger log = LoggerFactory.getLogger(Handoff.class);

  private final EngineContext ctx;
  private final SignInFlow signIn;
  private final RecoveryTickets tickets;

  RecoveryFlow(EngineContext ctx, SignInFlow signIn) {
    this.ctx = ctx;
    this.signIn = signIn;
    this.tickets = new RecoveryTickets(new KeyedDigest(ctx.tokens::ring, MasterKey::tokenDigestKey,
        "recovery-ticket"));
  }

  /** The offer for a link that no longer redeems: an authentic token names its session even once expired. */
  Optional<RecoveryOffer> forLink(String token) {
    Instant now = ctx.clock.instant();
    TokenClaims claims;
    try {
      claims = ctx.tokens.open(token, now);
    } catch (HandoffException e) {
      return Optional.empty();
    }
    // Only the session's current link stands for it, not one that a newer link replaced.
    return ctx.store.find(claims.tenant(), claims.sessionId())
        .filter(s -> s.tokenGeneration() == claims.generation() && ctx.tokens.matches(claims.nonce(), s.tokenDigest()))
        .flatMap(s -> offer(s, now));
  }

  /** The offer for a browser whose session ended (expired, signed out, idle): its cookie names the session. */
  Optional<RecoveryOffer> forBrowser(String browserSecret) {
    var secret = BrowserSecret.parse(browserSecret);
    if (secret == null) {
      return Optional.empty();
    }
    Instant now = ctx.clock.instant();
    return ctx.store.find(secret.tenant(), secret.sessionId())
        .filter(s -> s.browser() != null && ctx.browserDigests.matches(secret.value(), s.browser().secretDigest()))
        .filter(s -> s.statusAt(now) == SessionStatus.EXPIRED || s.statusAt(now) == SessionStatus.LOGGED_OUT)
        .flatMap(s -> offer(s, now));
  }

  /** The offer a ticket stands for, if the session can still be recovered. */
  Optional<RecoveryOffer> forTicket(String ticket) {
    Instant now = ctx.clock.instant();
    RecoveryTickets.Ticket named = tickets.open(ticket, now);
    if (named == null) {
      return Optional.empty();
    }
    return ctx.store.find(named.tenant(), named.sessionId()).filter(s -> refusal(s, now) == null)
        .map(s -> new RecoveryOffer(Session.of(s, now), ticket, codeSent(s.challenge(), now)));
  }

  private Optional<RecoveryOffer> offer(StoredSession session, Instant now) {
    if (refusal(session, now) != null) {
      return Optional.empty();
    }
    return Optional.of(new RecoveryOffer(Session.of(session, now),
        tickets.issue(session.tenant(), session.id(), now), false));
  }

  private static boolean codeSent(LoginChallenge challenge, Instant now) {
    return challenge != null && challenge.attemptsLeft() > 0 && now.isBefore(challenge.expiresAt());
  }

  /** Why the session cannot be recovered now, or {@code null} if it can. */
  private String refusal(StoredSession session, Instant now) {
    if (ctx.otpSender == null) {
      return "the engine cannot send one-time codes";
    }
    IntentType type = ctx.intents.find(session.intent().type()).orElse(null);
    if (type == null || type.maxRecoveries() == 0) {
      return "its intent type does not allow recovery";
    }
    Recovery recovery = session.recovery();
    if (recovery.replacedBy() != null) {
      return "it was recovered already";
    }
    if (recovery.count() >= type.maxRecoveries()) {
      return "it was recovered as often as its intent type allows";
    }
    if (session.subject() instanceof Subject.Anonymous && !type.recoversWithoutUser()) {
      return "it has no user";
    }
    if (!now.isBefore(session.expiresAt().plus(ctx.retention))) {
      return "it ended longer than the retention ago";
    }
    return switch (session.statusAt(now)) {
      case OPEN -> "its link still works";
      case COMPLETED -> "it was completed";
      case REVOKED -> "it was revoked";
      case EXPIRED, LOGGED_OUT, ACTIVE, LOGIN_REQUIRED -> null;
    };
  }

  void start(String ticket, String email) {
    if (ctx.otpSender == null) {
      throw new HandoffException(ErrorCode.UNPROCESSABLE, "one-time-code sign-in is not configured");
    }
    RequestFields.email(email);
    Instant now = ctx.clock.instant();
    RecoveryTickets.Ticket named = open(ticket, now);
    StoredSession current = recoverable(named, now);
    requireSendAllowed(current, now);
    // Counted once per call, before the write, whether or not the email is the user's.
    signIn.countSend(current, email, now);
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      if (attempt > 0) {
        now = ctx.clock.instant();
        current = recoverable(named, now);
        requireSendAllowed(current, now);
      }
      String code = ctx.codes.next();
      LoginChallenge challenge = signIn.nextChallenge(current, email, code, now);
      var next = current.toBuilder().challenge(challenge).modifiedAt(touched(current, now))
          .version(current.version() + 1).build();
      if (ctx.replace(next, current.version())) {
        ctx.publish(SessionEvent.Type.SIGN_IN_STARTED, next, now);
        sendLater(next, email, code);
        return;
      }
    }
    throw lostRace();
  }

  /** A session's own sends are limited as a sign-in's are. */
  private void requireSendAllowed(StoredSession current, Instant now) {
    LoginChallenge earlier = current.challenge();
    if (earlier != null && (earlier.sends() >= ctx.loginPolicy.maxSends()
        || now.isBefore(earlier.lastSentAt().plus(ctx.loginPolicy.minSendInterval())))) {
      throw signIn.tooManySends(current, now);
    }
  }

  /** Sends on the OTP executor, only to the user's email, so that the caller's outcome and time say nothing. */
  private void sendLater(StoredSession session, String email, String code) {
    try {
      ctx.otpExecutor.execute(() -> {
        try {
          if (isUsersEmail(session, email)) {
            ctx.otpSender.send(session.tenant(), session.id(), email, code);
          }
        } catch (RuntimeException e) {
          signIn.notSent(session, e);
        }
      });
    } catch (RejectedExecutionException e) {
      signIn.notSent(session, e);
    }
  }

  /** Whether a code for {@code email} may go out: it is the session's user's, by the directory's comparison. */
  private boolean isUsersEmail(StoredSession session, String email) {
    if (session.subject() instanceof Subject.NewUser n) {
      return sameEmail(n.details().email(), email);
    }
    return knownUser(session, email) != null;
  }

  /**
   * The user the verified {@code email} recovers the session as, or {@code null}: the session's user if the email
   * is theirs, the user to create from a session's {@code userDetails} with that email (created now if the link
   * never was redeemed), or for a session without a user, the tenant's user with that email.
   */
  private User recoveringUser(StoredSession session, String email) {
    if (!(session.subject() instanceof Subject.NewUser n)) {
      return knownUser(session, email);
    }
    if (!sameEmail(n.details().email(), email)) {
      return null;
    }
    var known = ctx.users.findByEmail(session.tenant(), email);
    if (known.isPresent()) {
      return known.get();
    }
    try {
      return ctx.users.create(session.tenant(), n.details());
    } catch (HandoffException e) {
      // A concurrent recovery created it first.
      return ctx.users.findByEmail(session.tenant(), email).orElseThrow(() -> e);
    }
  }

  private User knownUser(StoredSession session, String email) {
    User user = ctx.users.findByEmail(session.tenant(), email).orElse(null);
    if (user != null && session.subject() instanceof Subject.ExistingUser u && !user.id().equals(u.userId())) {
      return null;
    }
    return user;
  }

  private static boolean sameEmail(String a, String b) {
    return a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
  }

  Redemption recover(String ticket, String code, ClientInfo client) {
    if (code == null || code.isEmpty() || code.length() > 64) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "a code is required");
    }
    RequestFields.required(client, "client");
    RecoveryTickets.Ticket named = open(ticket, ctx.clock.instant());
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Instant now = ctx.clock.instant();
      StoredSession current = recoverable(named, now);
      LoginChallenge challenge = current.challenge();
      if (challenge == null) {
        throw error(ErrorCode.CONFLICT, "no code was requested for this recovery", current);
      }
      if (challenge.attemptsLeft() == 0) {
        throw SignInFlow.tooManyAttempts();
      }
      if (!now.isBefore(challenge.expiresAt())) {
        throw new HandoffException(ErrorCode.EXPIRED, "the code has expired; request a new one");
      }
      // The right code for an email that is not the user's (none was sent) recovers nothing: a wrong code.
      User user = ctx.codeDigests.matches(code, challenge.codeDigest())
          ? recoveringUser(current, challenge.email()) : null;
      if (user == null) {
        LoginChallenge spent = challenge.withOneAttemptLess();
        var next = current.toBuilder().challenge(spent).modifiedAt(touched(current, now))
            .version(current.version() + 1).build();
        if (ctx.replace(next, current.version())) {
          // The sign-in's events, published by the one write that counted this guess.
          ctx.publish(SessionEvent.Type.SIGN_IN_FAILED, next, now);
          if (spent.attemptsLeft() == 0) {
            ctx.publish(SessionEvent.Type.SIGN_IN_LOCKED, next, now);
            throw SignInFlow.tooManyAttempts();
          }
          throw new HandoffException(ErrorCode.INVALID_TOKEN, "wrong code");
        }
        continue;
      }
      Redemption replaced = replace(current, user, client, now);
      if (replaced != null) {
        return replaced;
      }
    }
    throw lostRace();
  }

  /**
   * Claims the original for a new id (one compare-and-set: of concurrent recoveries, one wins), then stores the
   * replacement: same tenant, intent, callback, metadata and presentation, the user as subject, the clocks' lengths
   * started anew, already active in a new browser session. {@code null} if the original changed meanwhile.
   */
  private Redemption replace(StoredSession original, User user, ClientInfo client, Instant now) {
    String id = ctx.ids.nextLike(original.id(), now);
    SessionStatus status = original.statusAt(now);
    boolean live = status == SessionStatus.ACTIVE || status == SessionStatus.LOGIN_REQUIRED;
    var claimed = original.toBuilder()
        .recovery(original.recovery().replacedBy(id))
        .challenge(null)
        // A used link's session, live in another browser, ends there: the replacement takes its place.
        .status(live ? SessionStatus.LOGGED_OUT : original.status())
        .modifiedAt(touched(original, now))
        .version(original.version() + 1)
        .build();
    if (!ctx.replace(claimed, original.version())) {
      return null;
    }
    var secret = BrowserSecret.create(original.tenant(), id, ctx.random());
    SessionClocks lengths = original.clocks();
    var replacement = StoredSession.builder()
        .tenant(original.tenant())
        .id(id)
        .intent(original.intent())
        .subject(new Subject.ExistingUser(user.id()))
        .callbackUrl(original.callbackUrl())
        .metadata(original.metadata())
        .presentation(original.presentation())
        .createdAt(now)
        .modifiedAt(now)
        .expiresAt(now.plus(lengths.activeLifetime()))
        .status(SessionStatus.ACTIVE)
        .tokenGeneration(1)
        .tokenDigest(ctx.tokens.digest(ctx.tokens.newNonce())) // it has no link: nobody keeps this nonce
        .singleUse(original.singleUse())
        .browser(new BrowserBinding(ctx.browserDigests.digest(secret.value()), now, now))
        // No link to open (it is already redeemed); the lengths the original was created with, from now.
        .clocks(new SessionClocks(now, lengths.idleTimeout(), lengths.activeLifetime()))
        .recovery(new Recovery(original.id(), null, original.recovery().count() + 1))
        .accessLog(List.of(ctx.access.record(AccessRecord.Step.RECOVERED, now, client)))
        .version(0)
        .build();
    try {
      ctx.insert(replacement);
    } catch (RuntimeException e) {
      release(claimed, original, e);
      throw e;
    }
    log.debug("recovered session {} in tenant {} as {}", original.id(), original.tenant(), id);
    if (live) {
      ctx.publish(SessionEvent.Type.LOGGED_OUT, claimed, now);
    }
    ctx.publish(SessionEvent.Type.RECOVERED, replacement, now);
    return new Redemption(Session.of(replacement, now), user, secret.value());
  }

  /** Undoes a claim whose replacement could not be stored, so that the end user can try the same code again. */
  private void release(StoredSession claimed, StoredSession original, RuntimeException failure) {
    try {
      if (!ctx.replace(original.toBuilder().version(claimed.version() + 1).build(), claimed.version())) {
        log.warn("could not release session {} after a failed recovery", original.id());
      }
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * The {@code modifiedAt} of a write to a session being recovered: an ended one keeps the time it ended, from which
   * pages tell how it ended ({@link Session#endedByIdleness()}).
   */
  private static Instant touched(StoredSession session, Instant now) {
    return session.status().isTerminal() ? session.modifiedAt() : now;
  }

  private RecoveryTickets.Ticket open(String ticket, Instant now) {
    RecoveryTickets.Ticket named = tickets.open(ticket, now);
    if (named == null) {
      throw new HandoffException(ErrorCode.INVALID_TOKEN, "invalid or expired recovery");
    }
    return named;
  }

  /** The session a ticket names, its expiry recorded first (once, with its event), if it can be recovered. */
  private StoredSession recoverable(RecoveryTickets.Ticket named, Instant now) {
    StoredSession session = ctx.store.find(named.tenant(), named.sessionId()).orElseThrow(() ->
        new HandoffException(ErrorCode.INVALID_TOKEN, "the session to recover no longer exists"));
    if (session.statusAt(now) == SessionStatus.EXPIRED && !session.status().isTerminal()) {
      ctx.expired(session, now);
      session = ctx.reload(session);
    }
    String refusal = refusal(session, now);
    if (refusal != null) {
      throw error(ErrorCode.CONFLICT, "this session cannot be recovered: " + refusal, session);
    }
    return session;
  }
}
