package dev.handoff.storage.redis;

import static dev.handoff.storage.tck.StoredSessions.baseTime;
import static dev.handoff.storage.tck.StoredSessions.open;
import static dev.handoff.storage.tck.StoredSessions.redemption;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionClocks;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the kit does not cover: the key layout and native expiry, several stores over one server, sweeps racing
 * writers, timeouts and lost connections, the builder. Against the standalone server.
 */
class RedisSessionStoreTest {
  private static final Instant NOW = baseTime().plusSeconds(60);
  private static final TestRedis.Mode MODE = TestRedis.Mode.STANDALONE;

  private final List<String> prefixes = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private RedisClusterCommands<String, String> redis;

  @BeforeEach
  @BeforeProperty
  void requireRedis() {
    TestRedis.assumeAvailable(MODE);
    redis = TestRedis.sync(MODE);
  }

  @AfterEach
  @AfterProperty
  void cleanUp() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    closeables.clear();
    if (redis != null) {
      TestRedis.deleteKeys(redis, prefixes);
    }
    prefixes.clear();
  }

  private String prefix() {
    String prefix = TestRedis.newPrefix();
    prefixes.add(prefix);
    return prefix;
  }

  /** A store of its own, over {@code proxy}, closed after the test. */
  private RedisSessionStore behind(FreezableProxy proxy, String prefix, Duration commandTimeout) {
    return closeLater(RedisSessionStore.builder().uri(proxy.uri()).keyPrefix(prefix).retention(TestRedis.RETENTION)
        .commandTimeout(commandTimeout).build());
  }

  private <T extends AutoCloseable> T closeLater(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  // ---- key layout and native expiry ----------------------------------------------------------------------

  @Test
  void everyKeyOfATenantCarriesItsHashTagAndExpiresNatively() {
    String prefix = prefix();
    RedisSessionStore store = TestRedis.sharedStore(MODE, prefix);
    StoredSession s = open("acme", "csn_1").idempotency("key-1", "fp").expiresAt(baseTime().plusSeconds(3600)
        .plusNanos(1)).build();
    store.insert(s);

    assertThat(TestRedis.keys(redis, prefix)).containsExactlyInAnyOrder(prefix + "{acme}:s:csn_1",
        prefix + "{acme}:k:key-1", prefix + "{acme}:ids", prefix + "{acme}:exp", prefix + "{acme}:live",
        prefix + "tenants");
    // expiresAt rounded up to the millisecond, plus the retention
    long dropAt = baseTime().plusSeconds(3600).toEpochMilli() + 1 + TestRedis.RETENTION.toMillis();
    assertThat(redis.pexpiretime(prefix + "{acme}:s:csn_1")).isEqualTo(dropAt);
    assertThat(redis.pexpiretime(prefix + "{acme}:k:key-1")).isEqualTo(dropAt);
    assertThat(redis.pexpiretime(prefix + "{acme}:ids")).isEqualTo(dropAt);
    assertThat(redis.pexpiretime(prefix + "{acme}:exp")).isEqualTo(dropAt);
    assertThat(redis.pexpiretime(prefix + "{acme}:live")).isEqualTo(dropAt);
    assertThat(redis.hget(prefix + "{acme}:s:csn_1", "td")).isEqualTo("dgst_csn_1");

    // A later session keeps the indexes alive longer; an earlier one does not shorten them.
    store.insert(open("acme", "csn_2").expiresAt(baseTime().plusSeconds(7200)).build());
    store.insert(open("acme", "csn_0").expiresAt(baseTime().plusSeconds(60)).build());
    long later = baseTime().plusSeconds(7200).toEpochMilli() + TestRedis.RETENTION.toMillis();
    assertThat(redis.pexpiretime(prefix + "{acme}:ids")).isEqualTo(later);
    assertThat(redis.pexpiretime(prefix + "{acme}:exp")).isEqualTo(later);
  }

  @Test
  void replaceMovesTheNativeExpiryAndTheClaim() {
    String prefix = prefix();
    RedisSessionStore store = TestRedis.sharedStore(MODE, prefix);
    StoredSession s = open("acme", "csn_1").idempotency("old", "fp").build();
    store.insert(s);
    Instant later = s.expiresAt().plusSeconds(600);
    StoredSession next = s.toBuilder().expiresAt(later).idempotency("new", "fp2").version(1).build();
    assertThat(store.replace(next, 0)).isTrue();

    long dropAt = later.toEpochMilli() + TestRedis.RETENTION.toMillis();
    assertThat(redis.pexpiretime(prefix + "{acme}:s:csn_1")).isEqualTo(dropAt);
    assertThat(redis.pexpiretime(prefix + "{acme}:k:new")).isEqualTo(dropAt);
    assertThat(redis.exists(prefix + "{acme}:k:old")).isZero();
    assertThat(store.findByIdempotencyKey("acme", "old")).isEmpty();
    assertThat(store.findByIdempotencyKey("acme", "new")).contains(next);
    assertThat(redis.zscore(prefix + "{acme}:exp", "csn_1")).isEqualTo((double) later.toEpochMilli());
  }

  @Test
  void aCounterExpiresNativelyAtItsWindowEndAndIsIndexedForTheSweep() {
    String prefix = prefix();
    RedisSessionStore store = TestRedis.sharedStore(MODE, prefix);
    Instant now = Instant.now();
    Instant end = now.plusSeconds(30).plusNanos(1);
    assertThat(store.incrementCounter("t1", "k", end, now)).isEqualTo(1);
    assertThat(store.incrementCounter("t1", "k", end.plusSeconds(60), now.plusSeconds(1))).isEqualTo(2);
    long endMillis = end.toEpochMilli();
    assertThat(redis.pexpiretime(prefix + "{t1}:c:k")).isEqualTo(endMillis + 1); // rounded up
    assertThat(redis.zscore(prefix + "{t1}:cexp", "k")).isEqualTo((double) endMillis);
    assertThat(redis.zscore(prefix + "tenants", "t1")).isEqualTo((double) endMillis);
    assertThat(store.deleteExpired(end.plusMillis(1), 10)).isZero(); // counters are not counted
    assertThat(TestRedis.keys(redis, prefix)).isEmpty();
  }

  /** Any tenant string is safe in the hash tag: one slot per tenant, and no two tenants share a key. */
  @Property(tries = 40)
  void anyTwoTenantsAreIsolatedAndEachStaysInOneSlot(@ForAll("awkwardTenants") String a,
      @ForAll("awkwardTenants") String b) {
    String prefix = prefix();
    RedisSessionStore store = TestRedis.sharedStore(MODE, prefix);
    StoredSession inA = open(a, "csn_1").idempotency("key", "fp").build();
    store.insert(inA);
    if (!a.equals(b)) {
      assertThat(store.find(b, "csn_1")).isEmpty();
      assertThat(store.findByIdempotencyKey(b, "key")).isEmpty();
      assertThat(store.list(b, null, 5).sessions()).isEmpty();
      StoredSession inB = open(b, "csn_1").idempotency("key", "fp").tokenDigest("other").build();
      store.insert(inB);
      assertThat(store.find(b, "csn_1")).contains(inB);
    }
    assertThat(store.find(a, "csn_1")).contains(inA);
    for (String tenant : List.of(a, b)) {
      String tag = "{" + KeySpace.escape(tenant) + "}";
      List<String> keys = TestRedis.keys(redis, prefix + tag);
      assertThat(keys).hasSize(5);
      assertThat(keys).allSatisfy(k -> assertThat(SlotHash.getSlot(k)).isEqualTo(SlotHash.getSlot(keys.get(0))));
    }
  }

  @Provide
  Arbitrary<String> awkwardTenants() {
    return Arbitraries.strings().withChars("{}%7DBa:").ofMaxLength(6);
  }

  @Test
  void aSessionPastItsRetentionIsGoneAndLeavesNoKeyBehind() {
    String prefix = prefix();
    RedisSessionStore store = closeLater(TestRedis.storeBuilder(MODE, prefix).retention(Duration.ZERO).build());
    Instant now = Instant.now();
    store.insert(open("t1", "gone").idempotency("key", "fp").createdAt(now.minusSeconds(600))
        .modifiedAt(now.minusSeconds(600)).expiresAt(now.minusSeconds(60)).build());
    store.insert(open("t1", "live").createdAt(now).modifiedAt(now).expiresAt(now.plusSeconds(600)).build());

    assertThat(store.find("t1", "gone")).isEmpty();
    assertThat(store.findByIdempotencyKey("t1", "key")).isEmpty();
    assertThat(store.list("t1", null, 10).sessions()).extracting(StoredSession::id).containsExactly("live");
    assertThat(store.deleteExpired(now, 10)).isZero(); // Redis already dropped it: nothing left to delete
    assertThat(redis.zrange(prefix + "{t1}:exp", 0, -1)).containsExactly("live");
    assertThat(redis.zrange(prefix + "{t1}:ids", 0, -1)).containsExactly("live");
  }

  /**
   * consume starts the second clock: Redis now drops the session (and its claim) at the new expiresAt plus the
   * retention, whether that is later or earlier than the link's, and the indexes follow, down to the registry.
   */
  @Test
  void consumeMovesTheNativeExpiryOfTheSessionItsClaimAndItsIndexEntries() {
    String prefix = prefix();
    RedisSessionStore store = TestRedis.sharedStore(MODE, prefix);
    Instant link = baseTime().plusSeconds(3600);
    store.insert(open("acme", "long").idempotency("key", "fp").subject(new Subject.ExistingUser("usr_1"))
        .expiresAt(link).clocks(new SessionClocks(link, Duration.ofMinutes(1), Duration.ofDays(2))).build());
    store.insert(open("acme", "short").expiresAt(link)
        .clocks(new SessionClocks(link, Duration.ofMinutes(1), Duration.ofSeconds(30))).build());

    assertThat(store.consume("acme", "long", 1, SessionStatus.ACTIVE, null, redemption(NOW), NOW)).isPresent();
    long later = NOW.plus(Duration.ofDays(2)).toEpochMilli();
    long dropAt = later + TestRedis.RETENTION.toMillis();
    assertThat(redis.pexpiretime(prefix + "{acme}:s:long")).isEqualTo(dropAt);
    assertThat(redis.pexpiretime(prefix + "{acme}:k:key")).isEqualTo(dropAt);
    for (String index : List.of("ids", "exp", "live", "u:usr_1")) {
      assertThat(redis.pexpiretime(prefix + "{acme}:" + index)).as(index).isEqualTo(dropAt);
    }
    assertThat(redis.zscore(prefix + "{acme}:exp", "long")).isEqualTo((double) later);
    assertThat(redis.zscore(prefix + "{acme}:live", "long")).isEqualTo((double) later);

    assertThat(store.consume("acme", "short", 1, SessionStatus.REVOKED, null, redemption(NOW), NOW)).isPresent();
    long earlier = NOW.plusSeconds(30).toEpochMilli();
    assertThat(redis.pexpiretime(prefix + "{acme}:s:short")).isEqualTo(earlier + TestRedis.RETENTION.toMillis());
    assertThat(redis.zscore(prefix + "{acme}:exp", "short")).isEqualTo((double) earlier);
    assertThat(redis.zscore(prefix + "{acme}:live", "short")).as("consumed into a final status").isNull();
    assertThat(redis.zscore(prefix + "tenants", "acme")).as("the sweep must visit it sooner")
        .isEqualTo((double) earlier);
  }

  /** A hash written before the clocks were stored reads as its one lifetime, and consume gives it that again. */
  @Test
  void aHashWithoutClocksReadsAsItsSingleLifetimeAndConsumesWithIt() {
    String prefix = prefix();
    RedisSessionStore store = TestRedis.sharedStore(MODE, prefix);
    StoredSession hour = open("acme", "hour").build();
    StoredSession instant = open("acme", "instant").expiresAt(baseTime().plusMillis(500)).build();
    for (StoredSession s : List.of(hour, instant)) {
      store.insert(s);
      redis.hdel(prefix + "{acme}:s:" + s.id(), "lx", "to", "lf");
      assertThat(store.find("acme", s.id())).contains(s);
    }
    assertThat(store.consume("acme", "hour", 1, SessionStatus.ACTIVE, null, redemption(NOW), NOW))
        .contains(hour.consumedAs(SessionStatus.ACTIVE, null, redemption(NOW), NOW));
    Instant soon = baseTime().plusMillis(100);
    assertThat(store.consume("acme", "instant", 1, SessionStatus.ACTIVE, null, redemption(soon), soon))
        .as("at least a second, as SessionClocks.single gives")
        .contains(instant.consumedAs(SessionStatus.ACTIVE, null, redemption(soon), soon));
    assertThat(store.find("acme", "instant").orElseThrow().expiresAt()).isEqualTo(soon.plusSeconds(1));
  }

  /**
   * Entries of a session Redis dropped natively (here: deleted by hand) are dropped by the listings that meet them,
   * also when another user's session took its id since.
   */
  @Test
  void listingsDropTheEntriesOfSessionsThatExpiredNatively() {
    String prefix = prefix();
    RedisSessionStore store = TestRedis.sharedStore(MODE, prefix);
    StoredSession kept = open("t1", "kept").subject(new Subject.ExistingUser("usr_1")).status(SessionStatus.ACTIVE)
        .expiresAt(NOW.minusSeconds(1)).build();
    store.insert(kept);
    store.insert(open("t1", "gone").subject(new Subject.ExistingUser("usr_1")).status(SessionStatus.ACTIVE)
        .expiresAt(NOW.minusSeconds(2)).build());
    store.insert(open("t1", "reused").subject(new Subject.ExistingUser("usr_1")).build());
    redis.del(prefix + "{t1}:s:gone", prefix + "{t1}:s:reused");
    StoredSession reused = open("t1", "reused").subject(new Subject.ExistingUser("usr_2")).build();
    store.insert(reused);

    assertThat(store.listEnded(NOW, 10)).containsExactly(kept);
    assertThat(redis.zrange(prefix + "{t1}:live", 0, -1)).containsExactlyInAnyOrder("kept", "reused");
    assertThat(store.listByUser("t1", "usr_1", null, 10).sessions()).containsExactly(kept);
    assertThat(redis.zrange(prefix + "{t1}:u:usr_1", 0, -1)).containsExactly("kept");
    assertThat(store.listByUser("t1", "usr_2", null, 10).sessions()).containsExactly(reused);
    assertThat(store.list("t1", null, 10).sessions()).containsExactly(kept, reused);
    assertThat(redis.zrange(prefix + "{t1}:ids", 0, -1)).containsExactly("kept", "reused");
    // Deleting the rest leaves no key behind, the user and live sets included.
    assertThat(store.deleteExpired(NOW.plus(Duration.ofDays(1)), 10)).isEqualTo(2);
    assertThat(TestRedis.keys(redis, prefix)).isEmpty();
  }

  /** More tenants than one page of the registry, each with an ended session: their scripts go out together. */
  @Test
  void listEndedPagesThroughManyTenants() {
    RedisSessionStore store = TestRedis.sharedStore(MODE, prefix());
    var ended = new ArrayList<StoredSession>();
    Instant created = NOW.minusSeconds(3600);
    for (int t = 0; t < 300; t++) {
      StoredSession s = open("t" + t, "ended").status(SessionStatus.ACTIVE).createdAt(created).modifiedAt(created)
          .expiresAt(NOW.minusSeconds(t)).build();
      store.insert(s);
      ended.add(s);
      store.insert(s.toBuilder().id("done").status(SessionStatus.COMPLETED).build());
    }
    assertThat(store.listEnded(NOW, 1000)).containsExactlyInAnyOrderElementsOf(ended);
    assertThat(store.listEnded(NOW, 3)).as("earliest first").extracting(StoredSession::tenant)
        .containsExactly("t299", "t298", "t297");
  }

  @Test
  void aCorruptHashIsStorageUnavailable() {
    String prefix = prefix();
    RedisSessionStore store = TestRedis.sharedStore(MODE, prefix);
    redis.hset(prefix + "{t1}:s:csn_1", "st", "NOT_A_STATUS");
    assertThatThrownBy(() -> store.find("t1", "csn_1")).isInstanceOfSatisfying(HandoffException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));
  }

  @Test
  void unpairedSurrogatesInKeysAreRefusedBeforeRedisSeesThem() {
    RedisSessionStore store = TestRedis.sharedStore(MODE, prefix());
    assertThatThrownBy(() -> store.insert(open("t\uD800", "csn_1").build()))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThatThrownBy(() -> store.find("t1", "csn_\uDC00"))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    store.insert(open("t1", "csn_😀").build()); // a proper pair is fine
    assertThat(store.find("t1", "csn_😀")).isPresent();
  }

  // ---- several stores over one server --------------------------------------------------------------------

  @Test
  void twoStoresOverOneServerBehaveAsOne() throws Exception {
    String prefix = prefix();
    RedisSessionStore a = TestRedis.sharedStore(MODE, prefix);
    RedisSessionStore b = closeLater(TestRedis.storeBuilder(MODE, prefix).build());
    StoredSession s = open("t1", "csn_1").build();
    a.insert(s);
    assertThat(b.find("t1", "csn_1")).contains(s);
    assertThat(b.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, null, redemption(NOW), NOW))
        .contains(s.consumedAs(SessionStatus.ACTIVE, null, redemption(NOW), NOW));
    assertThat(a.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, null, redemption(NOW), NOW)).isEmpty();
    assertThat(b.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, null, redemption(NOW), NOW)).isEmpty();

    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 30; round++) {
        String id = "race_" + round;
        a.insert(open("t1", id).build());
        var barrier = new CyclicBarrier(8);
        var wins = new AtomicInteger();
        var futures = new ArrayList<Future<?>>();
        for (int t = 0; t < 8; t++) {
          RedisSessionStore store = t % 2 == 0 ? a : b;
          futures.add(pool.submit(() -> {
            barrier.await(10, TimeUnit.SECONDS);
            if (store.consume("t1", id, 1, SessionStatus.ACTIVE, null, redemption(NOW), NOW).isPresent()) {
              wins.incrementAndGet();
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get(30, TimeUnit.SECONDS);
        }
        assertThat(wins).as("round %d", round).hasValue(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Writers insert early-expiring sessions while sweepers on two connections delete them: every expired session is
   * deleted exactly once, and none is left behind because a sweep raised its tenant's registry score past it.
   */
  @Test
  void sweepersRacingWritersDeleteEverySessionExactlyOnce() throws Exception {
    String prefix = prefix();
    RedisSessionStore a = TestRedis.sharedStore(MODE, prefix);
    RedisSessionStore b = closeLater(TestRedis.storeBuilder(MODE, prefix).build());
    Instant cut = baseTime();
    int writers = 3;
    int perWriter = 150;
    var writing = new AtomicInteger(writers);
    var deleted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(writers + 4);
    try {
      var futures = new ArrayList<Future<?>>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < perWriter; i++) {
            // Expiries go down and up so that some inserts lower their tenant's earliest expiry and some do not.
            Instant expiresAt = cut.minusSeconds(1 + (i * 7919L + writer * 104729L) % 5000);
            (i % 2 == 0 ? a : b).insert(open("t" + (i % 3), "w" + writer + "_" + i)
                .createdAt(expiresAt.minusSeconds(60)).modifiedAt(expiresAt.minusSeconds(60)).expiresAt(expiresAt)
                .idempotency("k" + writer + "_" + i, "fp").build());
          }
          writing.decrementAndGet();
          return null;
        }));
      }
      for (int s = 0; s < 4; s++) {
        RedisSessionStore sweeper = s % 2 == 0 ? a : b;
        futures.add(pool.submit(() -> {
          while (writing.get() > 0) {
            deleted.addAndGet(sweeper.deleteExpired(cut, 7));
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    deleted.addAndGet(a.deleteExpired(cut, Integer.MAX_VALUE));
    assertThat(deleted).hasValue(writers * perWriter);
    for (String tenant : List.of("t0", "t1", "t2")) {
      assertThat(a.list(tenant, null, 10).sessions()).isEmpty();
    }
    assertThat(TestRedis.keys(redis, prefix)).isEmpty();
  }

  /** More tenants than one page of the registry, some with sessions in the very millisecond of the cut. */
  @Test
  void theSweepPagesThroughManyTenants() {
    RedisSessionStore store = TestRedis.sharedStore(MODE, prefix());
    Instant cut = baseTime();
    for (int t = 0; t < 300; t++) {
      store.insert(open("t" + t, "old").createdAt(cut.minusSeconds(3600)).modifiedAt(cut.minusSeconds(3600))
          .expiresAt(cut.minusSeconds(1 + t)).build());
      if (t % 7 == 0) { // not expired before the cut, though in its millisecond: keeps the tenant in range
        store.insert(open("t" + t, "at_cut").createdAt(cut.minusSeconds(3600)).modifiedAt(cut.minusSeconds(3600))
            .expiresAt(cut.plusNanos(1)).build());
      }
    }
    assertThat(store.deleteExpired(cut.plusNanos(1), 120)).isEqualTo(120);
    assertThat(store.deleteExpired(cut.plusNanos(1), 1000)).isEqualTo(180);
    assertThat(store.deleteExpired(cut.plusNanos(1), 1000)).isZero();
    assertThat(store.find("t0", "at_cut")).isPresent();
    assertThat(store.find("t0", "old")).isEmpty();
    assertThat(store.find("t299", "old")).isEmpty();
  }

  // ---- failures ------------------------------------------------------------------------------------------

  @Test
  void anUnreachableServerFailsTheBuildWithStorageUnavailable() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> RedisSessionStore.builder().uri("redis://127.0.0.1:1")
        .connectTimeout(Duration.ofMillis(500)).build())
        .isInstanceOfSatisfying(HandoffException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
          assertThat(e.getCause()).isInstanceOf(RedisConnectionException.class);
        });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aReplyThatDoesNotComeTimesOutAndTheOutcomeIsUnknown() throws Exception {
    String prefix = prefix();
    FreezableProxy proxy = closeLater(new FreezableProxy("127.0.0.1", 6379));
    RedisSessionStore store = behind(proxy, prefix, Duration.ofMillis(300));
    RedisSessionStore direct = TestRedis.sharedStore(MODE, prefix);
    store.insert(open("t1", "csn_1").build());

    proxy.holdReplies();
    long start = System.nanoTime();
    assertThatThrownBy(() -> store.insert(open("t1", "csn_2").build()))
        .isInstanceOfSatisfying(HandoffException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
          assertThat(e.getMessage()).contains("within PT0.3S").contains("outcome is unknown");
        });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    // The request reaches Redis (the proxy forwards it, however late on a loaded machine): the insert happens
    // although the caller was told it failed.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (direct.find("t1", "csn_2").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(direct.find("t1", "csn_2")).isPresent();

    proxy.releaseReplies();
    assertThatThrownBy(() -> store.insert(open("t1", "csn_2").build())) // a retry is safe: it conflicts
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    assertThat(store.find("t1", "csn_1")).isPresent();
  }

  /**
   * A sweep's batch of marks is sent whole before the first reply is awaited: with every reply held back, all of
   * them still reach Redis (one by one, the first would time out and the rest never be sent). The caller is told
   * the outcome is unknown, as the contract says, and the engine re-reads.
   */
  @Test
  void replaceEachSendsTheWholeBatchBeforeAwaitingAReply() throws Exception {
    String prefix = prefix();
    FreezableProxy proxy = closeLater(new FreezableProxy("127.0.0.1", 6379));
    RedisSessionStore store = behind(proxy, prefix, Duration.ofMillis(500));
    RedisSessionStore direct = TestRedis.sharedStore(MODE, prefix);
    var marks = new ArrayList<StoredSession>();
    for (int i = 0; i < 30; i++) {
      StoredSession s = open("t" + i % 3, "csn_" + i).expiresAt(NOW).build();
      direct.insert(s);
      marks.add(s.toBuilder().status(SessionStatus.EXPIRED).version(1).build());
    }

    proxy.holdReplies();
    assertThatThrownBy(() -> store.replaceEach(marks)).isInstanceOfSatisfying(HandoffException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
      assertThat(e.getMessage()).contains("outcome is unknown");
    });
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!direct.listEnded(NOW, 100).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    for (StoredSession mark : marks) {
      assertThat(direct.find(mark.tenant(), mark.id())).as("every mark ran").contains(mark);
    }
    proxy.releaseReplies();
    assertThat(store.replaceEach(marks)).as("a retry finds them applied").containsOnly(false);
  }

  /** One mark of a batch whose idempotency key another session holds: the others apply, the call says CONFLICT. */
  @Test
  void replaceEachAppliesTheRestOfABatchAroundAClaimConflict() {
    String prefix = prefix();
    RedisSessionStore store = TestRedis.sharedStore(MODE, prefix);
    StoredSession holder = open("t1", "csn_1").idempotency("k1", "fp").build();
    StoredSession other = open("t1", "csn_2").build();
    StoredSession third = open("t1", "csn_3").build();
    List.of(holder, other, third).forEach(store::insert);
    StoredSession stealing = other.toBuilder().idempotency("k1", "fp").version(1).build();
    StoredSession revoked = third.toBuilder().status(SessionStatus.REVOKED).version(1).build();

    assertThatThrownBy(() -> store.replaceEach(List.of(stealing, revoked)))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    assertThat(store.find("t1", "csn_2")).contains(other);
    assertThat(store.find("t1", "csn_3")).contains(revoked);
    assertThat(store.findByIdempotencyKey("t1", "k1")).contains(holder);
  }

  @Test
  void aDroppedConnectionFailsCallsAtOnceAndTheStoreReconnects() throws Exception {
    String prefix = prefix();
    FreezableProxy proxy = closeLater(new FreezableProxy("127.0.0.1", 6379));
    RedisSessionStore store = behind(proxy, prefix, Duration.ofSeconds(20));
    store.insert(open("t1", "csn_1").build());

    proxy.dropConnections();
    long start = System.nanoTime();
    assertThatThrownBy(() -> {
      for (int i = 0; i < 100; i++) { // until the client has noticed the drop
        store.find("t1", "csn_1");
        Thread.sleep(10);
      }
    }).isInstanceOfSatisfying(HandoffException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("far below the command timeout")
        .isLessThan(Duration.ofSeconds(10));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        assertThat(store.find("t1", "csn_1")).isPresent();
        break;
      } catch (HandoffException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  /**
   * The connection is lost after a script ran and before its reply came. Lettuce replays unanswered commands on the
   * new connection by default (at least once): the caller would get the second run's answer, here "not consumable"
   * for its own consume, a wrong answer rather than an unknown outcome. A standalone client the store creates
   * rejects commands while disconnected, which also fails the unanswered ones instead of replaying them.
   */
  @Test
  void aScriptWhoseConnectionWasLostIsNotRunAgainAfterTheReconnect() throws Exception {
    String prefix = prefix();
    FreezableProxy proxy = closeLater(new FreezableProxy("127.0.0.1", 6379));
    RedisSessionStore store = behind(proxy, prefix, Duration.ofSeconds(5));
    RedisSessionStore direct = TestRedis.sharedStore(MODE, prefix);
    store.insert(open("t1", "csn_1").build());

    proxy.holdReplies();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Optional<StoredSession>> consumed = pool.submit(() -> store.consume("t1", "csn_1", 1,
          SessionStatus.ACTIVE, null, redemption(NOW), NOW));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (direct.find("t1", "csn_1").orElseThrow().status() == SessionStatus.OPEN
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(direct.find("t1", "csn_1").orElseThrow().status()).as("the consume ran")
          .isEqualTo(SessionStatus.ACTIVE);
      proxy.dropConnections();
      proxy.releaseReplies();
      assertThatThrownBy(() -> consumed.get(10, TimeUnit.SECONDS)).cause()
          .isInstanceOfSatisfying(HandoffException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * An insert whose reply was lost ran on the server, but its tenant was never registered for the sweep; a later
   * session of the tenant, ending after it, does not lower the registry score and so registers nothing. The store
   * registers what it owes with its next call, and the session is listed when it ends.
   */
  @Test
  void aSessionWhoseInsertReplyWasLostIsStillListedWhenItEnds() throws Exception {
    String prefix = prefix();
    FreezableProxy proxy = closeLater(new FreezableProxy("127.0.0.1", 6379));
    RedisSessionStore store = behind(proxy, prefix, Duration.ofMillis(300));
    RedisSessionStore direct = TestRedis.sharedStore(MODE, prefix);
    StoredSession first = open("t1", "csn_1").expiresAt(NOW).build();

    proxy.holdReplies();
    assertThatThrownBy(() -> store.insert(first)).isInstanceOfSatisfying(HandoffException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (direct.find("t1", "csn_1").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(direct.find("t1", "csn_1")).as("the insert ran").contains(first);
    proxy.releaseReplies();

    store.insert(open("t1", "csn_2").expiresAt(NOW.plusSeconds(60)).build());
    assertThat(direct.listEnded(NOW, 10)).containsExactly(first);
    assertThat(direct.deleteExpired(NOW.plusSeconds(61), 10)).isEqualTo(2);
  }

  /** The script ran and answered, then registering the tenant failed: the next call registers it. */
  @Test
  void aTenantWhoseRegistrationFailedIsRegisteredByTheNextCall() {
    String prefix = prefix();
    RedisSessionStore store = TestRedis.sharedStore(MODE, prefix);
    StoredSession first = open("t1", "csn_1").expiresAt(NOW).build();
    redis.set(prefix + "tenants", "not a sorted set"); // the registry's ZADD fails (WRONGTYPE); no script reads it
    assertThatThrownBy(() -> store.insert(first)).isInstanceOfSatisfying(HandoffException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));
    assertThat(store.find("t1", "csn_1")).as("the insert ran").contains(first);
    redis.del(prefix + "tenants");

    store.insert(open("t1", "csn_2").expiresAt(NOW.plusSeconds(60)).build());
    assertThat(store.listEnded(NOW, 10)).containsExactly(first);
  }

  // ---- builder -------------------------------------------------------------------------------------------

  @Test
  void theBuilderRefusesBadSettingsAtOnce() {
    var builder = RedisSessionStore.builder();
    assertThatThrownBy(() -> builder.keyPrefix("a{b}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("braces");
    assertThatThrownBy(() -> builder.keyPrefix("x".repeat(65))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.retention(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.commandTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.connectTimeout(Duration.ofHours(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.uri("not a uri")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.clusterUris(List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly once");
    builder.uri("redis://127.0.0.1:6379").clusterUris(List.of("redis://127.0.0.1:7101"));
    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("2 given");
  }

  @Test
  void aStoreOverTheApplicationsConnectionLeavesItOpen() {
    RedisSessionStore store = TestRedis.sharedStore(MODE, prefix());
    store.insert(open("t1", "csn_1").build());
    store.close();
    RedisSessionStore again = TestRedis.sharedStore(MODE, prefixes.get(0));
    assertThat(again.find("t1", "csn_1")).isPresent();
  }

  @Test
  void toStringShowsNoCredentials() {
    RedisSessionStore store = closeLater(RedisSessionStore.builder().uri("redis://:s3cret@127.0.0.1:6379")
        .keyPrefix(prefix()).build());
    assertThat(store.toString()).contains("standalone").doesNotContain("s3cret");
  }
}
