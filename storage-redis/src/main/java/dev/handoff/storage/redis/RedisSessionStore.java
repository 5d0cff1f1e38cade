package dev.handoff.storage.redis;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionClocks;
import dev.handoff.spi.SessionPage;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SessionStore} on Redis 7.0+ or Valkey, standalone or Redis Cluster, through one Lettuce connection.
 *
 * <h2>Consistency</h2>
 * Every change is one Lua script that checks and writes in a single atomic step on the server, so races between
 * threads and between engine nodes sharing the server are decided by Redis: {@link #consume} (status, token
 * generation and {@code now < expiresAt} checked, status, browser and version written), {@link #replace}
 * (compare-and-set on the version, which is how the engine counts one-time-code attempts), and the idempotency
 * key claim of {@link #insert}. No client ever reads, modifies and writes back. All keys of one tenant share one
 * hash tag, so each script runs on one cluster slot (no {@code CROSSSLOT}); see the key layout in
 * {@code docs/storage.md}.
 *
 * <h2>Expiry</h2>
 * A session and its idempotency key claim expire natively ({@code PEXPIREAT}) at {@code expiresAt} plus the
 * {@linkplain Builder#retention retention}, so the engine can still report a session as expired for a while.
 * Nothing depends on keyspace notifications or {@code CONFIG}. Per tenant, a sorted set of ids serves
 * {@link #list}, one per existing user serves {@link #listByUser}, a sorted set by expiry serves
 * {@link #deleteExpired}, and one by expiry of the sessions in a non-terminal status serves {@link #listEnded},
 * so nothing scans the keyspace; a small registry of tenants, scored by a lower bound of their earliest expiry,
 * tells the sweep and {@code listEnded} which tenants to visit. Index entries of sessions that expired natively
 * are dropped by the next listing or sweep that meets them.
 *
 * <h2>Failures</h2>
 * Every command waits at most the {@linkplain Builder#commandTimeout command timeout}. A failure, a timeout or an
 * unreachable server is {@link HandoffException} with {@link ErrorCode#STORAGE_UNAVAILABLE} and the Lettuce
 * exception as cause. After a timeout or a lost connection the outcome is unknown: the command may have run on the
 * server after the client gave up (the message says so). A retried {@code consume} then finds the token used and a
 * retried {@code insert} finds the id or idempotency key taken, so retries stay safe. A write that fails this way,
 * or whose registration in the tenant registry fails after it, leaves that registration owed: the store sends it
 * with its next call, so the session is still swept and listed when it ends (a later write of the tenant would not
 * register it, unless it ended earlier). A store refuses commands at once while its connection (to a cluster
 * master, its connection to that master) is down rather than queueing them, and fails the commands the lost
 * connection left unanswered rather than replaying them (Lettuce's default for a client that queues): a replayed
 * script would run twice, and its caller get the second answer as if it were the only one. The cluster store opens
 * its connection to every master when it is built; one to a master that joins later is opened by the first command
 * to it, which fails.
 *
 * <p>Instants are stored as epoch nanoseconds: they must lie between the years 1677 and 2262 (otherwise
 * {@link ErrorCode#INVALID_REQUEST}). Tenants, ids and idempotency keys must be well-formed UTF-16 (no unpaired
 * surrogate), since Redis keys are UTF-8. Ids are listed in the order of their UTF-8 bytes, which is Java's
 * {@code String} order for every id without characters above U+FFFF.
 *
 * <p>Thread-safe: one instance serves any number of threads; Lettuce pipelines their commands over the one
 * connection. {@link #close()} it on shutdown.
 */
public final class RedisSessionStore implements SessionStore, AutoCloseable {
  /** Tenants fetched from the registry per round trip of {@link #deleteExpired}. */
  private static final int TENANT_PAGE = 256;

  private final LettuceConnection redis;
  private final KeySpace keys;
  private final Duration retention;
  private final boolean cluster;
  /**
   * Registrations this store owes: tenant to the registry score it may have failed to write (a write failed, though
   * it may have run, or its registration did). Paid with the next call; shrinks back to empty once Redis answers.
   */
  private final Map<String, Long> owed = new ConcurrentHashMap<>();

  private RedisSessionStore(LettuceConnection redis, KeySpace keys, Duration retention, boolean cluster) {
    this.redis = redis;
    this.keys = keys;
    this.retention = retention;
    this.cluster = cluster;
  }

  /** A builder; name the server with {@link Builder#uri}, {@link Builder#clusterUris}, a client or a connection. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void insert(StoredSession session) {
    Objects.requireNonNull(session, "session");
    KeySpace.TenantKeys tenant = keys.tenant(session.tenant());
    String sessionKey = tenant.session(session.id());
    String key = session.idempotencyKey();
    String claim = key == null ? sessionKey : tenant.claim(key);
    String user = userKey(tenant, session, sessionKey);
    long score = expiryScore(session);
    var args = new ArrayList<String>(72);
    args.add(session.id());
    args.add(Long.toString(expireAtMillis(session)));
    args.add(Long.toString(score));
    args.add(key == null ? "0" : "1");
    args.add(session.status().isTerminal() ? "0" : "1");
    args.add(session.subject() instanceof Subject.ExistingUser ? "1" : "0");
    args.addAll(SessionHash.fields(session));
    List<Object> reply = write(session.tenant(), score, Scripts.INSERT,
        new String[] {sessionKey, claim, tenant.ids(), tenant.expiry(), tenant.counterExpiry(), tenant.live(), user},
        args.toArray(String[]::new));
    long outcome = (Long) reply.get(0);
    if (outcome == 1) {
      throw new HandoffException(ErrorCode.CONFLICT, "a session with this id already exists in this tenant");
    }
    if (outcome == 2) {
      throw new HandoffException(ErrorCode.CONFLICT,
          "a session of this tenant already holds this idempotency key");
    }
    register(session.tenant(), score, (String) reply.get(1));
  }

  @Override
  public Optional<StoredSession> find(String tenant, String id) {
    payOwed();
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    String key = keys.tenant(tenant).session(id);
    Map<String, String> hash = redis.await("find a session", () -> redis.commands().hgetall(key));
    return hash.isEmpty() ? Optional.empty() : Optional.of(SessionHash.read(tenant, id, hash));
  }

  @Override
  public Optional<StoredSession> findByIdempotencyKey(String tenant, String idempotencyKey) {
    payOwed();
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    KeySpace.TenantKeys keys = this.keys.tenant(tenant);
    List<Object> reply = redis.script(Scripts.FIND_BY_KEY, new String[] {keys.claim(idempotencyKey)},
        keys.sessionPrefix());
    if (reply.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> hash = hash(reply.get(1));
    if (hash.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(SessionHash.read(tenant, (String) reply.get(0), hash))
        .filter(s -> idempotencyKey.equals(s.idempotencyKey()));
  }

  @Override
  public boolean replace(StoredSession replacement, long expectedVersion) {
    Objects.requireNonNull(replacement, "replacement");
    if (replacement.version() != expectedVersion + 1) {
      throw new IllegalArgumentException("replacement version must be expectedVersion + 1");
    }
    ReplaceCall call = replaceCall(replacement, expectedVersion);
    return replaced(call, write(replacement.tenant(), call.score(), Scripts.REPLACE, call.keys(), call.args()));
  }

  /**
   * {@inheritDoc}
   *
   * <p>All the compare-and-set scripts are sent before the first reply is awaited, so a batch costs about one round
   * trip instead of one per session (on a cluster, Lettuce sends each to the master of its tenant's slot). If one
   * fails, every tenant of the batch is {@linkplain #owed owed} a registration: any of its scripts may have run.
   */
  @Override
  public List<Boolean> replaceEach(List<StoredSession> replacements) {
    SessionStore.checkReplaceEachArguments(replacements);
    payOwed();
    var calls = new ArrayList<ReplaceCall>(replacements.size());
    var keys = new ArrayList<String[]>(replacements.size());
    var args = new ArrayList<String[]>(replacements.size());
    for (StoredSession replacement : replacements) {
      ReplaceCall call = replaceCall(replacement, replacement.version() - 1);
      calls.add(call);
      keys.add(call.keys());
      args.add(call.args());
    }
    List<List<Object>> replies;
    try {
      replies = redis.scripts(Scripts.REPLACE, keys, args);
    } catch (HandoffException e) {
      for (int i = 0; i < calls.size(); i++) {
        owed.merge(calls.get(i).tenant(), calls.get(i).score(), Math::min);
      }
      throw e;
    }
    var applied = new ArrayList<Boolean>(replies.size());
    HandoffException conflict = null;
    for (int i = 0; i < replies.size(); i++) {
      try {
        applied.add(replaced(calls.get(i), replies.get(i)));
      } catch (HandoffException e) { // a claim conflict or a failed registration: the rest still register
        conflict = conflict == null ? e : conflict;
      }
    }
    if (conflict != null) {
      throw conflict;
    }
    return List.copyOf(applied);
  }

  /** The keys, arguments and expiry score of {@link Scripts#REPLACE} for one compare-and-set. */
  private record ReplaceCall(String tenant, long score, String[] keys, String[] args) {}

  private ReplaceCall replaceCall(StoredSession replacement, long expectedVersion) {
    KeySpace.TenantKeys tenant = keys.tenant(replacement.tenant());
    String sessionKey = tenant.session(replacement.id());
    String key = replacement.idempotencyKey();
    String user = userKey(tenant, replacement, sessionKey);
    long score = expiryScore(replacement);
    var args = new ArrayList<String>(76);
    args.add(Long.toString(expectedVersion));
    args.add(Long.toString(expireAtMillis(replacement)));
    args.add(Long.toString(score));
    args.add(key == null ? "0" : "1");
    args.add(key == null ? "" : key);
    args.add(tenant.claimPrefix());
    args.add(replacement.id());
    args.add(replacement.status().isTerminal() ? "0" : "1");
    args.add(replacement.subject() instanceof Subject.ExistingUser existing ? existing.userId() : "");
    args.add(tenant.userPrefix());
    args.addAll(SessionHash.fields(replacement));
    return new ReplaceCall(replacement.tenant(), score,
        new String[] {sessionKey, key == null ? sessionKey : tenant.claim(key), tenant.ids(), tenant.expiry(),
            tenant.counterExpiry(), tenant.live(), user},
        args.toArray(String[]::new));
  }

  /** The answer of one {@link Scripts#REPLACE}, its tenant registered if it applied. */
  private boolean replaced(ReplaceCall call, List<Object> reply) {
    long outcome = (Long) reply.get(0);
    if (outcome == 0) {
      return false;
    }
    if (outcome == 2) {
      throw new HandoffException(ErrorCode.CONFLICT, "another session of this tenant holds this idempotency key");
    }
    register(call.tenant(), call.score(), (String) reply.get(1));
    return true;
  }

  @Override
  public Optional<StoredSession> consume(String tenant, String id, long tokenGeneration, SessionStatus newStatus,
      BrowserBinding browser, AccessRecord access, Instant now) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(newStatus, "newStatus");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(now, "now");
    if (newStatus == SessionStatus.OPEN) {
      throw new IllegalArgumentException("newStatus must not be OPEN");
    }
    if (EpochNanos.saturated(now) == Long.MAX_VALUE) {
      return Optional.empty(); // later than any storable expiresAt: every session has expired
    }
    KeySpace.TenantKeys tenantKeys = keys.tenant(tenant);
    String[] args = {
        Long.toString(tokenGeneration),
        SessionHash.instant(now),
        newStatus.name(),
        browser == null ? "0" : "1",
        browser == null ? "" : browser.secretDigest(),
        browser == null ? "" : SessionHash.instant(browser.activatedAt()),
        browser == null ? "" : SessionHash.instant(browser.lastSeenAt()),
        AccessLogJson.write(List.of(access)), // an OPEN session's log is empty: the one new record is all of it
        id,
        Long.toString(retention.toMillis()),
        tenantKeys.claimPrefix(),
        tenantKeys.userPrefix(),
        SessionHash.nanos(SessionClocks.DEFAULT_IDLE_TIMEOUT)};
    // The script computes the new expiresAt (now plus the active lifetime): should it fail, now is the score owed.
    List<Object> reply = write(tenant, EpochNanos.floorMillis(EpochNanos.saturated(now)), Scripts.CONSUME,
        new String[] {tenantKeys.session(id), tenantKeys.ids(), tenantKeys.expiry(), tenantKeys.counterExpiry(),
            tenantKeys.live()}, args);
    if (reply.isEmpty()) {
      return Optional.empty();
    }
    StoredSession consumed = SessionHash.read(tenant, id, hash(reply.get(2)));
    register(tenant, Long.parseLong((String) reply.get(1)), (String) reply.get(0));
    return Optional.of(consumed);
  }

  @Override
  public SessionPage list(String tenant, String cursor, int limit) {
    payOwed();
    Objects.requireNonNull(tenant, "tenant");
    KeySpace.TenantKeys keys = this.keys.tenant(tenant);
    return page(tenant, new String[] {keys.ids(), keys.expiry(), keys.live()}, "", cursor, limit);
  }

  /**
   * {@inheritDoc}
   *
   * <p>One script pages the user's sorted set of ids, like {@link #list} the tenant's.
   */
  @Override
  public SessionPage listByUser(String tenant, String userId, String cursor, int limit) {
    payOwed();
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(userId, "userId");
    return page(tenant, new String[] {keys.tenant(tenant).user(userId)}, userId, cursor, limit);
  }

  /** One page of the sorted set {@code indexes[0]}; see {@link Scripts#PAGE}. */
  private SessionPage page(String tenant, String[] indexes, String userId, String cursor, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    // One session more than asked tells whether another page follows.
    long fetch = (long) limit + 1;
    List<Object> reply = redis.script(Scripts.PAGE, indexes, keys.tenant(tenant).sessionPrefix(),
        cursor == null ? "" : cursor, Long.toString(fetch), userId);
    List<StoredSession> sessions = sessions(tenant, reply);
    if (sessions.size() > limit) {
      List<StoredSession> page = sessions.subList(0, limit);
      return new SessionPage(page, page.get(limit - 1).id());
    }
    return new SessionPage(sessions, null);
  }

  /** The sessions of a script's reply of {id, {field, value, ...}} pairs. */
  private static List<StoredSession> sessions(String tenant, List<Object> reply) {
    var sessions = new ArrayList<StoredSession>(reply.size());
    for (Object entry : reply) {
      List<?> pair = (List<?>) entry;
      sessions.add(SessionHash.read(tenant, (String) pair.get(0), hash(pair.get(1))));
    }
    return sessions;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Visits the tenants of the registry whose earliest expiry is at or before {@code now} (a tenant with an ended
   * session is among them), a page of {@value #TENANT_PAGE} at a time; for each, one script reads its sorted set of
   * non-terminal sessions by expiry from the start and answers ids and expiries only. The scripts of a page are sent
   * together, so a page costs about one round trip. Of all candidates, the {@code limit} earliest are then read
   * (their hashes sent together: one more round trip), so many tenants with ended sessions cost ids rather than whole
   * sessions; one that changed in between is left out. A single tenant answers whole sessions at once. The answer is
   * earliest first among the tenants visited. A session is listed only while Redis holds it, that is within the
   * {@linkplain Builder#retention retention} after it ended.
   */
  @Override
  public List<StoredSession> listEnded(Instant now, int limit) {
    payOwed();
    Objects.requireNonNull(now, "now");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    long nowNanos = EpochNanos.saturated(now);
    long nowScore = EpochNanos.floorMillis(nowNanos);
    var candidates = new ArrayList<EndedCandidate>();
    for (int offset = 0; candidates.size() < limit; offset += TENANT_PAGE) {
      int from = offset;
      List<String> tenants = redis.await("list tenants with ended sessions",
          () -> redis.commands().zrangebyscore(keys.registry(),
              Range.create(Double.NEGATIVE_INFINITY, (double) nowScore), Limit.create(from, TENANT_PAGE)));
      var scriptKeys = new ArrayList<String[]>(tenants.size());
      var scriptArgs = new ArrayList<String[]>(tenants.size());
      String want = Integer.toString(limit - candidates.size());
      // One tenant alone (the usual deployment): its sessions whole, in this round trip.
      boolean whole = from == 0 && tenants.size() == 1;
      for (String tenant : tenants) {
        KeySpace.TenantKeys tenantKeys = keys.tenant(tenant);
        scriptKeys.add(new String[] {tenantKeys.live(), tenantKeys.ids(), tenantKeys.expiry()});
        scriptArgs.add(new String[] {tenantKeys.sessionPrefix(), Long.toString(nowNanos), Long.toString(nowScore),
            want, whole ? "1" : "0"});
      }
      List<List<Object>> replies = redis.scripts(Scripts.LIST_ENDED, scriptKeys, scriptArgs);
      if (whole) { // ordered by the millisecond score: sort within a millisecond
        List<StoredSession> ended = sessions(tenants.get(0), replies.get(0));
        ended.sort(Comparator.comparing(StoredSession::expiresAt));
        return List.copyOf(ended);
      }
      for (int i = 0; i < tenants.size(); i++) {
        for (Object entry : replies.get(i)) {
          List<?> pair = (List<?>) entry;
          candidates.add(new EndedCandidate(tenants.get(i), (String) pair.get(0),
              Long.parseLong((String) pair.get(1))));
        }
      }
      if (tenants.size() < TENANT_PAGE) {
        break;
      }
    }
    candidates.sort(Comparator.comparingLong(EndedCandidate::expiresAtNanos));
    List<EndedCandidate> kept = candidates.subList(0, Math.min(limit, candidates.size()));
    List<Map<String, String>> hashes = redis.hashes("read ended sessions",
        kept.stream().map(c -> keys.tenant(c.tenant()).session(c.id())).toList());
    var ended = new ArrayList<StoredSession>(kept.size());
    for (int i = 0; i < kept.size(); i++) {
      if (!hashes.get(i).isEmpty()) {
        StoredSession session = SessionHash.read(kept.get(i).tenant(), kept.get(i).id(), hashes.get(i));
        if (!session.status().isTerminal() && !session.expiresAt().isAfter(now)) {
          ended.add(session);
        }
      }
    }
    ended.sort(Comparator.comparing(StoredSession::expiresAt)); // one may have changed between the two reads
    return List.copyOf(ended);
  }

  /** A session {@link #listEnded} may answer: where it is and when it ended. */
  private record EndedCandidate(String tenant, String id, long expiresAtNanos) {}

  /**
   * {@inheritDoc}
   *
   * <p>Visits the tenants whose earliest expiry (per the registry) is before {@code expiredBefore}; for each, one
   * script deletes its expired sessions with their claims and index entries, and its ended counters. Sweepers on
   * several nodes may run at once: each session is deleted, and counted, by exactly one of them.
   */
  @Override
  public int deleteExpired(Instant expiredBefore, int limit) {
    payOwed();
    Objects.requireNonNull(expiredBefore, "expiredBefore");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    long before = EpochNanos.saturated(expiredBefore);
    long beforeScore = EpochNanos.floorMillis(before);
    int sessions = 0;
    int counters = 0;
    Set<String> visited = new HashSet<>();
    // Swept tenants usually leave the range, so the next page starts where this one did; a page of tenants all
    // visited already (still due: keys in the very millisecond of the cut) moves the offset on.
    int offset = 0;
    while (sessions < limit || counters < limit) {
      int from = offset;
      List<ScoredValue<String>> due = redis.await("list tenants with expired sessions",
          () -> redis.commands().zrangebyscoreWithScores(keys.registry(),
              Range.create(Double.NEGATIVE_INFINITY, (double) beforeScore), Limit.create(from, TENANT_PAGE)));
      if (due.isEmpty()) {
        break;
      }
      boolean visitedAll = true;
      for (ScoredValue<String> entry : due) {
        String tenant = entry.getValue();
        if (!visited.add(tenant)) {
          continue;
        }
        visitedAll = false;
        KeySpace.TenantKeys tenantKeys = keys.tenant(tenant);
        List<Object> reply = redis.script(Scripts.SWEEP,
            new String[] {tenantKeys.expiry(), tenantKeys.ids(), tenantKeys.counterExpiry(), tenantKeys.live()},
            tenantKeys.sessionPrefix(), tenantKeys.claimPrefix(), tenantKeys.counterPrefix(), Long.toString(before),
            Long.toString(beforeScore), Integer.toString(limit - sessions), Integer.toString(limit - counters),
            tenantKeys.userPrefix());
        sessions += Math.toIntExact((Long) reply.get(0));
        counters += Math.toIntExact((Long) reply.get(1));
        String earliest = (String) reply.get(2);
        if (!earliest.equals(score(entry.getScore()))) {
          settle(tenant, tenantKeys, earliest);
        }
        if (sessions >= limit && counters >= limit) {
          break;
        }
      }
      if (visitedAll) {
        offset += due.size();
      }
    }
    return sessions;
  }

  /**
   * {@inheritDoc}
   *
   * <p>One script: the counter is a hash (count, window end) that expires natively at its window end; a sorted
   * set per tenant lets {@link #deleteExpired} find ended ones.
   */
  @Override
  public long incrementCounter(String tenant, String key, Instant windowEnd, Instant now) {
    SessionStore.checkCounterArguments(tenant, key, windowEnd, now);
    KeySpace.TenantKeys tenantKeys = keys.tenant(tenant);
    long end = EpochNanos.of(windowEnd);
    long score = EpochNanos.floorMillis(end);
    List<Object> reply = write(tenant, score, Scripts.INCREMENT,
        new String[] {tenantKeys.counter(key), tenantKeys.counterExpiry(), tenantKeys.expiry()},
        Long.toString(EpochNanos.saturated(now)), Long.toString(end),
        Long.toString(Math.max(1, EpochNanos.ceilMillis(end))), Long.toString(score), key);
    String earliest = (String) reply.get(1);
    if (!earliest.equals("-")) {
      register(tenant, score, earliest);
    }
    return (Long) reply.get(0);
  }

  /**
   * Runs the script of a write of {@code tenant} that may need registering at {@code score}; if it fails, it may
   * have run all the same, so the registration is {@linkplain #owed owed}.
   */
  private List<Object> write(String tenant, long score, LuaScript script, String[] keys, String... args) {
    payOwed();
    try {
      return redis.script(script, keys, args);
    } catch (HandoffException e) {
      owed.merge(tenant, score, Math::min);
      throw e;
    }
  }

  /**
   * Sends what is {@linkplain #owed owed} without waiting: on the connection ahead of the call's own commands, so
   * that a sweep or listing that follows sees it; a debt is dropped once its {@code ZADD} succeeded. Idempotent, so
   * a debt paid twice by racing calls does no harm.
   */
  private void payOwed() {
    for (Map.Entry<String, Long> debt : owed.entrySet()) {
      String tenant = debt.getKey();
      long score = debt.getValue();
      try {
        redis.commands().zadd(keys.registry(), ZAddArgs.Builder.lt(), (double) score, tenant)
            .thenRun(() -> owed.remove(tenant, score));
      } catch (RuntimeException e) {
        return; // refused at once (connection down): still owed
      }
    }
  }

  /**
   * Lowers the tenant's registry score to {@code score} if the tenant's earliest expiry before this change
   * ({@code earliest}, '' for none) was later, or the tenant was not listed. Runs after the change, never before,
   * so that {@link #settle} cannot lose it; if it fails, it is {@linkplain #owed owed}.
   */
  private void register(String tenant, long score, String earliest) {
    if (earliest.isEmpty() || score < Double.parseDouble(earliest)) {
      try {
        redis.await("register the tenant for sweeping",
            () -> redis.commands().zadd(keys.registry(), ZAddArgs.Builder.lt(), (double) score, tenant));
      } catch (HandoffException e) {
        owed.merge(tenant, score, Math::min);
        throw e;
      }
    }
  }

  /**
   * Sets the tenant's registry score to its earliest expiry after a sweep, without losing a concurrent
   * {@link #register}: a writer registers only after its script ran, so if its registration lands before this
   * overwrite, its key is already in the sorted sets that are read again below, and the score is lowered back.
   */
  private void settle(String tenant, KeySpace.TenantKeys tenantKeys, String earliest) {
    if (earliest.isEmpty()) {
      redis.await("unregister a tenant", () -> redis.commands().zrem(keys.registry(), tenant));
    } else {
      redis.await("update the tenant registry",
          () -> redis.commands().zadd(keys.registry(), Double.parseDouble(earliest), tenant));
    }
    String now = (String) redis.script(Scripts.EARLIEST,
        new String[] {tenantKeys.expiry(), tenantKeys.counterExpiry()}).get(0);
    if (!now.isEmpty() && (earliest.isEmpty() || Double.parseDouble(now) < Double.parseDouble(earliest))) {
      redis.await("update the tenant registry",
          () -> redis.commands().zadd(keys.registry(), ZAddArgs.Builder.lt(), Double.parseDouble(now), tenant));
    }
  }

  /** A score as Redis writes it: integral scores without a fraction. */
  private static String score(double score) {
    return score == Math.rint(score) && Math.abs(score) < 1e17 ? Long.toString((long) score) : Double.toString(score);
  }

  /** The key of the sorted set of the session's user, or {@code sessionKey} if its subject is no existing user. */
  private static String userKey(KeySpace.TenantKeys tenant, StoredSession s, String sessionKey) {
    return s.subject() instanceof Subject.ExistingUser existing ? tenant.user(existing.userId()) : sessionKey;
  }

  private static long expiryScore(StoredSession s) {
    return EpochNanos.floorMillis(EpochNanos.of(s.expiresAt()));
  }

  /** When Redis drops the session: expiresAt plus retention, in whole ms rounded up, at least 1 (Redis's floor). */
  private long expireAtMillis(StoredSession s) {
    long expiresAt = EpochNanos.ceilMillis(EpochNanos.of(s.expiresAt()));
    long at = expiresAt + retention.toMillis();
    return Math.max(1, at);
  }

  /** A flat list field, value, ... as a map. */
  private static Map<String, String> hash(Object flat) {
    List<?> list = (List<?>) flat;
    var map = new HashMap<String, String>(list.size());
    for (int i = 0; i + 1 < list.size(); i += 2) {
      map.put((String) list.get(i), (String) list.get(i + 1));
    }
    return map;
  }

  /** Closes the connection, and shuts down the Lettuce client if the builder created it. Idempotent. */
  @Override
  public void close() {
    redis.close();
  }

  @Override
  public String toString() {
    return "RedisSessionStore[" + (cluster ? "cluster" : "standalone") + ", keyPrefix=" + keys.prefix()
        + ", retention=" + retention + "]";
  }

  /**
   * Configures a {@link RedisSessionStore}. Name the server in exactly one way: {@link #uri} (standalone),
   * {@link #clusterUris} (Redis Cluster), or a Lettuce client ({@link #client}, {@link #clusterClient}) or
   * connection ({@link #connection}) you own.
   * Setters validate their argument at once and throw {@link IllegalArgumentException} or
   * {@link NullPointerException} with the reason.
   *
   * <p>Not thread-safe; use one builder per thread.
   */
  public static final class Builder {
    private static final Duration MAX_RETENTION = Duration.ofDays(3650);

    private String uri;
    private List<String> clusterUris;
    private RedisClient client;
    private RedisClusterClient clusterClient;
    private StatefulRedisConnection<String, String> connection;
    private StatefulRedisClusterConnection<String, String> clusterConnection;
    private String keyPrefix = "handoff:";
    private Duration retention = Duration.ofDays(1);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration commandTimeout = Duration.ofSeconds(2);

    private Builder() {}

    /**
     * A standalone Redis or Valkey server (or a proxy in front of a cluster), e.g. {@code redis://127.0.0.1:6379},
     * {@code rediss://:password@host:6380/0} (Lettuce's URI syntax). The store creates and closes its own client.
     */
    public Builder uri(String uri) {
      Objects.requireNonNull(uri, "uri");
      RedisURI.create(uri); // fails fast on a malformed URI
      this.uri = uri;
      return this;
    }

    /**
     * A Redis Cluster, by one or more of its nodes, e.g. {@code redis://127.0.0.1:7101}; the rest of the topology
     * is discovered and refreshed when it changes. The store creates and closes its own client.
     */
    public Builder clusterUris(List<String> uris) {
      Objects.requireNonNull(uris, "uris");
      if (uris.isEmpty()) {
        throw new IllegalArgumentException("name at least one cluster node");
      }
      uris.forEach(u -> RedisURI.create(Objects.requireNonNull(u, "uri")));
      this.clusterUris = List.copyOf(uris);
      return this;
    }

    /**
     * A Lettuce client you configured and own (the store connects through it and never shuts it down); its own
     * options then govern connecting and reconnecting, and the command timeout still applies. Give it
     * {@code DisconnectedBehavior.REJECT_COMMANDS} as the store's own clients have: a client that queues commands
     * while disconnected replays a lost connection's unanswered scripts, and their callers get the second answer.
     */
    public Builder client(RedisClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Like {@link #client}, for a Redis Cluster. */
    public Builder clusterClient(RedisClusterClient clusterClient) {
      this.clusterClient = Objects.requireNonNull(clusterClient, "clusterClient");
      return this;
    }

    /**
     * A Lettuce connection you own, with a UTF-8 {@code String} codec ({@code StringCodec.UTF8}), to share with
     * the rest of the application as Lettuce recommends; the store never closes it. The command timeout applies.
     */
    public Builder connection(StatefulRedisConnection<String, String> connection) {
      this.connection = Objects.requireNonNull(connection, "connection");
      return this;
    }

    /** Like {@link #connection(StatefulRedisConnection)}, for a Redis Cluster. */
    public Builder connection(StatefulRedisClusterConnection<String, String> clusterConnection) {
      this.clusterConnection = Objects.requireNonNull(clusterConnection, "clusterConnection");
      return this;
    }

    /**
     * What every key of the store starts with, so that several stores (or other data) can share one server.
     * Default {@code handoff:}.
     *
     * @param keyPrefix at most 64 characters, without <code>{</code> or <code>}</code> (hash tags are the
     *     store's)
     */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      if (keyPrefix.length() > 64 || keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
        throw new IllegalArgumentException("keyPrefix must be at most 64 characters without braces, got '"
            + keyPrefix + "'");
      }
      KeySpace.checkWellFormed("keyPrefix", keyPrefix);
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * How long Redis keeps a session after its {@code expiresAt}, so that the engine can still say "expired" rather
     * than "not found". Default one day.
     *
     * @param retention zero to 3650 days
     */
    public Builder retention(Duration retention) {
      Objects.requireNonNull(retention, "retention");
      if (retention.isNegative() || retention.compareTo(MAX_RETENTION) > 0) {
        throw new IllegalArgumentException("retention must be between 0 and 3650 days, got " + retention);
      }
      this.retention = retention;
      return this;
    }

    /**
     * How long connecting (and reconnecting) may take, for a client the store creates. Default 5 seconds.
     *
     * @param connectTimeout 1 ms to 5 minutes
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = checkTimeout("connectTimeout", connectTimeout);
      return this;
    }

    /**
     * How long any one call waits for Redis before it fails with {@link ErrorCode#STORAGE_UNAVAILABLE}; the
     * command is cancelled but may still have run, so its outcome is unknown. Default 2 seconds.
     *
     * @param commandTimeout 1 ms to 5 minutes
     */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = checkTimeout("commandTimeout", commandTimeout);
      return this;
    }

    private static Duration checkTimeout(String name, Duration timeout) {
      Objects.requireNonNull(timeout, name);
      if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException(name + " must be between 1 ms and 5 minutes, got " + timeout);
      }
      return timeout;
    }

    /**
     * Connects, checks that the server is Redis 7.0 or later (or Valkey), and returns the store.
     *
     * @throws IllegalStateException if not exactly one of uri, clusterUris, client and clusterClient was set
     * @throws HandoffException {@link ErrorCode#STORAGE_UNAVAILABLE} if the server cannot be reached or is older
     *     than Redis 7.0
     */
    public RedisSessionStore build() {
      int named = (uri == null ? 0 : 1) + (clusterUris == null ? 0 : 1) + (client == null ? 0 : 1)
          + (clusterClient == null ? 0 : 1) + (connection == null ? 0 : 1) + (clusterConnection == null ? 0 : 1);
      if (named != 1) {
        throw new IllegalStateException("name the Redis server exactly once: uri, clusterUris, client, "
            + "clusterClient or connection (" + named + " given)");
      }
      LettuceConnection connection = connect();
      try {
        checkVersion(connection);
      } catch (RuntimeException e) {
        connection.close();
        throw e;
      }
      return new RedisSessionStore(connection, new KeySpace(keyPrefix), retention,
          clusterUris != null || clusterClient != null || clusterConnection != null);
    }

    private LettuceConnection connect() {
      if (connection != null) {
        return new LettuceConnection(null, connection.async(), null, commandTimeout);
      }
      RedisClusterClient ownedCluster = null;
      RedisClient ownedClient = null;
      try {
        if (clusterConnection != null) {
          openMasterConnections(clusterConnection);
          return new LettuceConnection(null, clusterConnection.async(), null, commandTimeout);
        }
        if (uri != null || client != null) {
          RedisClient c = client;
          if (c == null) {
            c = ownedClient = RedisClient.create(redisUri(uri, commandTimeout));
            c.setOptions(clientOptions(connectTimeout, commandTimeout));
          }
          StatefulRedisConnection<String, String> connection = c.connect(StringCodec.UTF8);
          return new LettuceConnection(connection, connection.async(), ownedClient, commandTimeout);
        }
        RedisClusterClient c = clusterClient;
        if (c == null) {
          c = ownedCluster = RedisClusterClient.create(clusterUris.stream().map(u -> redisUri(u, commandTimeout))
              .toList());
          c.setOptions(clusterClientOptions(connectTimeout, commandTimeout));
        }
        StatefulRedisClusterConnection<String, String> connection = c.connect(StringCodec.UTF8);
        try {
          openMasterConnections(connection);
        } catch (RedisException e) {
          connection.close();
          throw e;
        }
        return new LettuceConnection(connection, connection.async(), ownedCluster, commandTimeout);
      } catch (RedisException e) {
        if (ownedClient != null) {
          ownedClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (ownedCluster != null) {
          ownedCluster.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        throw new HandoffException(ErrorCode.STORAGE_UNAVAILABLE,
            "cannot connect to Redis: " + e.getClass().getSimpleName() + " (" + e.getMessage() + ")", e);
      }
    }

    /**
     * Opens the connection to every master now, as the cluster client would on first use: a client that rejects
     * commands while disconnected (see {@link #clusterClientOptions}) would refuse the first command to each.
     */
    static void openMasterConnections(StatefulRedisClusterConnection<String, String> connection) {
      for (RedisClusterNode node : connection.getPartitions()) {
        if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
          connection.getConnection(node.getUri().getHost(), node.getUri().getPort());
        }
      }
    }

    private static RedisURI redisUri(String uri, Duration commandTimeout) {
      RedisURI redisUri = RedisURI.create(uri);
      redisUri.setTimeout(commandTimeout);
      return redisUri;
    }

    /**
     * The options of a standalone client the store creates: the timeouts, and commands refused at once while the
     * connection is down (rather than queued until a reconnect, to run at some unknown later time).
     */
    static ClientOptions clientOptions(Duration connectTimeout, Duration commandTimeout) {
      return ClientOptions.builder()
          .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
          .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .build();
    }

    /**
     * The options of a cluster client the store creates: the timeouts, the topology refreshed on redirects,
     * reconnects and every minute, and commands refused at once while a node's connection is down, as on a
     * standalone client. Accepting them instead would also replay the commands a lost connection left unanswered
     * once it reconnects: a script that ran before the loss would run twice and its caller get the second answer (a
     * consume would say the session was not consumable, the link its own call had just used). Refused, those fail,
     * their outcome unknown. The store opens the connection to every master when it is built.
     */
    static ClusterClientOptions clusterClientOptions(Duration connectTimeout, Duration commandTimeout) {
      return ClusterClientOptions.builder()
          .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
          .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
              .enableAllAdaptiveRefreshTriggers()
              .enablePeriodicRefresh(Duration.ofMinutes(1))
              .build())
          .build();
    }

    private static void checkVersion(LettuceConnection connection) {
      String info = connection.await("read the server version", () -> connection.commands().info("server"));
      for (String line : info.split("\r?\n")) {
        if (line.startsWith("redis_version:")) {
          String version = line.substring("redis_version:".length()).trim();
          int major = Integer.parseInt(version.substring(0, Math.max(1, version.indexOf('.'))));
          if (major < 7) {
            throw new HandoffException(ErrorCode.STORAGE_UNAVAILABLE,
                "the Redis store needs Redis 7.0 or later (or Valkey), found " + version);
          }
          return;
        }
      }
    }
  }
}
