package dev.handoff.storage.redis;

import static dev.handoff.storage.tck.StoredSessions.baseTime;
import static dev.handoff.storage.tck.StoredSessions.open;
import static dev.handoff.storage.tck.StoredSessions.redemption;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What only a Redis Cluster shows: tenants spread over the masters, one slot per tenant, scripts reloaded. */
class ClusterRedisStoreTest {
  private static final TestRedis.Mode MODE = TestRedis.Mode.CLUSTER;
  private static final Instant NOW = baseTime().plusSeconds(60);

  private final String prefix = TestRedis.newPrefix();
  private RedisClusterCommands<String, String> redis;

  @BeforeEach
  void requireCluster() {
    TestRedis.assumeAvailable(MODE);
    redis = TestRedis.sync(MODE);
  }

  @AfterEach
  void deleteKeys() {
    if (redis != null) {
      TestRedis.deleteKeys(redis, List.of(prefix));
    }
  }

  @Test
  void eachTenantLivesInOneSlotAndTenantsSpreadOverTheMasters() {
    RedisSessionStore store = TestRedis.sharedStore(MODE, prefix);
    var nodes = new HashSet<String>();
    for (int t = 0; t < 24; t++) {
      String tenant = "tenant-" + t;
      store.insert(open(tenant, "csn_1").idempotency("key", "fp").build());
      store.insert(open(tenant, "csn_2").expiresAt(baseTime().plusSeconds(60)).build());
      assertThat(store.consume(tenant, "csn_1", 1, SessionStatus.ACTIVE, null, redemption(NOW), NOW)).isPresent();
      assertThat(store.list(tenant, null, 10).sessions()).hasSize(2);

      List<String> keys = TestRedis.keys(redis, prefix + "{" + tenant + "}");
      assertThat(keys).hasSize(6); // two sessions, a claim, ids, exp, live
      Set<Long> slots = new HashSet<>();
      keys.forEach(k -> slots.add(redis.clusterKeyslot(k)));
      assertThat(slots).as("slots of %s", tenant).hasSize(1);
      nodes.add(nodeOf(slots.iterator().next()));
    }
    assertThat(nodes).as("masters holding some tenant").hasSizeGreaterThanOrEqualTo(2);
    // The sweep visits every tenant's slot and the registry's.
    assertThat(store.deleteExpired(baseTime().plusSeconds(61), 1000)).isEqualTo(24);
  }

  private String nodeOf(long slot) {
    for (Object entry : redis.clusterSlots()) {
      List<?> range = (List<?>) entry;
      if ((Long) range.get(0) <= slot && slot <= (Long) range.get(1)) {
        return ((List<?>) range.get(2)).get(1).toString();
      }
    }
    throw new AssertionError("no node serves slot " + slot);
  }

  /** The builder's own cluster client, as an application would make it, from one seed node. */
  @Test
  void aStoreBuiltFromOneSeedNodeFindsTheWholeCluster() {
    try (RedisSessionStore store = RedisSessionStore.builder().clusterUris(List.of(TestRedis.Mode.CLUSTER.url()))
        .keyPrefix(prefix).build()) {
      assertThat(store.toString()).contains("cluster");
      for (int t = 0; t < 12; t++) {
        StoredSession s = open("tenant-" + t, "csn_1").idempotency("key", "fp").build();
        store.insert(s);
        assertThat(store.findByIdempotencyKey(s.tenant(), "key")).contains(s);
        assertThat(store.consume(s.tenant(), "csn_1", 1, SessionStatus.ACTIVE, null, redemption(NOW), NOW))
            .isPresent();
      }
    }
  }

  /** A restarted or new node knows no script: the store loads it again instead of failing. */
  @Test
  void scriptsAreLoadedAgainWhenTheNodesForgetThem() {
    RedisSessionStore store = TestRedis.sharedStore(MODE, prefix);
    StoredSession s = open("t1", "csn_1").build();
    store.insert(s);
    ((RedisAdvancedClusterCommands<String, String>) redis).scriptFlush(); // every master
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, null, redemption(NOW), NOW))
        .contains(s.consumedAs(SessionStatus.ACTIVE, null, redemption(NOW), NOW));
    var more = new ArrayList<StoredSession>();
    for (int i = 0; i < 5; i++) {
      StoredSession other = open("tenant-" + i, "csn_1").build();
      store.insert(other);
      more.add(other);
    }
    for (StoredSession other : more) {
      assertThat(store.find(other.tenant(), "csn_1")).contains(other);
    }
  }
}
