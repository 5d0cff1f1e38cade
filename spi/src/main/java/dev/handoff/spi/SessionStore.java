package dev.handoff.spi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where hosted sessions live. Implemented by storage adapters; called by the engine.
 *
 * <h2>Contract for every method</h2>
 * <ul>
 *   <li><b>Thread safety:</b> implementations must be safe for concurrent use by any number of threads, and every
 *       method is atomic: concurrent callers observe either all of a change or none of it. Stores shared by
 *       several engine nodes (a database) must keep these guarantees across nodes.</li>
 *   <li><b>Tenant isolation:</b> a session is only ever visible through the tenant it was inserted under.</li>
 *   <li><b>Values:</b> what {@code find} returns is {@code equals} to what was last stored.</li>
 *   <li><b>Time:</b> the store never reads a clock. The engine passes {@code now} where a method depends on it and
 *       interprets expiry itself, so a stored but expired session is still returned by {@link #find}.</li>
 *   <li><b>Counting:</b> every change the engine makes after creation goes through {@link #replace} or
 *       {@link #consume}, both conditional on the stored state. That makes one-time-code attempt counting exact:
 *       of two concurrent wrong guesses that read the same version, one write fails and is retried on the new
 *       version, so each guess consumes its own attempt.</li>
 *   <li><b>Failures:</b> when the backing system fails, throw {@link HandoffException} with
 *       {@link ErrorCode#STORAGE_UNAVAILABLE} and the cause attached. Such a failure of a write
 *       ({@link #insert}, {@link #replace}, {@link #consume}, {@link #incrementCounter}) <em>may or may not have
 *       been applied</em>: a commit can land and its acknowledgement be lost. A store need not (and usually cannot)
 *       tell which; it must only never apply a write partly. The engine copes: after such a failure it reads the
 *       session again and recognises its own write by a value only it can have written, so a caller's retry never
 *       finds a link burnt or a done change reported failed.</li>
 * </ul>
 */
public interface SessionStore {

  /**
   * Stores a new session.
   *
   * @throws HandoffException {@link ErrorCode#CONFLICT} if a session with the same tenant and id exists, or if
   *     {@code session.idempotencyKey()} is non-null and a session of the same tenant has that key; nothing is
   *     changed in either case
   */
  void insert(StoredSession session);

  /** The session with this id in this tenant, expired or not, or empty. */
  Optional<StoredSession> find(String tenant, String id);

  /** The session of this tenant created under this idempotency key, or empty. */
  Optional<StoredSession> findByIdempotencyKey(String tenant, String idempotencyKey);

  /**
   * Compare-and-set: replaces the stored session that has {@code replacement}'s tenant and id with
   * {@code replacement}, if and only if the stored one's version is {@code expectedVersion}.
   *
   * @param replacement the new value; its version must be {@code expectedVersion + 1}
   * @return {@code true} if replaced; {@code false} if there is no such session or its version differs
   * @throws IllegalArgumentException if {@code replacement.version() != expectedVersion + 1}
   */
  boolean replace(StoredSession replacement, long expectedVersion);

  /**
   * {@link #replace} of several sessions in one call: for each replacement in order, the compare-and-set
   * {@code replace(replacement, replacement.version() - 1)}, each its own compare-and-set with its own answer, the
   * same answers as calling {@code replace} one by one. The whole is not atomic: a concurrent reader may see some
   * replacements applied and others not yet. Serves the engine's sweep, which marks a batch of ended sessions; a
   * store may apply the batch in one transaction or round trip instead of one per session. The default calls
   * {@code replace} for each.
   *
   * <p>A failure ({@link HandoffException}, e.g. {@link ErrorCode#STORAGE_UNAVAILABLE}) means that <em>any subset</em>
   * of the replacements may have been applied: those before the failure when the store applies them one by one,
   * none or all when it uses one transaction, and with a lost acknowledgement any of these. Each replacement is
   * still applied wholly or not at all. The engine re-reads the sessions to learn which landed.
   *
   * @param replacements the new values, at most one per session (tenant and id); each one's version is the one
   *     it replaces plus one, so at least 1
   * @return for each replacement, in order, {@code true} if it was applied, {@code false} if there is no such
   *     session or its stored version is not {@code replacement.version() - 1}; empty for an empty list
   * @throws NullPointerException if {@code replacements} or one of them is null
   * @throws IllegalArgumentException if a replacement's version is below 1, or two are of the same session; nothing
   *     is changed then
   */
  default List<Boolean> replaceEach(List<StoredSession> replacements) {
    checkReplaceEachArguments(replacements);
    var applied = new ArrayList<Boolean>(replacements.size());
    for (StoredSession replacement : replacements) {
      applied.add(replace(replacement, replacement.version() - 1));
    }
    return List.copyOf(applied);
  }

  /**
   * Checks the arguments of {@link #replaceEach} as the contract requires, for implementations to call first.
   *
   * @throws NullPointerException if {@code replacements} or one of them is null
   * @throws IllegalArgumentException as {@link #replaceEach} documents
   */
  static void checkReplaceEachArguments(List<StoredSession> replacements) {
    Objects.requireNonNull(replacements, "replacements");
    var sessions = new HashSet<List<String>>();
    for (StoredSession replacement : replacements) {
      Objects.requireNonNull(replacement, "replacement");
      if (replacement.version() < 1) {
        throw new IllegalArgumentException("a replacement's version must be at least 1, got "
            + replacement.version());
      }
      if (!sessions.add(List.of(replacement.tenant(), replacement.id()))) {
        throw new IllegalArgumentException("two replacements of session " + replacement.id() + " in tenant "
            + replacement.tenant());
      }
    }
  }

  /**
   * Atomically redeems a URL token and activates the browser session it opens: if the stored session of this
   * tenant and id has status {@link SessionStatus#OPEN}, token generation {@code tokenGeneration} and
   * {@code now < expiresAt}, stores {@code stored.consumedAs(newStatus, browser, access, now)} and returns it.
   * Otherwise changes nothing and returns empty. Note that {@link StoredSession#consumedAs} moves
   * {@code expiresAt} (the session's second clock starts) and appends {@code access} to the audit.
   *
   * <p>Of any number of concurrent calls for the same session and generation, at most one succeeds, so a URL
   * activates at most one browser session.
   *
   * @param newStatus the status after redemption; must not be {@link SessionStatus#OPEN}
   * @param browser the browser session to bind, stored in the same atomic step
   * @param access the audit record of this redemption, stored in the same atomic step
   * @throws IllegalArgumentException if {@code newStatus} is {@code OPEN}
   */
  Optional<StoredSession> consume(String tenant, String id, long tokenGeneration, SessionStatus newStatus,
      BrowserBinding browser, AccessRecord access, Instant now);

  /**
   * {@link #consume(String, String, long, SessionStatus, BrowserBinding, AccessRecord, Instant) consume} of a
   * session the caller has just {@linkplain #find found}, for its tenant, id and token generation: the same contract
   * and the same answer. The engine redeems this way (it finds the session to check the token against it, then
   * consumes it), so a store may use {@code found}'s version to decide in one conditional write, without reading
   * the row again: if the stored session is still that version, the answer is
   * {@code found.consumedAs(newStatus, browser, access, now)} when {@code found} may be consumed; if it is not, the
   * store answers as {@code consume} does. The default is that {@code consume}.
   *
   * @param found the session as this store's {@link #find} returned it; it may have changed in the store since
   * @throws IllegalArgumentException if {@code newStatus} is {@code OPEN}
   */
  default Optional<StoredSession> consume(StoredSession found, SessionStatus newStatus, BrowserBinding browser,
      AccessRecord access, Instant now) {
    return consume(found.tenant(), found.id(), found.tokenGeneration(), newStatus, browser, access, now);
  }

  /**
   * One page of a tenant's sessions (expired ones included, until deleted), in ascending order of id.
   *
   * @param cursor {@code null} for the first page, else a {@link SessionPage#nextCursor()} this store returned
   * @param limit the maximum number of sessions in the page, at least 1
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  SessionPage list(String tenant, String cursor, int limit);

  /**
   * One page of the sessions of one user in a tenant: those whose subject is
   * {@link Subject.ExistingUser}{@code (userId)}, in any status (expired ones included, until deleted), in
   * ascending order of id. Serves revoking everything a user holds; a store shared by many users must answer from
   * an index on {@code (tenant, userId)}, not by scanning the tenant.
   *
   * @param cursor {@code null} for the first page, else a {@link SessionPage#nextCursor()} this method returned
   * @param limit the maximum number of sessions in the page, at least 1
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  SessionPage listByUser(String tenant, String userId, String cursor, int limit);

  /**
   * At most {@code limit} sessions, of any tenant, whose lifetime ended without a final status: stored status
   * {@link SessionStatus#OPEN}, {@link SessionStatus#LOGIN_REQUIRED} or {@link SessionStatus#ACTIVE}, and
   * {@code expiresAt <= now}; earliest {@code expiresAt} first where the store can order them cheaply. The engine
   * marks them {@link SessionStatus#EXPIRED} with {@link #replaceEach} and publishes its end once: of several nodes
   * sweeping at once, only the one whose compare-and-set succeeds does. A store must answer from an index on the
   * expiry of sessions in those statuses (sessions already marked, or completed, must not slow it down) and may
   * return fewer than exist; it must not return one that does not match.
   *
   * @param now the engine's current time
   * @param limit the largest number of sessions to return, at least 1
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  List<StoredSession> listEnded(Instant now, int limit);

  /**
   * Deletes at most {@code limit} sessions, of any tenant, whose {@code expiresAt} is before
   * {@code expiredBefore}, and at most {@code limit} {@linkplain #incrementCounter counters} whose window ended
   * before it. Safe to call concurrently, from any number of nodes.
   *
   * @param limit the largest number of sessions (and of counters) to delete in this call, at least 1
   * @return how many sessions were deleted (counters are not counted)
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  int deleteExpired(Instant expiredBefore, int limit);

  /**
   * Counts one event in a fixed window, for rate limits that every node sharing this store must see. Atomically:
   * if the counter {@code (tenant, key)} is absent, or the window it was started with has ended (its stored
   * {@code windowEnd} is at or before {@code now}), it starts again at 1 with {@code windowEnd}; otherwise it
   * grows by one and keeps its stored {@code windowEnd}. Of any number of concurrent calls on one counter, each
   * gets a distinct count.
   *
   * <p>Counters live apart from sessions: they never show in {@link #find} or {@link #list}. A store may drop a
   * counter on its own once its {@code windowEnd} has passed (an expiry on the store's clock), and
   * {@link #deleteExpired} drops those whose window ended before its {@code expiredBefore}. Keys are chosen by the
   * engine: opaque printable ASCII (keyed digests, never an address or a token in clear), 1 to
   * {@link #MAX_COUNTER_KEY_LENGTH} characters.
   *
   * @param tenant the tenant the counter belongs to; counters of different tenants are independent
   * @param key the counter within the tenant
   * @param windowEnd when a counter started by this call ends; must be after {@code now}
   * @param now the engine's current time
   * @return the count after this call, at least 1
   * @throws IllegalArgumentException if {@code windowEnd} is not after {@code now}, or {@code key} is not 1 to
   *     {@link #MAX_COUNTER_KEY_LENGTH} printable ASCII characters ({@code '!'} to {@code '~'})
   */
  long incrementCounter(String tenant, String key, Instant windowEnd, Instant now);

  /** The longest counter key {@link #incrementCounter} accepts. */
  int MAX_COUNTER_KEY_LENGTH = 128;

  /**
   * Checks the arguments of {@link #incrementCounter} as the contract requires, for implementations to call first.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException as {@link #incrementCounter} documents
   */
  static void checkCounterArguments(String tenant, String key, Instant windowEnd, Instant now) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(windowEnd, "windowEnd");
    Objects.requireNonNull(now, "now");
    if (key.isEmpty() || key.length() > MAX_COUNTER_KEY_LENGTH) {
      throw new IllegalArgumentException("counter key must be 1 to " + MAX_COUNTER_KEY_LENGTH
          + " characters, got " + key.length());
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < '!' || c > '~') {
        throw new IllegalArgumentException("counter key must be printable ASCII, found U+"
            + String.format("%04X", (int) c) + " at index " + i);
      }
    }
    if (!windowEnd.isAfter(now)) {
      throw new IllegalArgumentException("windowEnd must be after now");
    }
  }
}
