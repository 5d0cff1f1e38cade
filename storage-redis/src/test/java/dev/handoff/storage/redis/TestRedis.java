package dev.handoff.storage.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The Redis servers the tests run against, and a fresh key prefix per store: the servers are shared with other
 * test runs, so every store gets its own random prefix and {@link #deleteKeys} removes what a test wrote.
 *
 * <p>Standalone Redis is expected at {@code redis://127.0.0.1:6379} and the cluster at
 * {@code redis://127.0.0.1:7101} (see {@code .ci/start-redis}), overridable by {@code HANDOFF_TEST_REDIS_URL} and
 * {@code HANDOFF_TEST_REDIS_CLUSTER_URL}. An unreachable server skips the test with the URL in the reason, unless
 * {@code HANDOFF_TEST_REDIS=required}, when it fails. One Lettuce client per server serves the whole test JVM;
 * state is per JVM because the clients are costly. Thread-safe.
 */
final class TestRedis {
  /** Longer than the 30 days around today that the kit's sessions span. */
  static final Duration RETENTION = Duration.ofDays(45);

  enum Mode {
    STANDALONE("HANDOFF_TEST_REDIS_URL", "redis://127.0.0.1:6379"),
    CLUSTER("HANDOFF_TEST_REDIS_CLUSTER_URL", "redis://127.0.0.1:7101");

    private final String variable;
    private final String defaultUrl;

    Mode(String variable, String defaultUrl) {
      this.variable = variable;
      this.defaultUrl = defaultUrl;
    }

    String url() {
      String configured = System.getenv(variable);
      return configured == null || configured.isBlank() ? defaultUrl : configured;
    }
  }

  private static final Map<Mode, Object> CLIENTS = new EnumMap<>(Mode.class);
  private static final Map<Mode, RedisClusterCommands<String, String>> COMMANDS = new EnumMap<>(Mode.class);
  private static final Map<Mode, Object> CONNECTIONS = new EnumMap<>(Mode.class);
  private static final Map<Mode, String> UNAVAILABLE = new EnumMap<>(Mode.class);

  private TestRedis() {}

  /** Skips (or, when Redis is required, fails) the current test if the server of {@code mode} is not reachable. */
  static synchronized void assumeAvailable(Mode mode) {
    if (!CLIENTS.containsKey(mode) && !UNAVAILABLE.containsKey(mode)) {
      try {
        // The options the builder gives the clients it creates, so that the kit runs as production does.
        Duration connect = Duration.ofSeconds(3);
        Duration command = Duration.ofSeconds(5);
        Object client;
        if (mode == Mode.STANDALONE) {
          RedisClient c = RedisClient.create(uri(mode));
          c.setOptions(RedisSessionStore.Builder.clientOptions(connect, command));
          client = c;
        } else {
          RedisClusterClient c = RedisClusterClient.create(uri(mode));
          c.setOptions(RedisSessionStore.Builder.clusterClientOptions(connect, command));
          client = c;
        }
        CLIENTS.put(mode, client);
        if (client instanceof RedisClient c) {
          COMMANDS.put(mode, c.connect().sync());
        } else {
          // As the store does: with those options, a master whose connection is not open yet refuses commands.
          var cluster = ((RedisClusterClient) client).connect();
          RedisSessionStore.Builder.openMasterConnections(cluster);
          COMMANDS.put(mode, cluster.sync());
        }
        COMMANDS.get(mode).ping();
        CONNECTIONS.put(mode, client instanceof RedisClient c ? c.connect(StringCodec.UTF8)
            : ((RedisClusterClient) client).connect(StringCodec.UTF8));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(client)));
      } catch (RedisException e) {
        COMMANDS.remove(mode);
        shutdown(CLIENTS.remove(mode));
        UNAVAILABLE.put(mode, "Redis " + mode.name().toLowerCase() + " is not reachable at " + mode.url() + " ("
            + e.getMessage() + ")");
      }
    }
    String reason = UNAVAILABLE.get(mode);
    if (reason != null) {
      if ("required".equals(System.getenv("HANDOFF_TEST_REDIS"))) {
        throw new AssertionError(reason + "; HANDOFF_TEST_REDIS=required (start it with .ci/start-redis)");
      }
      Assumptions.abort(reason + "; set HANDOFF_TEST_REDIS=required to fail instead");
    }
  }

  private static RedisURI uri(Mode mode) {
    RedisURI uri = RedisURI.create(mode.url());
    uri.setTimeout(Duration.ofSeconds(3));
    return uri;
  }

  private static void shutdown(Object client) {
    if (client instanceof RedisClient c) {
      c.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    } else if (client instanceof RedisClusterClient c) {
      c.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  /** A new random key prefix, unique to one store. */
  static String newPrefix() {
    byte[] bytes = new byte[6];
    new SecureRandom().nextBytes(bytes);
    return "handoff-test:" + HexFormat.of().formatHex(bytes) + ":";
  }

  /**
   * A store over {@code mode}'s server that shares the JVM's one connection (stores are cheap to make this way);
   * closing it leaves the connection open.
   */
  @SuppressWarnings("unchecked")
  static synchronized RedisSessionStore sharedStore(Mode mode, String prefix) {
    var builder = RedisSessionStore.builder().keyPrefix(prefix).retention(RETENTION);
    Object connection = CONNECTIONS.get(mode);
    return (connection instanceof StatefulRedisClusterConnection<?, ?> cluster
        ? builder.connection((StatefulRedisClusterConnection<String, String>) cluster)
        : builder.connection((StatefulRedisConnection<String, String>) connection)).build();
  }

  /** A builder for a store over {@code mode}'s server with its own connection, sharing the JVM's client. */
  static synchronized RedisSessionStore.Builder storeBuilder(Mode mode, String prefix) {
    var builder = RedisSessionStore.builder().keyPrefix(prefix).retention(RETENTION);
    Object client = CLIENTS.get(mode);
    return client instanceof RedisClient c ? builder.client(c) : builder.clusterClient((RedisClusterClient) client);
  }

  /** Synchronous commands on {@code mode}'s server, for inspecting what a store wrote. */
  static synchronized RedisClusterCommands<String, String> sync(Mode mode) {
    return COMMANDS.get(mode);
  }

  /** Every key that starts with {@code prefix}, on every node. */
  static List<String> keys(RedisClusterCommands<String, String> redis, String prefix) {
    var keys = new ArrayList<String>();
    ScanArgs args = ScanArgs.Builder.matches(prefix.replace("*", "\\*") + "*").limit(1000);
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = redis.scan(cursor, args); // a cluster connection scans every node
      keys.addAll(page.getKeys());
      cursor = page;
    } while (!cursor.isFinished());
    return keys;
  }

  /** Deletes every key that starts with one of {@code prefixes}. */
  static void deleteKeys(RedisClusterCommands<String, String> redis, List<String> prefixes) {
    for (String prefix : prefixes) {
      for (String key : keys(redis, prefix)) {
        redis.del(key);
      }
    }
  }
}
