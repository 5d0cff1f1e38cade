package dev.handoff;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.BrowserBinding;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
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
  /** How often a session is read again to learn whether a write whose outcome was unknown landed. */
  private static final int REREAD_ATTEMPTS = 3;

  /**
   * For reads and counters. Session writes go through {@link #insert}, {@link #replace} and {@link #consume},
   * which survive a lost acknowledgement; a counter increment whose outcome is unknown may count one too many.
   */
  final SessionStore store;
  final UserDirectory users;
  final Clock clock;
  final String hostedPageUrl;
  final Duration defaultTtl;
  final Duration maxTtl;
  final Duration defaultIdleTimeout;
  final Duration maxIdleTimeout;
  final Duration defaultActiveLifetime;
  final Duration maxActiveLifetime;
  final Duration retention;
  final Duration clockSkew;
  final boolean singleUseByDefault;
  final IntentRegistry intents;
  final OtpSender otpSender;
  final LoginPolicy loginPolicy;
  final int maxSessionDataBytes;
  final Executor otpExecutor;
  final SessionIds ids;
  final TokenCodec tokens;
  final KeyedDigest browserDigests;
  final KeyedDigest codeDigests;
  final OneTimeCodes codes;
  /** Makes the access log's records from what the HTTP layer saw, by the embedder's address policy. */
  final AccessRecorder access;
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
    this.defaultIdleTimeout = b.idleTimeout;
    this.maxIdleTimeout = b.maxIdleTimeout;
    this.defaultActiveLifetime = b.defaultActiveLifetime;
    this.maxActiveLifetime = b.maxActiveLifetime;
    this.retention = b.retention;
    this.clockSkew = b.clockSkew;
    this.singleUseByDefault = b.singleUse;
    this.intents = b.intents;
    this.listeners = List.copyOf(b.listeners);
    this.otpSender = b.otpSender;
    this.loginPolicy = b.loginPolicy;
    this.maxSessionDataBytes = b.maxSessionDataBytes;
    this.otpExecutor = b.otpExecutor;
    this.ids = new SessionIds(b.idPrefix, random::get);
    this.tokens = new TokenCodec(b.keys, b.clockSkew, b.maxTokenLength);
    this.browserDigests = new KeyedDigest(tokens::ring, MasterKey::tokenDigestKey, "browser-session");
    this.codeDigests = new KeyedDigest(tokens::ring, MasterKey::otpDigestKey, "one-time-code");
    this.codes = new OneTimeCodes(b.loginPolicy, random::get);
    this.access = new AccessRecorder(b.addressPolicy,
        new KeyedDigest(tokens::ring, MasterKey::tokenDigestKey, "client-address"));
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

  /*
   * Writes whose outcome may be unknown. A store that fails with STORAGE_UNAVAILABLE may have applied the write (the
   * commit landed, its acknowledgement was lost). Each write below then re-reads the session and recognises its
   * own write by a value nobody else can have written (the whole new session, or the digest of the browser secret
   * generated for it), so the caller gets the success it had, and never a burnt link or a "failed" change that
   * was made. If the write did not land, the failure is passed on and means that nothing changed; if the re-read
   * fails too, the original failure is passed on, its outcome still unknown.
   */

  /** {@link SessionStore#insert}, recognising an insert that landed. */
  void insert(StoredSession session) {
    try {
      store.insert(session);
    } catch (HandoffException e) {
      if (!outcomeUnknown(e) || !session.equals(reread(session.tenant(), session.id(), e).orElse(null))) {
        throw e;
      }
      log.info("recognised session {} as stored after a failure whose outcome was unknown", session.id());
    }
  }

  /** {@link SessionStore#replace}; {@code true} also when a failed write is found to have landed. */
  boolean replace(StoredSession next, long expectedVersion) {
    try {
      return store.replace(next, expectedVersion);
    } catch (HandoffException e) {
      if (!outcomeUnknown(e)) {
        throw e;
      }
      StoredSession stored = reread(next.tenant(), next.id(), e).orElse(null);
      if (next.equals(stored)) {
        log.info("recognised the write of version {} of session {} after a failure whose outcome was unknown",
            next.version(), next.id());
        return true;
      }
      if (stored != null && stored.version() == expectedVersion) {
        throw e; // not applied: nothing changed
      }
      return false; // someone else's write is there: as if the compare-and-set had lost a race
    }
  }

  /**
   * {@link SessionStore#consume(StoredSession, SessionStatus, BrowserBinding, AccessRecord, Instant)} of a session
   * just found, recognising a consume that landed by the browser binding it stored.
   */
  Optional<StoredSession> consume(StoredSession found, SessionStatus target, BrowserBinding browser,
      AccessRecord access, Instant now) {
    try {
      return store.consume(found, target, browser, access, now);
    } catch (HandoffException e) {
      if (!outcomeUnknown(e)) {
        throw e;
      }
      StoredSession stored = reread(found.tenant(), found.id(), e).orElse(null);
      if (stored == null || stored.browser() == null
          || !stored.browser().secretDigest().equals(browser.secretDigest())) {
        throw e;
      }
      log.info("recognised the redemption of session {} after a failure whose outcome was unknown", found.id());
      return Optional.of(stored);
    }
  }

  private static boolean outcomeUnknown(HandoffException e) {
    return e.code() == ErrorCode.STORAGE_UNAVAILABLE;
  }

  /** The stored session, read again after {@code failure}; a few tries, then {@code failure} itself is thrown. */
  private Optional<StoredSession> reread(String tenant, String id, HandoffException failure) {
    for (int attempt = 0; attempt < REREAD_ATTEMPTS; attempt++) {
      try {
        return store.find(tenant, id);
      } catch (HandoffException e) {
        if (!outcomeUnknown(e)) {
          throw e;
        }
        failure.addSuppressed(e);
      }
    }
    throw failure;
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

  /** Records that the session expired (see {@link #markExpired}) and returns the error to throw. */
  HandoffException expired(StoredSession session, Instant now) {
    markExpired(session, now);
    return expiredError(session);
  }

  /**
   * Marks a session whose time ran out {@link SessionStatus#EXPIRED} by a compare-and-set from the version read,
   * and publishes its end only if this write won: {@link SessionEvent.Type#EXPIRED}, then
   * {@link SessionEvent.Type#ABANDONED} if it had been redeemed. Expired is final, so of all the nodes and threads
   * that notice the same expiry (on a read, or sweeping), exactly one marks it and publishes.
   *
   * @param session a session as read, expired at {@code now}
   * @return whether this call marked it
   */
  boolean markExpired(StoredSession session, Instant now) {
    if (session.status().isTerminal()) {
      return false;
    }
    var expired = expiredVersionOf(session, now);
    if (!replace(expired, session.version())) {
      return false; // someone else changed it first: whoever marked it published its end
    }
    publishEnd(session, expired, now);
    return true;
  }

  /**
   * {@link #markExpired} of a batch of sessions with one {@link SessionStore#replaceEach}, which a store may apply
   * in one transaction: each session's end is published only if its own compare-and-set won. If the store fails
   * with an unknown outcome, each session is read again and its end published if the stored value is the one this
   * call wrote (only this call can have written it: the same version, with this call's {@code modifiedAt}), so a
   * lost acknowledgement neither loses nor doubles an event. The failure is then passed on if some session still
   * holds the version read (its mark did not land; a later sweep marks it), as {@link #replace} does; if reading
   * again fails too, the ends recognised so far are published and that failure is passed on.
   *
   * @param sessions sessions as read, each expired at {@code now}; terminal ones and repeats are skipped
   * @return the sessions (as read) that this call marked
   */
  List<StoredSession> markAllExpired(List<StoredSession> sessions, Instant now) {
    var read = new ArrayList<StoredSession>(sessions.size());
    var marks = new ArrayList<StoredSession>(sessions.size());
    var seen = new HashSet<List<String>>();
    for (StoredSession session : sessions) {
      if (!session.status().isTerminal() && seen.add(List.of(session.tenant(), session.id()))) {
        read.add(session);
        marks.add(expiredVersionOf(session, now));
      }
    }
    if (marks.isEmpty()) {
      return List.of();
    }
    var won = new ArrayList<Integer>(marks.size());
    try {
      List<Boolean> applied = store.replaceEach(marks);
      for (int i = 0; i < marks.size(); i++) {
        if (applied.get(i)) {
          won.add(i);
        }
      }
    } catch (HandoffException e) {
      if (!outcomeUnknown(e)) {
        throw e;
      }
      boolean someNotApplied = false;
      try {
        for (int i = 0; i < marks.size(); i++) {
          StoredSession mark = marks.get(i);
          StoredSession stored = reread(mark.tenant(), mark.id(), e).orElse(null);
          if (mark.equals(stored)) {
            won.add(i);
          } else if (stored != null && stored.version() == read.get(i).version()) {
            someNotApplied = true;
          }
        }
      } finally {
        // Also when reading again failed: the ends recognised so far are published.
        log.info("recognised {} of {} sessions as marked expired after a failure whose outcome was unknown",
            won.size(), marks.size());
        publishEnds(read, marks, won, now);
      }
      if (someNotApplied) {
        throw e; // those marks did not land: the session is unchanged and a later sweep marks it
      }
      return marked(read, won);
    }
    publishEnds(read, marks, won, now);
    return marked(read, won);
  }

  private void publishEnds(List<StoredSession> read, List<StoredSession> marks, List<Integer> won, Instant now) {
    for (int i : won) {
      publishEnd(read.get(i), marks.get(i), now);
    }
  }

  private static List<StoredSession> marked(List<StoredSession> read, List<Integer> won) {
    return won.stream().map(read::get).toList();
  }

  private static StoredSession expiredVersionOf(StoredSession session, Instant now) {
    return session.toBuilder().status(SessionStatus.EXPIRED).modifiedAt(now).version(session.version() + 1).build();
  }

  /** {@link SessionEvent.Type#EXPIRED}, then {@link SessionEvent.Type#ABANDONED} if it had been redeemed. */
  private void publishEnd(StoredSession read, StoredSession expired, Instant now) {
    publish(SessionEvent.Type.EXPIRED, expired, now);
    if (wasRedeemed(read.status())) {
      publish(SessionEvent.Type.ABANDONED, expired, now);
    }
  }

  /** Whether a session in this (live) status was redeemed: it ends now without having been completed. */
  static boolean wasRedeemed(SessionStatus status) {
    return status == SessionStatus.ACTIVE || status == SessionStatus.LOGIN_REQUIRED;
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
