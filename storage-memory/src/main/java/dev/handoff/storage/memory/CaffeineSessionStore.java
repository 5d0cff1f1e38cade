package dev.handoff.storage.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionPage;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link SessionStore} that keeps sessions in a Caffeine cache of this JVM.
 *
 * <p>Each session stays until its {@code expiresAt} plus the {@linkplain Builder#retention retention} has passed
 * on the store's clock (so the engine can still report a session as expired for a while), or until
 * {@link #deleteExpired} removes it. A live session is never evicted to make room: a full store (see
 * {@linkplain Builder#maximumSize maximum size}) first drops sessions that have expired, then refuses new
 * sessions with {@link ErrorCode#STORAGE_UNAVAILABLE}, because a size-evicting cache would drop sessions whose
 * URLs are still out there (Caffeine's admission policy may even drop the newest). An optional
 * {@linkplain Builder#maximumSessionsPerTenant per-tenant quota} keeps one tenant from filling it for the others. Nothing survives a restart and nothing
 * is shared with other nodes: use it for a single node, development and tests.
 *
 * <p>All updates go through Caffeine's atomic per-key map operations, so {@link #consume} and {@link #replace}
 * are linearizable per session. Idempotency keys are claimed in the same atomic step that inserts a session and
 * released in the same atomic step that removes or evicts it; so are the indexes that serve {@link #list} and
 * {@link #listByUser} (ids per tenant and per user) and {@link #listEnded} (non-terminal sessions by expiry),
 * which thus never scan the store.
 *
 * <p>Thread-safe: any number of threads may call any method concurrently.
 */
public final class CaffeineSessionStore implements SessionStore {
  private final Cache<SessionKey, StoredSession> cache;
  /**
   * Reads without recording the access: Caffeine buffers every {@code getIfPresent} for its policy and then
   * reschedules the entry in its timer wheel, which rewrites the entry's links on every read of a session (every
   * page load), so reading threads contend on the entries they read. Reads change neither the order nor the
   * expiry of sessions here ({@link SessionExpiry#expireAfterRead}), and nothing is evicted by size.
   */
  private final Policy<SessionKey, StoredSession> quietly;
  /** Rate-limit counters, each leaving when its window ends on the store's clock. */
  private final Cache<CounterKey, Counter> counters;
  private final SessionExpiry sessionExpiry;
  private final ClockTicker ticker;
  private final Clock clock;
  private final long maximumSize;
  private final long maximumSessionsPerTenant;
  /** (tenant, idempotency key) → holder. Changed only while holding the lock of the holder's cache entry. */
  private final ConcurrentMap<ClaimKey, Claim> claims = new ConcurrentHashMap<>();
  /** Tenant → its ids, count and expiry bound; an id changes only while holding the lock of its cache entry. */
  private final ConcurrentMap<String, TenantIndex> tenants = new ConcurrentHashMap<>();
  /** A lower bound of every held session's expiry, so a full store scans for expired ones only when useful. */
  private final ExpiryHint expiry = new ExpiryHint();
  /** The non-terminal sessions by expiry, for {@link #listEnded}. Same locking discipline as {@link #claims}. */
  private final LiveIndex live = new LiveIndex();

  private CaffeineSessionStore(Builder builder) {
    this.sessionExpiry = new SessionExpiry(builder.retention);
    this.clock = builder.clock;
    this.ticker = new ClockTicker(builder.clock);
    this.maximumSize = builder.maximumSize;
    this.maximumSessionsPerTenant = builder.maximumSessionsPerTenant;
    this.cache = Caffeine.newBuilder()
        .expireAfter(sessionExpiry)
        .ticker(ticker)
        // Maintenance (timer wheel, write buffer) runs on the writing thread instead of the common pool: every
        // insert schedules some, and on a small machine the pool's worker competed with the writers for the CPUs
        // and queued on the cache's eviction lock behind them (JFR of the 2-thread create+redeem benchmark).
        .executor(Runnable::run)
        // Runs inside the atomic removal, under the entry's lock, so the indexes never outlive an entry.
        .evictionListener((SessionKey key, StoredSession value, RemovalCause cause) -> {
          if (key != null && value != null) {
            unindex(value);
          }
        })
        .build();
    this.quietly = cache.policy();
    this.counters = Caffeine.newBuilder()
        .expireAfter(new CounterExpiry())
        .ticker(ticker)
        .maximumSize(builder.maximumSize)
        .build();
  }

  /** A builder with the defaults: one day of retention, at most 1,000,000 sessions, the system UTC clock. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@inheritDoc}
   *
   * <p>When the store holds its {@linkplain Builder#maximumSize maximum} number of sessions, or the tenant its
   * {@linkplain Builder#maximumSessionsPerTenant quota}, sessions that have expired by the store's clock are
   * dropped first (even within their retention) to make room; live sessions never are. Both bounds may be
   * overshot by at most one per concurrent insert.
   *
   * @throws HandoffException also {@link ErrorCode#STORAGE_UNAVAILABLE} when the store is full of live sessions,
   *     and {@link ErrorCode#TOO_MANY_ATTEMPTS} when the tenant holds its quota of live sessions
   */
  @Override
  public void insert(StoredSession session) {
    Objects.requireNonNull(session, "session");
    makeRoomFor(session.tenant());
    var key = new SessionKey(session.tenant(), session.id());
    cache.asMap().compute(key, (k, existing) -> {
      if (existing != null) {
        throw new HandoffException(ErrorCode.CONFLICT, "a session with this id already exists in this tenant");
      }
      if (session.idempotencyKey() != null) {
        claim(session);
      }
      index(session);
      return session;
    });
  }

  /** Refuses the insert unless there is room, dropping expired sessions first where that makes room. */
  private void makeRoomFor(String tenant) {
    if (cache.estimatedSize() >= maximumSize) {
      cache.cleanUp(); // what expired past its retention no longer counts
      if (cache.estimatedSize() >= maximumSize) {
        dropExpired(expiry, () -> cache.asMap().keySet());
      }
      if (cache.estimatedSize() >= maximumSize) {
        throw new HandoffException(ErrorCode.STORAGE_UNAVAILABLE, "the in-memory store is full of live sessions ("
            + maximumSize + "); raise maximumSize");
      }
    }
    TenantIndex index = tenants.get(tenant);
    if (index != null && index.ids.size() >= maximumSessionsPerTenant) {
      dropExpired(index.expiry, () -> index.ids.ids().stream().map(id -> new SessionKey(tenant, id)).toList());
      if (index.ids.size() >= maximumSessionsPerTenant) {
        throw new HandoffException(ErrorCode.TOO_MANY_ATTEMPTS, "this tenant holds its quota of "
            + maximumSessionsPerTenant + " live sessions in the in-memory store; retry when some have expired");
      }
    }
  }

  /** Removes the sessions among {@code keys} that have expired by the store's clock, if any may have. */
  private void dropExpired(ExpiryHint hint, Supplier<Iterable<SessionKey>> keys) {
    Instant now = clock.instant();
    if (!hint.mayHaveExpiredAt(now)) {
      return;
    }
    hint.reset();
    Instant expiredBefore = now.plusNanos(1); // expired means expiresAt <= now
    for (SessionKey key : keys.get()) {
      StoredSession survivor = removeIfExpiredBefore(key, expiredBefore);
      if (survivor != null) {
        hint.noteExpiry(survivor.expiresAt());
      }
    }
  }

  /**
   * Atomically removes the session under {@code key} if its {@code expiresAt} is before {@code expiredBefore}.
   *
   * @return the session if it stays, {@code null} if it was removed or absent
   */
  private StoredSession removeIfExpiredBefore(SessionKey key, Instant expiredBefore) {
    return cache.asMap().computeIfPresent(key, (k, current) -> {
      if (!current.expiresAt().isBefore(expiredBefore)) {
        return current;
      }
      unindex(current);
      return null;
    });
  }

  @Override
  public Optional<StoredSession> find(String tenant, String id) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    return Optional.ofNullable(quietly.getIfPresentQuietly(new SessionKey(tenant, id)));
  }

  @Override
  public Optional<StoredSession> findByIdempotencyKey(String tenant, String idempotencyKey) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Claim claim = claims.get(new ClaimKey(tenant, idempotencyKey));
    if (claim == null) {
      return Optional.empty();
    }
    // The claim may belong to an insert still in progress (its entry not yet visible to a plain read: compute
    // waits for it, so a caller that just lost the key to it sees the winner), or to a holder that just expired.
    StoredSession holder = cache.asMap().compute(new SessionKey(tenant, claim.id()), (k, current) -> current);
    return Optional.ofNullable(holder).filter(s -> idempotencyKey.equals(s.idempotencyKey()));
  }

  @Override
  public boolean replace(StoredSession replacement, long expectedVersion) {
    Objects.requireNonNull(replacement, "replacement");
    if (replacement.version() != expectedVersion + 1) {
      throw new IllegalArgumentException("replacement version must be expectedVersion + 1");
    }
    var replaced = new boolean[1];
    cache.asMap().computeIfPresent(new SessionKey(replacement.tenant(), replacement.id()), (k, current) -> {
      if (current.version() != expectedVersion) {
        return current;
      }
      if (replacement.idempotencyKey() != null) {
        claim(replacement); // may throw CONFLICT before anything changed
      }
      if (current.idempotencyKey() != null && !current.idempotencyKey().equals(replacement.idempotencyKey())) {
        release(current);
      }
      replaced[0] = true;
      reindex(current, replacement);
      noteExpiry(replacement);
      return replacement;
    });
    return replaced[0];
  }

  @Override
  public Optional<StoredSession> consume(String tenant, String id, long tokenGeneration, SessionStatus newStatus,
      BrowserBinding browser, AccessRecord access, Instant now) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(newStatus, "newStatus");
    Objects.requireNonNull(now, "now");
    if (newStatus == SessionStatus.OPEN) {
      throw new IllegalArgumentException("newStatus must not be OPEN");
    }
    var consumed = new StoredSession[1];
    cache.asMap().computeIfPresent(new SessionKey(tenant, id), (k, current) -> {
      if (current.status() != SessionStatus.OPEN || current.tokenGeneration() != tokenGeneration
          || current.isExpiredAt(now)) {
        return current;
      }
      StoredSession next = current.consumedAs(newStatus, browser, access, now);
      if (next.idempotencyKey() != null) {
        extendClaim(next);
      }
      live.update(current, next);
      noteExpiry(next);
      consumed[0] = next;
      return next;
    });
    return Optional.ofNullable(consumed[0]);
  }

  @Override
  public SessionPage list(String tenant, String cursor, int limit) {
    Objects.requireNonNull(tenant, "tenant");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    TenantIndex index = tenants.get(tenant);
    return page(tenant, index == null ? null : index.ids.ids(), cursor, limit, s -> true);
  }

  /** {@inheritDoc} From the tenant index's ids of the user, like {@link #list}. */
  @Override
  public SessionPage listByUser(String tenant, String userId, String cursor, int limit) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(userId, "userId");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    TenantIndex index = tenants.get(tenant);
    IdSet userIds = index == null ? null : index.byUser.get(userId);
    return page(tenant, userIds == null ? null : userIds.ids(), cursor, limit,
        // The index may lag a session whose subject is changing.
        s -> s.subject() instanceof Subject.ExistingUser user && user.userId().equals(userId));
  }

  /** The page of the sessions of {@code tenant} among {@code ids} after {@code cursor} that {@code filter} keeps. */
  private SessionPage page(String tenant, NavigableSet<String> ids, String cursor, int limit,
      Predicate<StoredSession> filter) {
    if (ids == null) {
      return new SessionPage(List.of(), null);
    }
    var page = new ArrayList<StoredSession>(Math.min(limit, 256));
    // One extra session tells whether anything follows this page.
    for (String id : cursor == null ? ids : ids.tailSet(cursor, false)) {
      StoredSession session = quietly.getIfPresentQuietly(new SessionKey(tenant, id));
      if (session == null || !filter.test(session)) {
        continue; // expired past retention, not evicted yet; or changing
      }
      if (page.size() == limit) {
        return new SessionPage(page, page.get(limit - 1).id());
      }
      page.add(session);
    }
    return new SessionPage(page, null);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads an index of the non-terminal sessions ordered by expiry from its start, so the answer is in order of
   * {@code expiresAt} and costs time proportional to what it returns. Sessions leave the store once their retention
   * has passed: an ended session is listed only within its retention.
   */
  @Override
  public List<StoredSession> listEnded(Instant now, int limit) {
    Objects.requireNonNull(now, "now");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    var ended = new LinkedHashMap<SessionKey, StoredSession>();
    for (StoredSession entry : live.inExpiryOrder()) {
      if (ended.size() == limit || entry.expiresAt().isAfter(now)) {
        break;
      }
      var key = new SessionKey(entry.tenant(), entry.id());
      StoredSession session = quietly.getIfPresentQuietly(key);
      // The entry may be one a concurrent change is replacing: the session itself decides, once.
      if (session != null && !session.status().isTerminal() && session.isExpiredAt(now)) {
        ended.putIfAbsent(key, session);
      }
    }
    return List.copyOf(ended.values());
  }

  @Override
  public int deleteExpired(Instant expiredBefore, int limit) {
    Objects.requireNonNull(expiredBefore, "expiredBefore");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    int deleted = 0;
    for (var entry : cache.asMap().entrySet()) {
      if (deleted == limit) {
        break;
      }
      if (entry.getValue().expiresAt().isBefore(expiredBefore)
          && removeIfExpiredBefore(entry.getKey(), expiredBefore) == null) {
        deleted++;
      }
    }
    int countersDeleted = 0;
    for (var entry : counters.asMap().entrySet()) {
      if (countersDeleted == limit) {
        break;
      }
      if (entry.getValue().windowEnd().isBefore(expiredBefore)
          && counters.asMap().remove(entry.getKey(), entry.getValue())) {
        countersDeleted++;
      }
    }
    return deleted;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Counters leave when their window ends on the store's clock. At most {@linkplain Builder#maximumSize
   * maximum size} counters are held; beyond that Caffeine evicts some, which restarts their count, so that a flood
   * of distinct keys cannot exhaust the heap.
   */
  @Override
  public long incrementCounter(String tenant, String key, Instant windowEnd, Instant now) {
    SessionStore.checkCounterArguments(tenant, key, windowEnd, now);
    Counter after = counters.asMap().compute(new CounterKey(tenant, key), (k, current) ->
        current == null || !current.windowEnd().isAfter(now)
            ? new Counter(1, windowEnd)
            : new Counter(current.count() + 1, current.windowEnd()));
    return after.count();
  }

  /** Claims {@code session}'s idempotency key; call only while holding the lock of its cache entry. */
  private void claim(StoredSession session) {
    long now = ticker.read();
    var claim = new Claim(session.id(), sessionExpiry.deadlineNanos(session));
    claims.compute(new ClaimKey(session.tenant(), session.idempotencyKey()), (k, holder) -> {
      if (holder != null && !holder.id().equals(session.id()) && holder.isLiveAt(now)) {
        throw new HandoffException(ErrorCode.CONFLICT,
            "a session with this idempotency key already exists in this tenant");
      }
      return claim;
    });
  }

  /**
   * Moves the deadline of {@code session}'s claim to its new cache deadline (its {@code expiresAt} moved), if it
   * still holds the claim; call only while holding the lock of its cache entry.
   */
  private void extendClaim(StoredSession session) {
    var claim = new Claim(session.id(), sessionExpiry.deadlineNanos(session));
    claims.computeIfPresent(new ClaimKey(session.tenant(), session.idempotencyKey()),
        (k, holder) -> holder.id().equals(session.id()) ? claim : holder);
  }

  /** Releases {@code session}'s idempotency key if it still holds it; call only while holding its entry's lock. */
  private void release(StoredSession session) {
    claims.computeIfPresent(new ClaimKey(session.tenant(), session.idempotencyKey()),
        (k, holder) -> holder.id().equals(session.id()) ? null : holder);
  }

  /** Drops {@code session} from every index; call only while holding the lock of its cache entry. */
  private void unindex(StoredSession session) {
    if (session.idempotencyKey() != null) {
      release(session);
    }
    TenantIndex index = tenants.get(session.tenant());
    if (index != null) {
      if (session.subject() instanceof Subject.ExistingUser user) {
        index.removeUser(user.userId(), session.id());
      }
      if (index.remove(session.id())) {
        tenants.remove(session.tenant(), index);
      }
    }
    live.update(session, null);
  }

  /**
   * Adds {@code session} to the tenant and live indexes; call only while holding the lock of its cache entry. The
   * tenant is not locked: concurrent inserts of one tenant used to queue on its entry in {@link #tenants}.
   */
  private void index(StoredSession session) {
    TenantIndex index = tenants.computeIfAbsent(session.tenant(), tenant -> new TenantIndex());
    while (!index.add(session.id(), session.expiresAt())) {
      tenants.remove(session.tenant(), index); // emptied and retired meanwhile: replace it
      index = tenants.computeIfAbsent(session.tenant(), tenant -> new TenantIndex());
    }
    if (session.subject() instanceof Subject.ExistingUser user) {
      index.addUser(user.userId(), session.id());
    }
    live.update(null, session);
    expiry.noteExpiry(session.expiresAt());
  }

  /**
   * Moves a replaced session in the user and live indexes; call only while holding the lock of its cache entry,
   * which also keeps its tenant index in place.
   */
  private void reindex(StoredSession current, StoredSession replacement) {
    if (!current.subject().equals(replacement.subject())) {
      TenantIndex index = tenants.get(current.tenant());
      if (current.subject() instanceof Subject.ExistingUser user) {
        index.removeUser(user.userId(), current.id());
      }
      if (replacement.subject() instanceof Subject.ExistingUser user) {
        index.addUser(user.userId(), current.id());
      }
    }
    live.update(current, replacement);
  }

  /** Lowers the expiry bounds for a replaced session whose {@code expiresAt} may have moved earlier. */
  private void noteExpiry(StoredSession session) {
    expiry.noteExpiry(session.expiresAt());
    TenantIndex index = tenants.get(session.tenant());
    if (index != null) {
      index.expiry.noteExpiry(session.expiresAt());
    }
  }

  /** Runs Caffeine's pending maintenance, evicting what has expired. For tests. */
  void cleanUp() {
    cache.cleanUp();
  }

  /** How many idempotency keys are indexed. For tests of the index. */
  int claimCount() {
    return claims.size();
  }

  /** How many ids are indexed for listing, over all tenants. For tests of the index. */
  int listedIdCount() {
    return tenants.values().stream().mapToInt(index -> index.ids.ids().size()).sum();
  }

  /** How many session ids are indexed by user, over all tenants and users. For tests of the index. */
  int userIdCount() {
    return tenants.values().stream().flatMap(index -> index.byUser.values().stream())
        .mapToInt(userIds -> userIds.ids().size()).sum();
  }

  /** How many sessions are indexed as non-terminal. For tests of the index. */
  int liveCount() {
    return live.size();
  }

  /**
   * Configures a {@link CaffeineSessionStore}. Setters validate their argument at once and throw
   * {@link IllegalArgumentException} or {@link NullPointerException} with the reason.
   *
   * <p>Not thread-safe; use one builder per thread.
   */
  public static final class Builder {
    /** Longest accepted retention, well within what Caffeine can schedule. */
    public static final Duration MAX_RETENTION = Duration.ofDays(3650);

    private Duration retention = Duration.ofDays(1);
    private long maximumSize = 1_000_000;
    private long maximumSessionsPerTenant = Long.MAX_VALUE;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * How long a session is kept after its {@code expiresAt}, so that the engine can still tell "expired" from
     * "not found". Default one day.
     *
     * @param retention between zero and {@link #MAX_RETENTION}
     */
    public Builder retention(Duration retention) {
      Objects.requireNonNull(retention, "retention");
      if (retention.isNegative() || retention.compareTo(MAX_RETENTION) > 0) {
        throw new IllegalArgumentException("retention must be between 0 and " + MAX_RETENTION + ", got " + retention);
      }
      this.retention = retention;
      return this;
    }

    /**
     * The most sessions held at once, expired ones within their retention included. A full store drops
     * sessions that have expired first; if all are live, it refuses new sessions rather than dropping live ones.
     * Default 1,000,000.
     *
     * @param maximumSize at least 1
     */
    public Builder maximumSize(long maximumSize) {
      if (maximumSize < 1) {
        throw new IllegalArgumentException("maximumSize must be at least 1, got " + maximumSize);
      }
      this.maximumSize = maximumSize;
      return this;
    }

    /**
     * The most sessions one tenant may hold at once, expired ones within their retention included, so that one
     * tenant cannot fill the store and lock the others out. A tenant at its quota has its expired sessions
     * dropped first; if all are live, its inserts fail with {@link ErrorCode#TOO_MANY_ATTEMPTS}. Default: no
     * quota of its own (only {@link #maximumSize}); set it when several tenants share the store.
     *
     * @param maximumSessionsPerTenant at least 1
     */
    public Builder maximumSessionsPerTenant(long maximumSessionsPerTenant) {
      if (maximumSessionsPerTenant < 1) {
        throw new IllegalArgumentException("maximumSessionsPerTenant must be at least 1, got "
            + maximumSessionsPerTenant);
      }
      this.maximumSessionsPerTenant = maximumSessionsPerTenant;
      return this;
    }

    /**
     * The clock that decides when a session's retention is over; the cache's ticker is derived from it. The
     * store's answers never depend on it otherwise: the engine passes {@code now} itself. Default
     * {@link Clock#systemUTC()}.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** A new, empty store with this configuration. */
    public CaffeineSessionStore build() {
      return new CaffeineSessionStore(this);
    }
  }
}
