package dev.handoff.storage.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assumptions;

/**
 * One test's database: a connection pool and a table with a random prefix, dropped by {@link #close()}. The
 * databases are shared with other test runs, hence the random names.
 *
 * <p>PostgreSQL and MariaDB are expected on this machine at their default URLs, overridable by environment
 * variables. An unreachable one makes {@link #assumeAvailable()} skip the test with the URL in the reason,
 * unless {@code HANDOFF_TEST_DATABASES=required}, in which case the test fails. Not thread-safe: one per test.
 */
final class TestDatabase implements AutoCloseable {
  enum Kind {
    H2(null, null, "sa", ""),
    POSTGRESQL("HANDOFF_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test", "postgres", ""),
    MARIADB("HANDOFF_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test", "root", "");

    private final String urlVariable;
    private final String defaultUrl;
    private final String user;
    private final String password;

    Kind(String urlVariable, String defaultUrl, String user, String password) {
      this.urlVariable = urlVariable;
      this.defaultUrl = defaultUrl;
      this.user = user;
      this.password = password;
    }

    String url() {
      if (this == H2) {
        return "jdbc:h2:mem:" + randomName();
      }
      String configured = System.getenv(urlVariable);
      return configured == null || configured.isBlank() ? defaultUrl : configured;
    }
  }

  private final Kind kind;
  private final String url;
  private final String prefix;
  private HikariDataSource pool;
  private int poolSize = 10;
  private JdbcSessionStore store;

  private TestDatabase(Kind kind, String prefix) {
    this.kind = kind;
    this.url = kind.url();
    this.prefix = prefix;
  }

  static TestDatabase of(Kind kind) {
    return new TestDatabase(kind, "t" + randomName() + "_");
  }

  /** A second node of the same database and table: its own pool, same prefix. Only for shared databases. */
  TestDatabase otherNode() {
    if (kind == Kind.H2) {
      throw new IllegalStateException("in-memory H2 databases are not shared");
    }
    return new TestDatabase(kind, prefix);
  }

  private static String randomName() {
    byte[] bytes = new byte[6];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  Kind kind() {
    return kind;
  }

  String prefix() {
    return prefix;
  }

  /** Skips (or, when databases are required, fails) the current test if the database cannot be reached. */
  void assumeAvailable() {
    if (kind == Kind.H2 || pool != null) {
      return;
    }
    var props = new Properties();
    props.setProperty("user", kind.user);
    props.setProperty("password", kind.password);
    props.setProperty("connectTimeout", kind == Kind.MARIADB ? "3000" : "3");
    props.setProperty("loginTimeout", "3");
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

  /** Sets the pool's size (default 10); call before first use. */
  TestDatabase poolSize(int size) {
    if (pool != null) {
      throw new IllegalStateException("the pool is open already");
    }
    this.poolSize = size;
    return this;
  }

  /** This test's pool, opened on first use. */
  HikariDataSource dataSource() {
    if (pool == null) {
      var config = new HikariConfig();
      config.setJdbcUrl(url);
      config.setUsername(kind.user);
      config.setPassword(kind.password);
      config.setMaximumPoolSize(poolSize);
      config.setMinimumIdle(1);
      config.setConnectionTimeout(10_000);
      config.setPoolName("test-" + kind + "-" + prefix);
      pool = new HikariDataSource(config);
    }
    return pool;
  }

  /** A store over this test's tables, created by the store on first use and emptied on every later call. */
  JdbcSessionStore newStore() {
    return newStore(false);
  }

  /**
   * Like {@link #newStore()}, but the tables are created by Flyway from the shipped migration files, as a user's
   * pipeline would, with its history in {@code <prefix>schema_history}.
   */
  JdbcSessionStore newStoreMigratedByFlyway() {
    return newStore(true);
  }

  private JdbcSessionStore newStore(boolean flyway) {
    if (store == null) {
      var builder = JdbcSessionStore.builder(dataSource()).tablePrefix(prefix);
      if (flyway) {
        migrateWithFlyway(prefix);
      } else {
        builder.createSchemaIfMissing();
      }
      store = builder.build();
    } else {
      execute("DELETE FROM " + store.tableName());
      execute("DELETE FROM " + store.countersTableName());
    }
    return store;
  }

  /** Applies the migration files for this database with Flyway, for tables named {@code <tablePrefix>...}. */
  void migrateWithFlyway(String tablePrefix) {
    migrateWithFlyway(tablePrefix, "latest");
  }

  /** Like {@link #migrateWithFlyway(String)}, up to the migration version {@code target} only. */
  void migrateWithFlyway(String tablePrefix, String target) {
    String folder = switch (kind) {
      case H2 -> "h2";
      case POSTGRESQL -> "postgresql";
      case MARIADB -> "mariadb";
    };
    Flyway.configure()
        .dataSource(dataSource())
        .locations("classpath:" + JdbcSessionStore.MIGRATION_LOCATION + "/" + folder)
        .placeholders(Map.of("handoff_table_prefix", tablePrefix))
        .table(tablePrefix + "schema_history")
        // The database holds other tables: start Handoff's own history below V1, as docs/storage.md advises.
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .target(target)
        .load()
        .migrate();
  }

  /** Runs one statement outside any store, e.g. to break or inspect the table. */
  void execute(String sql) {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("test statement failed: " + sql, e);
    }
  }

  /** Drops the tables (if this node created them) and closes the pool. Idempotent. */
  @Override
  public void close() {
    if (pool == null) {
      return;
    }
    try {
      if (store != null) {
        execute("DROP TABLE IF EXISTS " + store.tableName());
        execute("DROP TABLE IF EXISTS " + store.countersTableName());
        execute("DROP TABLE IF EXISTS " + prefix + "schema_history");
      }
    } finally {
      pool.close();
      pool = null;
      store = null;
    }
  }
}
