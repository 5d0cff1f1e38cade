package dev.handoff;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.OtpSender;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import dev.handoff.spi.User;
import dev.handoff.spi.UserDirectory;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every flow of one engine shares: its configuration, the store, the clock, the key ring, the random source
 * and the listeners, with the few steps all flows take (finding a session, recording its expiry, publishing an
 * event). Immutable after construction except for the key ring, which {@link TokenCodec} swaps atomically;
 * thread-safe.
 */
final class EngineContext {
  private static final Logger log = LoggerFactory.getLogger(Handoff.class);

  /** How often a compare-and-set that lost a race is retried before giving up with CONFLICT. */
  static final int CAS_ATTEMPTS = 16;

  final SessionStore store;
  final UserDirectory users;
  final Clock clock;
  final String hostedPageUrl;
  final Duration defaultTtl;
  final Duration maxTtl;
  final Duration retention;
  final Duration clockSkew;
  final boolean singleUseByDefault;
  final IntentRegistry intents;
  final Duration idleTimeout;
  final OtpSender otpSender;
  final LoginPolicy loginPolicy;
  final int maxSessionDataBytes;
  final SessionIds ids;
  final TokenCodec tokens;
  final KeyedDigest browserDigests;
  final KeyedDigest codeDigests;
  final OneTimeCodes codes;
  private final List<SessionListener> listeners;
  /**
   * One DRBG per thread: the platform default (NativePRNG) serialises every thread on one global lock, measured at
   * 175 ns per call alone and 1 µs with two threads (benchmarks/README.md).
   */
  private final ThreadLocal<SecureRandom> random = ThreadLocal.withInitial(EngineContext::newDrbg);

  EngineContext(Handoff.Builder b) {
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
    this.maxSessionDataBytes = b.maxSessionDataBytes;
    this.ids = new SessionIds(b.idPrefix, random::get);
    this.tokens = new TokenCodec(b.keys, b.clockSkew, b.maxTokenLength);
    this.browserDigests = new KeyedDigest(tokens::ring, MasterKey::tokenDigestKey, "browser-session");
    this.codeDigests = new KeyedDigest(tokens::ring, MasterKey::otpDigestKey, "one-time-code");
    this.codes = new OneTimeCodes(b.loginPolicy, random::get);
  }

  private static SecureRandom newDrbg() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("DRBG is required by every Java 17 platform", e);
    }
  }

  /** This thread's random source. */
  SecureRandom random() {
    return random.get();
  }

  StoredSession find(String tenant, String sessionId) {
    RequestFields.tenant(tenant);
    RequestFields.sessionId(sessionId);
    return store.find(tenant, sessionId).orElseThrow(() ->
        new HandoffException(ErrorCode.NOT_FOUND, "no session " + sessionId + " in tenant " + tenant));
  }

  StoredSession reload(StoredSession session) {
    return find(session.tenant(), session.id());
  }

  /** The session's status at {@code now}; a finished session cannot change any more. */
  SessionStatus requireLive(StoredSession session, Instant now) {
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
  HandoffException expired(StoredSession session, Instant now) {
    if (!session.status().isTerminal()) {
      var expired = session.toBuilder().status(SessionStatus.EXPIRED).modifiedAt(now)
          .version(session.version() + 1).build();
      if (store.replace(expired, session.version())) {
        publish(SessionEvent.Type.EXPIRED, expired, now);
      }
    }
    return expiredError(session);
  }

  static HandoffException expiredError(StoredSession session) {
    return error(ErrorCode.EXPIRED, "the session has expired", session);
  }

  /** An error about an identified session: it carries the callback URL, so the hosted page has a way back. */
  static HandoffException error(ErrorCode code, String message, StoredSession session) {
    return new HandoffException(code, message, session == null ? null : session.callbackUrl(), null);
  }

  static HandoffException lostRace() {
    return new HandoffException(ErrorCode.CONFLICT, "the session is being changed concurrently; try again");
  }

  static HandoffException emailTaken() {
    return new HandoffException(ErrorCode.UNPROCESSABLE, "a user with this email already exists");
  }

  /** The session's user, or {@code null} for a session without one. */
  User resolveUser(StoredSession session) {
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

  void publish(SessionEvent.Type type, StoredSession session, Instant now) {
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
}
