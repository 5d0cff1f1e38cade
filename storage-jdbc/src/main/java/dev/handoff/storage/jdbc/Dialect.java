package dev.handoff.storage.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * The SQL differences between the supported databases: which migration files, how to limit a query, and how to
 * delete a bounded batch of expired rows without blocking or deadlocking other nodes. Immutable.
 */
enum Dialect {
  /** PostgreSQL: batch deletes pick their rows with {@code FOR UPDATE SKIP LOCKED}, in one statement. */
  POSTGRESQL("postgresql"),
  /**
   * MariaDB and MySQL: a table cannot be deleted from while a subquery reads it, so rows are picked with
   * {@code SELECT ... FOR UPDATE SKIP LOCKED} and deleted by key in the same short transaction.
   */
  MARIADB("mariadb"),
  /** H2: {@code DELETE ... FETCH FIRST n ROWS ONLY}. */
  H2("h2");

  /** The products {@link #detect} accepts, for error messages. */
  static final String SUPPORTED = "PostgreSQL, MariaDB, MySQL, H2";

  /** The statuses of sessions whose lifetime may still end without a final status ({@code listEnded}). */
  private static final List<String> LIVE_STATUSES = List.of("OPEN", "LOGIN_REQUIRED", "ACTIVE");

  private final String scriptName;

  Dialect(String scriptName) {
    this.scriptName = scriptName;
  }

  /**
   * The dialect of the database {@code metaData} describes.
   *
   * @throws IllegalArgumentException naming the supported databases if it is none of them
   */
  static Dialect detect(DatabaseMetaData metaData) throws SQLException {
    String product = metaData.getDatabaseProductName();
    String normalized = product == null ? "" : product.toLowerCase(Locale.ROOT);
    if (normalized.contains("postgresql")) {
      return POSTGRESQL;
    }
    if (normalized.contains("mariadb") || normalized.contains("mysql")) {
      return MARIADB;
    }
    if (normalized.equals("h2")) {
      return H2;
    }
    throw new IllegalArgumentException(
        "unsupported database '" + product + "': JdbcSessionStore supports " + SUPPORTED);
  }

  /** The class-path folder of this dialect's migration files, without a leading slash. */
  String migrationFolder() {
    return JdbcSessionStore.MIGRATION_LOCATION + "/" + scriptName;
  }

  /**
   * {@code update} as one statement that also returns the rows it changed, as {@code columns}: PostgreSQL's
   * {@code UPDATE ... RETURNING}, H2's data change delta table; {@code null} on MariaDB and MySQL, which have
   * neither.
   */
  String updateReturning(String update, String columns) {
    return switch (this) {
      case POSTGRESQL -> update + " RETURNING " + columns;
      case H2 -> "SELECT " + columns + " FROM FINAL TABLE (" + update + ")";
      case MARIADB -> null;
    };
  }

  /** The clause that limits a query to {@code ?} rows, bound as the last parameter. */
  String limitClause() {
    return this == H2 ? "FETCH FIRST ? ROWS ONLY" : "LIMIT ?";
  }

  /**
   * The query of {@code listEnded}: {@code columns} of at most {@code ?} rows in a non-terminal status whose
   * {@code expires_at_ns <= ?}, earliest first; bound by {@link #bindListEnded}. Each form reads an index that
   * holds, or starts with, the status, so final sessions waiting for deletion are never visited.
   */
  String listEndedSql(String table, String columns) {
    if (this == POSTGRESQL) {
      // The very predicate of the partial index sessions_live, so the planner can prove that the index serves it.
      return "SELECT " + columns + " FROM " + table + " WHERE status IN ('OPEN', 'LOGIN_REQUIRED', 'ACTIVE')"
          + " AND expires_at_ns <= ? ORDER BY expires_at_ns LIMIT ?";
    }
    // One ordered range of the index (status, expires_at_ns) per status, each cut at the limit, then merged.
    var ranges = new StringBuilder();
    for (String status : LIVE_STATUSES) {
      if (!ranges.isEmpty()) {
        ranges.append(" UNION ALL ");
      }
      ranges.append("(SELECT ").append(columns).append(" FROM ").append(table).append(" WHERE status = '")
          .append(status).append("' AND expires_at_ns <= ? ORDER BY expires_at_ns ").append(limitClause())
          .append(')');
    }
    return ranges + " ORDER BY expires_at_ns " + limitClause();
  }

  /** Binds the parameters of {@link #listEndedSql}. */
  void bindListEnded(PreparedStatement ps, long nowNanos, int limit) throws SQLException {
    int ranges = this == POSTGRESQL ? 1 : LIVE_STATUSES.size();
    int i = 1;
    for (int range = 0; range < ranges; range++) {
      ps.setLong(i++, nowNanos);
      ps.setInt(i++, limit);
    }
    if (ranges > 1) {
      ps.setInt(i, limit);
    }
  }
}
