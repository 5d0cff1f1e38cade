package dev.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStatus;
import dev.handoff.storage.redis.RedisSessionStore;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two engine nodes with the same key ring, each with its own {@link RedisSessionStore} and connection, over one
 * Redis (standalone, and a Redis Cluster): a URL minted on one is redeemed on the other, its browser session works
 * on both, and a replay is refused on either. Skipped with the reason when the server is unreachable, failed
 * instead under {@code HANDOFF_TEST_REDIS=required} (see {@code .ci/start-redis}).
 */
class RedisMultiNodeEngineTest {
  private final String prefix = "handoff-mn:" + UUID.randomUUID().toString().substring(0, 12) + ":";
  private final TestEngines t = new TestEngines();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Runnable deleteKeys = () -> { };

  @AfterEach
  void closeAll() throws Exception {
    deleteKeys.run();
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private static String url(String mode) {
    return mode.equals("cluster")
        ? System.getenv().getOrDefault("HANDOFF_TEST_REDIS_CLUSTER_URL", "redis://127.0.0.1:7101")
        : System.getenv().getOrDefault("HANDOFF_TEST_REDIS_URL", "redis://127.0.0.1:6379");
  }

  /** Inspection commands on the server, or a skip (a failure when required) if it is unreachable. */
  private RedisClusterCommands<String, String> requireRedis(String mode) {
    String url = url(mode);
    try {
      if (mode.equals("cluster")) {
        RedisClusterClient client = RedisClusterClient.create(url);
        closeables.add(client::shutdown);
        return client.connect().sync();
      }
      RedisClient client = RedisClient.create(url);
      closeables.add(client::shutdown);
      return client.connect().sync();
    } catch (RedisException e) {
      String reason = "Redis (" + mode + ") not reachable at " + url + ": " + e.getMessage();
      if ("required".equals(System.getenv("HANDOFF_TEST_REDIS"))) {
        throw new AssertionError(reason, e);
      }
      Assumptions.abort(reason);
      return null;
    }
  }

  private Handoff node(String mode) {
    var builder = RedisSessionStore.builder().keyPrefix(prefix);
    RedisSessionStore store = mode.equals("cluster") ? builder.clusterUris(List.of(url(mode))).build()
        : builder.uri(url(mode)).build();
    closeables.add(store);
    return Handoff.builder()
        .store(store)
        .userDirectory(t.users)
        .keys(KeyRing.fromMasterSecret("shared", TestKeys.secret(7)))
        .hostedPageUrl(TestEngines.BASE_URL)
        .intents(TestEngines.INTENTS)
        .build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"standalone", "cluster"})
  void aUrlMintedOnOneNodeIsRedeemedOnTheOtherAndReplaysAreRefusedOnBoth(String mode) {
    RedisClusterCommands<String, String> redis = requireRedis(mode);
    deleteKeys = () -> {
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
        page.getKeys().forEach(redis::del);
        cursor = page;
      } while (!cursor.isFinished());
    };
    t.users.add("p1", "usr_1", "ann@example.com");
    Handoff apiNode = node(mode);
    Handoff hostedPageNode = node(mode);

    String token = apiNode.create(TestEngines.checkout("p1").user("usr_1").build()).token().orElseThrow();
    var redemption = hostedPageNode.redeem(token);
    assertThat(redemption.user().id()).isEqualTo("usr_1");
    assertThat(apiNode.authenticate(redemption.browserSecret()).user().id()).isEqualTo("usr_1");
    for (Handoff node : List.of(apiNode, hostedPageNode)) {
      assertThatThrownBy(() -> node.redeem(token)).isInstanceOfSatisfying(HandoffException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
    }
    assertThat(hostedPageNode.completeFromBrowser(redemption.browserSecret()).status())
        .isEqualTo(SessionStatus.COMPLETED);
    assertThat(redis.keys(prefix + "*")).isNotEmpty(); // what both nodes saw lives in Redis
  }
}
