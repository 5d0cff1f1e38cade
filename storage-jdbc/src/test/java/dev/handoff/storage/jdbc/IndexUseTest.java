package dev.handoff.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code listByUser} and {@code listEnded} read their indexes, not the table: the database's own plan for the
 * store's statements, over a table of {@value #ROWS} sessions of 2,000 users, 95 % of them in a final status
 * (what sweeping must not wade through). No planner setting is changed.
 */
class IndexUseTest {
  private static final int ROWS = 20_000;
  /** expires_at_ns of row n is n seconds; every 20th row is ACTIVE, the rest COMPLETED. */
  private static final long NOW_NANOS = ROWS * 1_000_000_000L;

  @ParameterizedTest
  @EnumSource(value = TestDatabase.Kind.class, names = {"POSTGRESQL", "MARIADB"})
  void listByUserAndListEndedUseTheirIndexes(TestDatabase.Kind kind) throws SQLException {
    try (TestDatabase database = TestDatabase.of(kind)) {
      database.assumeAvailable();
      JdbcSessionStore store = database.newStoreMigratedByFlyway();
      fill(database, store.tableName());
      assertThat(store.listByUser("t7", "usr_17", null, 100).sessions()).hasSize(ROWS / 2000);
      assertThat(store.listEnded(Instant.ofEpochSecond(ROWS), 100)).hasSize(100);

      try (Connection c = database.dataSource().getConnection()) {
        var plans = new ArrayList<List<String>>();
        if (kind == TestDatabase.Kind.POSTGRESQL) {
          // The custom plan of the first executions, then the generic plan a prepared statement may settle on.
          for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
            execute(c, "SET plan_cache_mode = " + mode);
            plans.add(explainPostgres(c, store.listByUserFirstSql, "t7", "usr_17", 101));
            plans.add(explainPostgres(c, store.listByUserAfterSql, "t7", "usr_17", "csn_000017", 101));
            plans.add(explainPostgres(c, store.listEndedSql, NOW_NANOS, 100));
          }
          for (List<String> plan : plans) {
            assertThat(plan).as("%s", plan).noneMatch(line -> line.contains("Seq Scan"));
          }
          for (int i = 0; i < plans.size(); i += 3) {
            assertThat(String.join("\n", plans.get(i))).contains(store.tableName() + "_user");
            assertThat(String.join("\n", plans.get(i + 1))).contains(store.tableName() + "_user");
            assertThat(String.join("\n", plans.get(i + 2))).contains(store.tableName() + "_live");
          }
        } else {
          List<String> byUser = explainMariaDb(c, store.tableName(), store.listByUserFirstSql, "t7", "usr_17", 101);
          List<String> byUserAfter = explainMariaDb(c, store.tableName(), store.listByUserAfterSql, "t7", "usr_17",
              "csn_000017", 101);
          List<String> ended = explainMariaDb(c, store.tableName(), store.listEndedSql, NOW_NANOS, 100, NOW_NANOS,
              100, NOW_NANOS, 100, 100);
          assertThat(byUser).containsOnly(store.tableName() + "_user");
          assertThat(byUserAfter).containsOnly(store.tableName() + "_user");
          assertThat(ended).as("one range of the index per status").hasSize(3)
              .containsOnly(store.tableName() + "_live");
        }
      }
    }
  }

  /** ROWS sessions, created in SQL: tenant t(n % 10), user usr_(n % 2000), id csn_ and n in six digits. */
  private static void fill(TestDatabase database, String table) throws SQLException {
    String insert = "INSERT INTO " + table + " (tenant, id, intent_type, intent_payload, subject, metadata,"
        + " presentation, created_at_ns, modified_at_ns, expires_at_ns, status, token_generation, token_digest,"
        + " single_use, row_version, user_id) ";
    try (Connection c = database.dataSource().getConnection()) {
      if (database.kind() == TestDatabase.Kind.POSTGRESQL) {
        execute(c, insert + "SELECT 't' || (n % 10), 'csn_' || lpad(n::text, 6, '0'), 'x', '{}',"
            + " '{\"kind\":\"existingUser\",\"userId\":\"usr_' || (n % 2000) || '\"}', '{}', '{}', 0, 0,"
            + " n * 1000000000::bigint, CASE WHEN n % 20 = 0 THEN 'ACTIVE' ELSE 'COMPLETED' END, 1, 'd', true, 0,"
            + " 'usr_' || (n % 2000) FROM generate_series(1, " + ROWS + ") n");
        execute(c, "ANALYZE " + table);
      } else {
        // seq_1_to_N: a table of MariaDB's Sequence engine.
        execute(c, insert + "SELECT CONCAT('t', seq % 10), CONCAT('csn_', LPAD(seq, 6, '0')), 'x', '{}',"
            + " CONCAT('{\"kind\":\"existingUser\",\"userId\":\"usr_', seq % 2000, '\"}'), '{}', '{}', 0, 0,"
            + " seq * 1000000000, CASE WHEN seq % 20 = 0 THEN 'ACTIVE' ELSE 'COMPLETED' END, 1, 'd', true, 0,"
            + " CONCAT('usr_', seq % 2000) FROM seq_1_to_" + ROWS);
        execute(c, "ANALYZE TABLE " + table);
      }
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void bind(PreparedStatement ps, Object... parameters) throws SQLException {
    for (int i = 0; i < parameters.length; i++) {
      ps.setObject(i + 1, parameters[i]);
    }
  }

  /** PostgreSQL's plan of {@code sql} with these parameters, a line per node. */
  private static List<String> explainPostgres(Connection c, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
      bind(ps, parameters);
      var plan = new ArrayList<String>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.add(rs.getString(1));
        }
      }
      return plan;
    }
  }

  /**
   * The index MariaDB reads {@code table} through, for each access to it in the plan of {@code sql}; a full scan
   * ({@code type} ALL) fails the test.
   */
  private static List<String> explainMariaDb(Connection c, String table, String sql, Object... parameters)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
      bind(ps, parameters);
      var keys = new ArrayList<String>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (table.equals(rs.getString("table"))) {
            assertThat(rs.getString("type")).as("access to %s in %s", table, sql).isNotEqualTo("ALL");
            keys.add(rs.getString("key"));
          }
        }
      }
      return keys;
    }
  }
}
