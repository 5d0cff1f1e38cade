package dev.handoff.reliability;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A test's own connection to the Redis server or cluster of a {@link Backend}, doing what an operator would with
 * {@code redis-cli} on every master: reading and deleting what stores wrote under a key prefix ({@code SCAN MATCH
 * prefix*}, then {@code HGETALL}, {@code GET} or {@code ZRANGE} per key), and killing client connections. Opening
 * it checks that Redis is reachable: if not, the test is skipped with the reason, or fails under
 * {@code HANDOFF_TEST_REDIS=required}. Thread-safe.
 */
final class RedisAdmin implements AutoCloseable {
  private final AbstractRedisClient client;
  private final StatefulConnection<String, String> connection;

  private RedisAdmin(AbstractRedisClient client, StatefulConnection<String, String> connection) {
    this.client = client;
    this.connection = connection;
  }

  static RedisAdmin open(Backend backend, String url) {
    RedisURI uri = RedisURI.create(url);
    uri.setTimeout(Duration.ofSeconds(5));
    AbstractRedisClient client = backend == Backend.REDIS ? RedisClient.create(uri) : RedisClusterClient.create(uri);
    try {
      StatefulConnection<String, String> connection = client instanceof RedisClient c ? c.connect(StringCodec.UTF8)
          : ((RedisClusterClient) client).connect(StringCodec.UTF8);
      var admin = new RedisAdmin(client, connection);
      admin.masters().forEach(RedisClusterCommands::ping);
      return admin;
    } catch (RedisException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
      String reason = backend + " is not reachable at " + url + " (" + e.getMessage() + ")";
      if ("required".equals(System.getenv("HANDOFF_TEST_REDIS"))) {
        throw new AssertionError(reason + "; HANDOFF_TEST_REDIS=required (start it with .ci/start-redis)", e);
      }
      Assumptions.abort(reason + "; set HANDOFF_TEST_REDIS=required to fail instead");
      throw e; // not reached
    }
  }

  /**
   * Every key under {@code prefix} with everything it holds: the key's name, each field and value of a hash, the
   * value of a string, each member and score of a sorted set.
   */
  List<String> values(String prefix) {
    var values = new ArrayList<String>();
    for (RedisClusterCommands<String, String> node : masters()) {
      for (String key : keys(node, prefix)) {
        String type = node.type(key);
        switch (type) {
          case "hash" -> node.hgetall(key).forEach((field, value) -> {
            values.add(field);
            values.add(value);
          });
          case "string" -> values.add(node.get(key));
          case "zset" -> node.zrangeWithScores(key, 0, -1).forEach(member -> {
            values.add(member.getValue());
            values.add(Double.toString(member.getScore()));
          });
          case "none" -> {
            continue; // expired since the scan
          }
          default -> throw new AssertionError("a " + type + " at " + key + ": the store writes none");
        }
        values.add(key);
      }
    }
    return values;
  }

  /** Deletes every key under {@code prefix}, one by one (a cluster node refuses a multi-key DEL across slots). */
  void delete(String prefix) {
    for (RedisClusterCommands<String, String> node : masters()) {
      keys(node, prefix).forEach(node::unlink);
    }
  }

  /**
   * Kills every connection named {@code clientName} ({@code CLIENT KILL ID} after {@code CLIENT LIST}), as a
   * failing network or a restarted proxy would: commands in flight fail, their outcome unknown to the client.
   *
   * @return how many connections were killed
   */
  int kill(String clientName) {
    int killed = 0;
    for (RedisClusterCommands<String, String> node : masters()) {
      for (String client : node.clientList().split("\n")) {
        var fields = new HashMap<String, String>(); // id=7 addr=127.0.0.1:5000 ... name=x ...
        for (String field : client.trim().split(" ")) {
          int eq = field.indexOf('=');
          fields.put(field.substring(0, Math.max(0, eq)), field.substring(eq + 1));
        }
        if (clientName.equals(fields.get("name"))) {
          killed += node.clientKill(KillArgs.Builder.id(Long.parseLong(fields.get("id")))).intValue();
        }
      }
    }
    return killed;
  }

  /** The commands of each master: the one server, or every master of the cluster (a SCAN covers one node). */
  private List<RedisClusterCommands<String, String>> masters() {
    if (connection instanceof StatefulRedisConnection<String, String> standalone) {
      return List.of(standalone.sync());
    }
    var cluster = (StatefulRedisClusterConnection<String, String>) connection;
    var masters = new ArrayList<RedisClusterCommands<String, String>>();
    for (RedisClusterNode node : cluster.getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
        masters.add(cluster.getConnection(node.getNodeId()).sync());
      }
    }
    return masters;
  }

  /** The keys of one node under {@code prefix}, which holds no glob character (the fixture's are hex). */
  private static List<String> keys(RedisClusterCommands<String, String> node, String prefix) {
    var keys = new ArrayList<String>();
    ScanArgs match = ScanArgs.Builder.matches(prefix + "*").limit(1000);
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = node.scan(cursor, match);
      keys.addAll(page.getKeys());
      cursor = page;
    } while (!cursor.isFinished());
    return keys;
  }

  @Override
  public void close() {
    try {
      connection.close();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
