package dev.handoff.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The databases of the JDBC benchmarks, each through a HikariCP pool: PostgreSQL and MariaDB on this machine
 * (URLs overridable with {@code HANDOFF_BENCH_POSTGRES_URL} / {@code HANDOFF_BENCH_MARIADB_URL}) and an in-memory
 * H2. Tables get a random prefix, because the databases are shared.
 */
final class Databases {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Databases() {}

  /** A pool of at most {@code size} connections to {@code db}: {@code h2}, {@code postgresql} or {@code mariadb}. */
  static HikariDataSource pool(String db, int size) {
    var config = new HikariConfig();
    switch (db) {
      case "postgresql" -> {
        config.setJdbcUrl(env("HANDOFF_BENCH_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
        config.setUsername("postgres");
      }
      case "mariadb" -> {
        config.setJdbcUrl(env("HANDOFF_BENCH_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test"));
        config.setUsername("root");
      }
      case "h2" -> config.setJdbcUrl("jdbc:h2:mem:bench" + RANDOM.nextInt(1_000_000) + ";DB_CLOSE_DELAY=-1");
      default -> throw new IllegalArgumentException("unknown database " + db);
    }
    config.setPassword("");
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    config.setConnectionTimeout(10_000);
    config.setPoolName("bench-" + db);
    return new HikariDataSource(config);
  }

  /** A fresh table prefix such as {@code bench_k3j9x_}. */
  static String randomPrefix() {
    var prefix = new StringBuilder("bench_");
    for (int i = 0; i < 6; i++) {
      prefix.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(RANDOM.nextInt(36)));
    }
    return prefix.append('_').toString();
  }

  /** Drops {@code table}, if it exists. */
  static void drop(HikariDataSource pool, String table) throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
