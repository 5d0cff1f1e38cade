package dev.handoff.storage.jdbc;

import static dev.handoff.storage.tck.StoredSessions.baseTime;
import static dev.handoff.storage.tck.StoredSessions.open;
import static dev.handoff.storage.tck.StoredSessions.redemption;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.spi.Json;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
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

  /**
   * An upgrade: rows a node of the previous version wrote into the V1 table read, after V2 (by Flyway or by
   * {@code createSchemaIfMissing()}), as that version meant them (one lifetime, no recovery, no log), are found by
   * {@code listByUser} (V2 fills {@code user_id} from the subject) and {@code listEnded}, and are consumed with
   * the second clock starting.
   */
  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void rowsWrittenBeforeV2JoinTheNewIndexesAndClocks(TestDatabase.Kind kind) throws SQLException {
    for (boolean byFlyway : List.of(true, false)) {
      try (TestDatabase database = TestDatabase.of(kind)) {
        database.assumeAvailable();
        database.migrateWithFlyway(database.prefix(), "1");
        String userId = "usr \"1\" \\ \u00e9 \ud83d\ude00"; // escaped in the subject's JSON
        StoredSession user = open("t1", "csn_user").subject(new Subject.ExistingUser(userId)).build();
        StoredSession ended = open("t1", "csn_ended").status(SessionStatus.ACTIVE)
            .createdAt(baseTime().minusSeconds(7200)).modifiedAt(baseTime().minusSeconds(7200))
            .expiresAt(baseTime().minusSeconds(3600)).build();
        insertAsVersion1(database, user);
        insertAsVersion1(database, ended);

        JdbcSessionStore store = byFlyway ? database.newStoreMigratedByFlyway() : database.newStore();
        String path = kind + (byFlyway ? " by Flyway" : " by createSchemaIfMissing");
        assertThat(store.find("t1", "csn_user")).as(path).contains(user);
        assertThat(store.find("t1", "csn_ended")).as(path).contains(ended);
        assertThat(store.listByUser("t1", userId, null, 10).sessions()).as(path).containsExactly(user);
        assertThat(store.listEnded(baseTime(), 10)).as(path).containsExactly(ended);
        Instant now = baseTime().plusSeconds(60);
        assertThat(store.consume("t1", "csn_user", 1, SessionStatus.ACTIVE, null, redemption(now), now))
            .as(path).contains(user.consumedAs(SessionStatus.ACTIVE, null, redemption(now), now));
        assertThat(store.find("t1", "csn_user")).as(path)
            .contains(user.consumedAs(SessionStatus.ACTIVE, null, redemption(now), now));
        // Starting again runs both files again: nothing changes.
        JdbcSessionStore.builder(database.dataSource()).tablePrefix(database.prefix()).createSchemaIfMissing()
            .build();
        assertThat(store.listByUser("t1", userId, null, 10).sessions()).as(path).hasSize(1);
      }
    }
  }

  /** Inserts {@code s} with the columns of V1 only, as a node of the previous version did. */
  private static void insertAsVersion1(TestDatabase database, StoredSession s) throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO " + database.prefix() + "sessions (tenant, id,"
            + " intent_type, intent_payload, subject, callback_url, metadata, presentation, created_at_ns,"
            + " modified_at_ns, expires_at_ns, status, token_generation, token_digest, single_use, idempotency_key,"
            + " request_fingerprint, browser, challenge, row_version)"
            + " VALUES (?, ?, ?, ?, ?, NULL, ?, '{}', ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, ?)")) {
      int i = 1;
      ps.setString(i++, s.tenant());
      ps.setString(i++, s.id());
      ps.setString(i++, s.intent().type());
      ps.setString(i++, Json.write(s.intent().payload()));
      ps.setString(i++, SubjectJson.write(s.subject()));
      ps.setString(i++, Json.write(s.metadata()));
      ps.setLong(i++, EpochNanos.of(s.createdAt()));
      ps.setLong(i++, EpochNanos.of(s.modifiedAt()));
      ps.setLong(i++, EpochNanos.of(s.expiresAt()));
      ps.setString(i++, s.status().name());
      ps.setLong(i++, s.tokenGeneration());
      ps.setString(i++, s.tokenDigest());
      ps.setBoolean(i++, s.singleUse());
      ps.setLong(i, s.version());
      ps.executeUpdate();
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
