package dev.handoff.storage.jdbc;

import static dev.handoff.storage.tck.StoredSessions.open;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The migration files are the one source of the schema: Flyway applies them on every database (the contract
 * tests then run on Flyway's result), and {@code createSchemaIfMissing()} creates exactly the same tables.
 */
class FlywayMigrationTest {

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void flywayAndCreateSchemaIfMissingBuildTheSameTables(TestDatabase.Kind kind) throws SQLException {
    try (TestDatabase byFlyway = TestDatabase.of(kind); TestDatabase byStore = TestDatabase.of(kind)) {
      byFlyway.assumeAvailable();
      JdbcSessionStore migrated = byFlyway.newStoreMigratedByFlyway();
      JdbcSessionStore created = byStore.newStore();
      for (String table : List.of("sessions", "counters")) {
        assertThat(shape(byStore, byStore.prefix(), table)).as("%s on %s", table, kind)
            .isNotEmpty()
            .isEqualTo(shape(byFlyway, byFlyway.prefix(), table));
      }
      // Applying the files again is a no-op for Flyway, and the store works on the result.
      byFlyway.migrateWithFlyway(byFlyway.prefix());
      migrated.insert(open("t1", "csn_1").build());
      assertThat(migrated.find("t1", "csn_1")).isPresent();
      assertThat(created.find("t1", "csn_1")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void theStoreRunsEveryMigrationFileOfEachDialect(Dialect dialect) throws URISyntaxException, Exception {
    Path folder = Path.of(getClass().getResource("/" + dialect.migrationFolder()).toURI());
    try (Stream<Path> files = Files.list(folder)) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted())
          .containsExactlyElementsOf(SchemaScript.MIGRATIONS);
    }
  }

  /** Columns (name, type, size, nullability) and indexes (name without prefix, columns, uniqueness). */
  private static List<String> shape(TestDatabase database, String prefix, String table) throws SQLException {
    try (Connection c = database.dataSource().getConnection()) {
      DatabaseMetaData meta = c.getMetaData();
      String name = meta.storesUpperCaseIdentifiers()
          ? (prefix + table).toUpperCase(Locale.ROOT) : prefix + table;
      var shape = new ArrayList<String>();
      try (ResultSet rs = meta.getColumns(c.getCatalog(), null, name, null)) {
        while (rs.next()) {
          shape.add("column " + rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME") + "("
              + rs.getInt("COLUMN_SIZE") + ") nullable=" + rs.getString("IS_NULLABLE"));
        }
      }
      var indexes = new TreeSet<String>();
      try (ResultSet rs = meta.getIndexInfo(c.getCatalog(), null, name, false, false)) {
        while (rs.next()) {
          String index = rs.getString("INDEX_NAME");
          if (index != null) {
            // H2 numbers the indexes behind constraints per database: drop the number.
            String normalized = index.toLowerCase(Locale.ROOT).replace(prefix, "<prefix>")
                .replaceAll("(index|primary_key)_[0-9a-f]+$", "$1");
            indexes.add("index " + normalized + " on "
                + rs.getString("COLUMN_NAME") + " unique=" + !rs.getBoolean("NON_UNIQUE"));
          }
        }
      }
      shape.addAll(indexes);
      return shape;
    }
  }
}
