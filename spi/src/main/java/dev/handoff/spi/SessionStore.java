package dev.handoff.spi;

import java.time.Instant;
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
 *       {@link ErrorCode#STORAGE_UNAVAILABLE} and the cause attached, having changed nothing.</li>
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
   * Atomically redeems a URL token and activates the browser session it opens: if the stored session of this
   * tenant and id has status {@link SessionStatus#OPEN}, token generation {@code tokenGeneration} and
   * {@code now < expiresAt}, stores {@code stored.consumedAs(newStatus, browser, now)} and returns it. Otherwise
   * changes nothing and returns empty.
   *
   * <p>Of any number of concurrent calls for the same session and generation, at most one succeeds, so a URL
   * activates at most one browser session.
   *
   * @param newStatus the status after redemption; must not be {@link SessionStatus#OPEN}
   * @param browser the browser session to bind, stored in the same atomic step
   * @throws IllegalArgumentException if {@code newStatus} is {@code OPEN}
   */
  Optional<StoredSession> consume(String tenant, String id, long tokenGeneration, SessionStatus newStatus,
      BrowserBinding browser, Instant now);

  /**
   * One page of a tenant's sessions (expired ones included, until deleted), in ascending order of id.
   *
   * @param cursor {@code null} for the first page, else a {@link SessionPage#nextCursor()} this store returned
   * @param limit the maximum number of sessions in the page, at least 1
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  SessionPage list(String tenant, String cursor, int limit);

  /**
   * Deletes at most {@code limit} sessions, of any tenant, whose {@code expiresAt} is before
   * {@code expiredBefore}. Safe to call concurrently, from any number of nodes.
   *
   * @param limit the largest number of sessions to delete in this call, at least 1
   * @return how many sessions were deleted
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  int deleteExpired(Instant expiredBefore, int limit);
}
