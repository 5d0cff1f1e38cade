package dev.handoff.storage.jdbc;

import static dev.handoff.storage.tck.StoredSessions.open;
import static dev.handoff.storage.tck.StoredSessions.redemption;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 10 #3 and #5: the store bounds its own waits (statement timeout) and refuses sessions too large to store
 * before they reach the database, so the pooled connection stays healthy. On every database.
 */
class StoreBoundsTest {
  private static final Instant NOW = open("t", "x").build().createdAt().plusSeconds(60);

  private static void assertCode(Runnable call, ErrorCode code) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(HandoffException.class,
        e -> assertThat(e.code()).isEqualTo(code));
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aStatementStuckOnALockFailsWithinTheStatementTimeout(TestDatabase.Kind kind) throws SQLException {
    try (TestDatabase database = TestDatabase.of(kind)) {
      database.assumeAvailable();
      database.newStore().insert(open("t1", "csn_1").build());
      JdbcSessionStore bounded = JdbcSessionStore.builder(database.dataSource()).tablePrefix(database.prefix())
          .statementTimeout(Duration.ofSeconds(1)).build();
      // Another transaction holds the row: a stalled writer, as far as this store can tell.
      try (Connection holder = database.dataSource().getConnection()) {
        holder.setAutoCommit(false);
        try (PreparedStatement lock = holder.prepareStatement(
            "SELECT id FROM " + bounded.tableName() + " WHERE tenant = ? AND id = ? FOR UPDATE")) {
          lock.setString(1, "t1");
          lock.setString(2, "csn_1");
          lock.executeQuery().close();
        }
        long start = System.nanoTime();
        assertCode(() -> bounded.consume("t1", "csn_1", 1, SessionStatus.ACTIVE,
            new BrowserBinding("b", NOW, NOW), redemption(NOW), NOW), ErrorCode.STORAGE_UNAVAILABLE);
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        // The bound is 1 s; the slack is for a loaded machine, far below the default waits (50 s, or forever).
        assertThat(waited).as("waited on %s", kind).isLessThan(Duration.ofSeconds(5));
        holder.rollback();
      }
      assertThat(bounded.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, new BrowserBinding("b", NOW, NOW),
          redemption(NOW), NOW))
          .as("the store recovers once the lock is gone").isPresent();
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void anOversizedSessionIsRefusedBeforeTheDatabaseAndTheConnectionStaysHealthy(TestDatabase.Kind kind) {
    try (TestDatabase database = TestDatabase.of(kind).poolSize(1)) {
      database.assumeAvailable();
      JdbcSessionStore store = database.newStore(); // default limit: 1 MiB of text
      String twoMiB = "x".repeat(2 << 20);
      assertCode(() -> store.insert(open("t1", "big").metadata(Map.of("blob", twoMiB)).build()),
          ErrorCode.INVALID_REQUEST);
      assertThat(store.find("t1", "big")).isEmpty();
      StoredSession small = open("t1", "small").build();
      store.insert(small);
      assertCode(() -> store.replace(small.toBuilder().presentation(Map.of("blob", twoMiB)).version(1).build(), 0),
          ErrorCode.INVALID_REQUEST);
      assertThat(store.find("t1", "small")).contains(small);
      // Multi-byte text counts in bytes: 400,000 three-byte characters are 1.2 MB.
      assertCode(() -> store.insert(open("t1", "wide").metadata(Map.of("w", "€".repeat(400_000))).build()),
          ErrorCode.INVALID_REQUEST);
    }
  }

  /**
   * What the guard prevents on MariaDB: a statement beyond {@code max_allowed_packet} (16 MiB by default). Sent
   * anyway, around the store, on a pool of one connection, it fails, and the store must still work afterwards on
   * that pool, with sessions above the default limit when raised, and refusals past the raised one.
   */
  @Test
  void onMariaDbAValueBeyondTheServersPacketLimitLeavesThePoolUsable() throws SQLException {
    try (TestDatabase database = TestDatabase.of(TestDatabase.Kind.MARIADB).poolSize(1)) {
      database.assumeAvailable();
      JdbcSessionStore store = JdbcSessionStore.builder(database.dataSource()).tablePrefix(database.prefix())
          .createSchemaIfMissing().maxSessionBytes(15 << 20).build();
      try (Connection c = database.dataSource().getConnection();
          PreparedStatement ps = c.prepareStatement("SELECT LENGTH(?)")) {
        ps.setString(1, "x".repeat(17 << 20));
        assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class);
      }
      StoredSession large = open("t1", "large").metadata(Map.of("blob", "y".repeat(3 << 20))).build();
      store.insert(large);
      assertThat(store.find("t1", "large")).contains(large);
      assertCode(() -> store.insert(open("t1", "larger").metadata(Map.of("blob", "y".repeat(15 << 20))).build()),
          ErrorCode.INVALID_REQUEST);
      assertThat(store.find("t1", "larger")).isEmpty();
      database.execute("DROP TABLE IF EXISTS " + store.tableName());
      database.execute("DROP TABLE IF EXISTS " + store.countersTableName());
    }
  }
}
