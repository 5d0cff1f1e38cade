package dev.handoff;

import static dev.handoff.EngineContext.CAS_ATTEMPTS;
import static dev.handoff.EngineContext.error;
import static dev.handoff.EngineContext.lostRace;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.Intent;
import dev.handoff.spi.SessionClocks;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server side: creates sessions (idempotently), reads, lists and updates them, and mints their URLs. */
final class IssueFlow {
  private static final Logger log = LoggerFactory.getLogger(Handoff.class);

  private final EngineContext ctx;

  IssueFlow(EngineContext ctx) {
    this.ctx = ctx;
  }

  IssuedSession create(CreateSessionRequest request) {
    RequestFields.required(request, "request");
    Instant now = ctx.clock.instant();
    ctx.intents.validate(request.intent);
    Duration ttl = orDefault(request.ttl, "ttl", Handoff.MIN_TTL, ctx.defaultTtl, ctx.maxTtl);
    Duration idleTimeout = orDefault(request.idleTimeout, "idleTimeout", Handoff.MIN_IDLE_TIMEOUT,
        ctx.defaultIdleTimeout, ctx.maxIdleTimeout);
    Duration activeLifetime = orDefault(request.activeLifetime, "activeLifetime", Handoff.MIN_ACTIVE_LIFETIME,
        ctx.defaultActiveLifetime, ctx.maxActiveLifetime);
    boolean singleUse = request.singleUse == null ? ctx.singleUseByDefault : request.singleUse;
    checkDataSize(request.intent, request.metadata, request.subject);
    String fingerprint = null;
    if (request.idempotencyKey != null) {
      fingerprint = RequestFingerprint.of(request, ttl, singleUse);
      var earlier = ctx.store.findByIdempotencyKey(request.tenant, request.idempotencyKey);
      if (earlier.isPresent()) {
        return replay(earlier.get(), fingerprint, now);
      }
    }
    checkSubject(request.tenant, request.subject);
    String nonce = ctx.tokens.newNonce();
    var clocks = new SessionClocks(now.plus(ttl), idleTimeout, activeLifetime);
    var session = StoredSession.builder()
        .tenant(request.tenant)
        .id(ctx.ids.next(now))
        .intent(request.intent)
        .subject(request.subject)
        .callbackUrl(request.callbackUrl)
        .metadata(request.metadata)
        .presentation(request.theme == null && request.locale == null ? Map.of()
            : SessionPresentation.with(Map.of(), request.theme, request.locale))
        .createdAt(now)
        .modifiedAt(now)
        .expiresAt(clocks.linkExpiresAt())
        .clocks(clocks)
        .status(SessionStatus.OPEN)
        .tokenGeneration(1)
        .tokenDigest(ctx.tokens.digest(nonce))
        .singleUse(singleUse)
        .idempotency(request.idempotencyKey, fingerprint)
        .version(0)
        .build();
    try {
      ctx.insert(session);
    } catch (HandoffException e) {
      if (e.code() == ErrorCode.CONFLICT && request.idempotencyKey != null) {
        // A concurrent create with the same key won the insert: answer as its retry.
        var winner = ctx.store.findByIdempotencyKey(request.tenant, request.idempotencyKey).orElseThrow(() -> e);
        return replay(winner, fingerprint, now);
      }
      throw e;
    }
    log.debug("created session {} in tenant {}", session.id(), session.tenant());
    ctx.publish(SessionEvent.Type.CREATED, session, now);
    return issue(session, nonce, now);
  }

  private IssuedSession replay(StoredSession earlier, String fingerprint, Instant now) {
    if (!earlier.requestFingerprint().equals(fingerprint)) {
      throw new HandoffException(ErrorCode.CONFLICT, "idempotency key was already used with a different request");
    }
    if (!now.isBefore(earlier.createdAt().plus(Handoff.IDEMPOTENCY_WINDOW))) {
      throw new HandoffException(ErrorCode.CONFLICT, "idempotency key is older than 24 hours; use a new key");
    }
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      StoredSession current = attempt == 0 ? earlier : ctx.reload(earlier);
      if (current.statusAt(now) != SessionStatus.OPEN) {
        throw new HandoffException(ErrorCode.CONFLICT,
            "the session created under this idempotency key is " + current.statusAt(now));
      }
      String nonce = ctx.tokens.newNonce();
      var remint = current.toBuilder()
          .tokenGeneration(current.tokenGeneration() + 1)
          .tokenDigest(ctx.tokens.digest(nonce))
          .modifiedAt(now)
          .version(current.version() + 1)
          .build();
      if (ctx.replace(remint, current.version())) {
        return issue(remint, nonce, now);
      }
    }
    throw lostRace();
  }

  Session get(String tenant, String sessionId) {
    return Session.of(ctx.find(tenant, sessionId), ctx.clock.instant());
  }

  SessionList list(String tenant, String cursor, int limit) {
    RequestFields.tenant(tenant);
    if (limit < 1 || limit > Handoff.MAX_PAGE_SIZE) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "limit must be 1 to " + Handoff.MAX_PAGE_SIZE);
    }
    RequestFields.cursor(cursor);
    Instant now = ctx.clock.instant();
    var page = ctx.store.list(tenant, cursor, limit);
    return new SessionList(page.sessions().stream().map(s -> Session.of(s, now)).toList(), page.nextCursor());
  }

  IssuedSession update(String tenant, String sessionId, UpdateSessionRequest request) {
    RequestFields.required(request, "request");
    RequestFields.tenant(tenant);
    RequestFields.sessionId(sessionId);
    if (request.intent != null) {
      ctx.intents.validate(request.intent);
    }
    if (request.changesUser()) {
      checkSubject(tenant, request.subject);
    }
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Instant now = ctx.clock.instant();
      StoredSession current = ctx.find(tenant, sessionId);
      SessionStatus status = ctx.requireLive(current, now);
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
      if (request.theme != null || request.locale != null) {
        next.presentation(SessionPresentation.with(current.presentation(), request.theme, request.locale));
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
        nonce = ctx.tokens.newNonce();
        // A new link, but not a longer life: it may be opened until the session's current end, which becomes its
        // link deadline again (for an OPEN session that is the deadline it had; for one redeemed but not signed in,
        // the end its redemption set). Redeeming it starts the active lifetime anew.
        SessionClocks clocks = current.clocks();
        next.subject(request.subject)
            .status(SessionStatus.OPEN)
            .clocks(new SessionClocks(current.expiresAt(), clocks.idleTimeout(), clocks.activeLifetime()))
            .browser(null)
            .challenge(null)
            .accessLog(List.of()) // an OPEN session has not been redeemed
            .tokenGeneration(current.tokenGeneration() + 1)
            .tokenDigest(ctx.tokens.digest(nonce));
      }
      StoredSession updated = next.build();
      checkDataSize(updated.intent(), updated.metadata(), updated.subject());
      if (ctx.replace(updated, current.version())) {
        ctx.publish(SessionEvent.Type.UPDATED, updated, now);
        return nonce == null ? new IssuedSession(Session.of(updated, now), null, null) : issue(updated, nonce, now);
      }
    }
    throw lostRace();
  }

  private void checkSubject(String tenant, Subject subject) {
    if (subject instanceof Subject.ExistingUser u && ctx.users.findById(tenant, u.userId()).isEmpty()) {
      throw new HandoffException(ErrorCode.NOT_FOUND, "no user " + u.userId() + " in tenant " + tenant);
    }
    if (subject instanceof Subject.NewUser n && ctx.users.findByEmail(tenant, n.details().email()).isPresent()) {
      throw EngineContext.emailTaken();
    }
  }

  private void checkDataSize(Intent intent, Map<String, Object> metadata, Subject subject) {
    long bytes = SessionDataSize.of(intent, metadata, subject);
    if (bytes > ctx.maxSessionDataBytes) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST, "intent payload, metadata and user details take "
          + bytes + " bytes as JSON, more than the limit of " + ctx.maxSessionDataBytes + " bytes");
    }
  }

  /** The requested duration, or the engine's default when none was asked for; INVALID_REQUEST out of bounds. */
  private static Duration orDefault(Duration requested, String field, Duration min, Duration byDefault,
      Duration max) {
    if (requested == null) {
      return byDefault;
    }
    if (requested.compareTo(min) < 0 || requested.compareTo(max) > 0) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST,
          field + " must be between " + min + " and " + max + ", got " + requested);
    }
    return requested;
  }

  /**
   * {@code id} encoded for a query string. The engine's own ids ({@link SessionIds}) need no encoding, which is
   * recognised without the encoder's buffers; any other identifier is encoded.
   */
  private static String queryValue(String id) {
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
      }
    }
    return id;
  }

  /** The URL (and token) of a session whose stored digest is that of {@code nonce}. */
  private IssuedSession issue(StoredSession session, String nonce, Instant now) {
    String token = ctx.tokens.mint(new TokenClaims(session.tenant(), session.id(), session.tokenGeneration(), now,
        session.clocks().linkExpiresAt(), nonce));
    String url = ctx.hostedPageUrl + (ctx.hostedPageUrl.indexOf('?') < 0 ? '?' : '&')
        + "session=" + queryValue(session.id()) + "&token=" + token;
    return new IssuedSession(Session.of(session, now), url, token);
  }
}
