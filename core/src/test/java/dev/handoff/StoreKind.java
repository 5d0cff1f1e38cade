package dev.handoff;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.handoff.spi.SessionStore;
import dev.handoff.storage.jdbc.JdbcSessionStore;
import dev.handoff.storage.redis.RedisSessionStore;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * The stores core's tests run the engine on: the memory store, the JDBC store on H2 (a file, so that two
 * pools share it), PostgreSQL and MariaDB, and the Redis store (standalone). A database that cannot be reached
 * skips the test with the reason, or fails it under {@code HANDOFF_TEST_DATABASES=required}
 * ({@code HANDOFF_TEST_REDIS=required} for Redis). Tables and keys get a random prefix: the servers are shared.
 */
enum StoreKind {
  MEMORY(null, null, null),
  H2(null, "sa", ""),
  POSTGRESQL("HANDOFF_TEST_POSTGRES_URL", "postgres", ""),
  MARIADB("HANDOFF_TEST_MARIADB_URL", "root", ""),
  REDIS("HANDOFF_TEST_REDIS_URL", null, null);

  private final String urlVariable;
  private final String user;
  private final String password;

  StoreKind(String urlVariable, String user, String password) {
    this.urlVariable = urlVariable;
    this.user = user;
    this.password = password;
  }

  /** One database (or memory store) for one test; {@link #node()} opens a store on it, each with its own pool. */
  Database open(TestEngines t, Path tempDir) {
    return new Database(this, t, tempDir);
  }

  private String url(Path tempDir, String name) {
    return switch (this) {
      case MEMORY -> null;
      case H2 -> "jdbc:h2:file:" + tempDir.resolve(name).toAbsolutePath() + ";AUTO_SERVER=FALSE";
      case POSTGRESQL -> env("jdbc:postgresql://127.0.0.1:5432/test");
      case MARIADB -> env("jdbc:mariadb://127.0.0.1:3306/test");
      case REDIS -> env("redis://127.0.0.1:6379");
    };
  }

  private String env(String fallback) {
    String configured = System.getenv(urlVariable);
    return configured == null || configured.isBlank() ? fallback : configured;
  }

  static final class Database implements AutoCloseable {
    private final StoreKind kind;
    private final TestEngines t;
    private final String url;
    private final String prefix = "hc" + random() + "_";
    private final List<HikariDataSource> pools = new ArrayList<>();
    private boolean schemaCreated;
    private RedisClient redis;
    private final List<RedisSessionStore> redisStores = new ArrayList<>();

    private Database(StoreKind kind, TestEngines t, Path tempDir) {
      this.kind = kind;
      this.t = t;
      this.url = kind.url(tempDir, "h" + random());
      if (kind == REDIS) {
        assumeRedisReachable();
        // Redis expires keys by its own clock: a test clock in the past would see its sessions vanish at once.
        t.clock.advance(Duration.between(t.clock.instant(), Instant.now()));
      } else if (url != null && kind != H2) {
        assumeReachable();
      }
    }

    private void assumeRedisReachable() {
      RedisClient client = RedisClient.create(url);
      try (var connection = client.connect()) {
        connection.sync().ping();
        redis = client;
      } catch (RedisException e) {
        client.shutdown();
        String reason = "Redis is not reachable at " + url + " (" + e.getMessage() + ")";
        if ("required".equals(System.getenv("HANDOFF_TEST_REDIS"))) {
          throw new AssertionError(reason + "; HANDOFF_TEST_REDIS=required", e);
        }
        Assumptions.abort(reason + "; set HANDOFF_TEST_REDIS=required to fail instead");
      }
    }

    private void assumeReachable() {
      var props = new Properties();
      props.setProperty("user", kind.user);
      props.setProperty("password", kind.password);
      props.setProperty("connectTimeout", kind == MARIADB ? "3000" : "3");
      try (Connection c = DriverManager.getConnection(url, props)) {
        c.isValid(3);
      } catch (SQLException e) {
        String reason = kind + " is not reachable at " + url + " (" + e.getMessage() + ")";
        if ("required".equals(System.getenv("HANDOFF_TEST_DATABASES"))) {
          throw new AssertionError(reason + "; HANDOFF_TEST_DATABASES=required", e);
        }
        Assumptions.abort(reason + "; set HANDOFF_TEST_DATABASES=required to fail instead");
      }
    }

    /** A store on this database, as one engine node would open it: the memory store is shared as is. */
    SessionStore node() {
      if (kind == MEMORY) {
        return t.store;
      }
      if (kind == REDIS) {
        var store = RedisSessionStore.builder().client(redis).keyPrefix(prefix + ":").build();
        redisStores.add(store);
        return store;
      }
      var config = new HikariConfig();
      config.setJdbcUrl(url);
      config.setUsername(kind.user);
      config.setPassword(kind.password);
      config.setMaximumPoolSize(4);
      config.setMinimumIdle(0);
      config.setPoolName("core-" + kind + "-" + prefix + pools.size());
      var pool = new HikariDataSource(config);
      pools.add(pool);
      var builder = JdbcSessionStore.builder(pool).tablePrefix(prefix);
      if (!schemaCreated) {
        builder.createSchemaIfMissing();
        schemaCreated = true;
      }
      return builder.build();
    }

    @Override
    public void close() {
      if (redis != null) {
        redisStores.forEach(RedisSessionStore::close);
        try (var connection = redis.connect()) {
          var commands = connection.sync();
          ScanCursor cursor = ScanCursor.INITIAL;
          do {
            KeyScanCursor<String> page = commands.scan(cursor, ScanArgs.Builder.matches(prefix + ":*").limit(500));
            if (!page.getKeys().isEmpty()) {
              commands.del(page.getKeys().toArray(String[]::new));
            }
            cursor = page;
          } while (!cursor.isFinished());
        } finally {
          redis.shutdown();
        }
        return;
      }
      if (pools.isEmpty()) {
        return;
      }
      try (Connection c = pools.get(0).getConnection(); var s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + prefix + "sessions");
        s.execute("DROP TABLE IF EXISTS " + prefix + "counters");
      } catch (SQLException e) {
        throw new IllegalStateException("could not drop the test tables", e);
      } finally {
        pools.forEach(HikariDataSource::close);
      }
    }

    private static String random() {
      byte[] bytes = new byte[5];
      new SecureRandom().nextBytes(bytes);
      return HexFormat.of().formatHex(bytes);
    }
  }
}
