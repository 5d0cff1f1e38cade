package dev.handoff.storage.jdbc;

import static dev.handoff.storage.tck.StoredSessions.baseTime;
import static dev.handoff.storage.tck.StoredSessions.open;
import static dev.handoff.storage.tck.StoredSessions.redemption;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the TCK cannot check: configuration, failures, limits and batching. On H2. */
class JdbcSessionStoreTest {
  private final TestDatabase database = TestDatabase.of(TestDatabase.Kind.H2);

  @AfterEach
  void dropDatabase() {
    database.close();
  }

  private static void assertCode(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Handoff_", "1abc", "a-b", "a b", "abcdefghijklmnopqrstuvwxyz12345"})
  void rejectsInvalidTablePrefixes(String prefix) {
    var builder = JdbcSessionStore.builder(database.dataSource());
    assertThatThrownBy(() -> builder.tablePrefix(prefix))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tablePrefix");
  }

  @Test
  void rejectsInvalidSettings() {
    assertThatThrownBy(() -> JdbcSessionStore.builder(null)).isInstanceOf(NullPointerException.class);
    var builder = JdbcSessionStore.builder(database.dataSource());
    assertThatThrownBy(() -> builder.deleteBatchSize(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.deleteBatchSize(10_001)).isInstanceOf(IllegalArgumentException.class);
    assertThat(builder.tablePrefix("my_app_").build().tableName()).isEqualTo("my_app_sessions");
  }

  @Test
  void namesTheSupportedDatabasesWhenItDoesNotKnowOne() {
    DatabaseMetaData metaData = proxy(DatabaseMetaData.class, "getDatabaseProductName", "Oracle");
    Connection connection = proxy(Connection.class, "getMetaData", metaData);
    DataSource oracle = dataSource(() -> connection);
    assertThatThrownBy(() -> JdbcSessionStore.builder(oracle).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Oracle")
        .hasMessageContaining("PostgreSQL, MariaDB, MySQL, H2");
  }

  @Test
  void anUnreachableDatabaseIsStorageUnavailableWithTheCause() {
    var down = new SQLTransientConnectionException("connection refused", "08001");
    assertThatThrownBy(() -> JdbcSessionStore.builder(dataSource(() -> {
      throw down;
    })).build()).isInstanceOfSatisfying(HandoffException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
      assertThat(e.getCause()).isSameAs(down);
    });

    var up = new AtomicBoolean(true);
    DataSource flaky = dataSource(() -> {
      if (!up.get()) {
        throw down;
      }
      return database.dataSource().getConnection();
    });
    JdbcSessionStore store = JdbcSessionStore.builder(flaky).tablePrefix(database.prefix())
        .createSchemaIfMissing().build();
    store.insert(open("t1", "csn_1").build());
    up.set(false);
    for (ThrowingCallable call : new ThrowingCallable[] {
        () -> store.insert(open("t1", "csn_2").build()),
        () -> store.find("t1", "csn_1"),
        () -> store.findByIdempotencyKey("t1", "k"),
        () -> store.replace(open("t1", "csn_1").version(1).build(), 0),
        () -> store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, null, redemption(baseTime()), baseTime()),
        () -> store.list("t1", null, 10),
        () -> store.listByUser("t1", "usr_1", null, 10),
        () -> store.listEnded(baseTime(), 10),
        () -> store.deleteExpired(baseTime(), 10)}) {
      assertThatThrownBy(call).isInstanceOfSatisfying(HandoffException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        assertThat(e.getCause()).isSameAs(down);
      });
    }
    up.set(true);
    assertThat(store.find("t1", "csn_1")).isPresent();
  }

  @Test
  void aMissingTableIsStorageUnavailableAndCreateSchemaIsOptIn() {
    JdbcSessionStore store = JdbcSessionStore.builder(database.dataSource()).tablePrefix(database.prefix()).build();
    assertThatThrownBy(() -> store.insert(open("t1", "csn_1").build()))
        .isInstanceOfSatisfying(HandoffException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
          assertThat(e.getCause()).isInstanceOf(SQLException.class);
          assertThat(e.getMessage()).contains("insert a session").contains("SQLState");
        });
    JdbcSessionStore.builder(database.dataSource()).tablePrefix(database.prefix()).createSchemaIfMissing().build();
    JdbcSessionStore.builder(database.dataSource()).tablePrefix(database.prefix()).createSchemaIfMissing().build();
    store.insert(open("t1", "csn_1").build());
    assertThat(store.find("t1", "csn_1")).isPresent();
    database.execute("DROP TABLE " + store.tableName());
  }

  @Test
  void instantsOutsideTheStorableRangeAreInvalidRequestsAndStoreNothing() {
    JdbcSessionStore store = database.newStore();
    Instant tooLate = Instant.parse("2262-04-12T00:00:00Z");
    assertCode(() -> store.insert(open("t1", "late").expiresAt(tooLate).build()), ErrorCode.INVALID_REQUEST);
    assertCode(() -> store.insert(open("t1", "early").createdAt(Instant.parse("1600-01-01T00:00:00Z"))
        .modifiedAt(baseTime()).build()), ErrorCode.INVALID_REQUEST);
    assertThat(store.list("t1", null, 10).sessions()).isEmpty();

    StoredSession s = open("t1", "csn_1").build();
    store.insert(s);
    assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, null, redemption(Instant.MAX), Instant.MAX))
        .isEmpty();
    assertThat(store.listEnded(Instant.MIN, 10)).isEmpty();
    assertThat(store.listEnded(Instant.MAX, 10)).containsExactly(s);
    assertThat(store.deleteExpired(Instant.MIN, 10)).isZero();
    assertThat(store.deleteExpired(Instant.MAX, 10)).isEqualTo(1);
  }

  @Test
  void keysLongerThanTheColumnsAreInvalidRequests() {
    JdbcSessionStore store = database.newStore();
    String longest = "k".repeat(255);
    store.insert(open(longest, longest).idempotency(longest, "fp").build());
    assertThat(store.findByIdempotencyKey(longest, longest)).isPresent();
    String tooLong = "k".repeat(256);
    assertCode(() -> store.insert(open(tooLong, "a").build()), ErrorCode.INVALID_REQUEST);
    assertCode(() -> store.insert(open("t1", tooLong).build()), ErrorCode.INVALID_REQUEST);
    assertCode(() -> store.insert(open("t1", "a").idempotency(tooLong, "fp").build()), ErrorCode.INVALID_REQUEST);
  }

  @Test
  void movingAnIdempotencyKeyOntoATakenOneIsAConflict() {
    JdbcSessionStore store = database.newStore();
    StoredSession a = open("t1", "a").idempotency("key-a", "fp").build();
    store.insert(a);
    store.insert(open("t1", "b").idempotency("key-b", "fp").build());
    assertCode(() -> store.replace(a.toBuilder().idempotency("key-b", "fp").version(1).build(), 0),
        ErrorCode.CONFLICT);
    assertThat(store.find("t1", "a")).contains(a);
  }

  @Test
  void deletesInBatchesUpToTheLimit() {
    JdbcSessionStore store = JdbcSessionStore.builder(database.dataSource()).tablePrefix(database.prefix())
        .createSchemaIfMissing().deleteBatchSize(3).build();
    for (int i = 0; i < 10; i++) {
      Instant expiresAt = baseTime().minusSeconds(100 - i);
      store.insert(open("t1", "old" + i).createdAt(expiresAt.minusSeconds(60)).expiresAt(expiresAt).build());
    }
    assertThat(store.deleteExpired(baseTime(), 8)).isEqualTo(8);
    assertThat(store.deleteExpired(baseTime(), 8)).isEqualTo(2);
    assertThat(store.deleteExpired(baseTime(), 8)).isZero();
    database.execute("DROP TABLE " + store.tableName());
  }

  @Test
  void aCorruptRowIsStorageUnavailable() {
    JdbcSessionStore store = database.newStore();
    store.insert(open("t1", "csn_1").build());
    database.execute("UPDATE " + store.tableName() + " SET metadata = 'not json'");
    assertCode(() -> store.find("t1", "csn_1"), ErrorCode.STORAGE_UNAVAILABLE);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void migrationFilesCreateThePrefixedTablesAndTheirIndexes(Dialect dialect) {
    var statements = SchemaScript.load(dialect, "acme_").statements();
    String script = String.join(";\n", statements);
    assertThat(script).doesNotContain("${").doesNotContain("--")
        .contains("CREATE TABLE IF NOT EXISTS acme_sessions")
        .containsPattern("PRIMARY KEY \\(tenant, id\\)")
        .containsPattern("UNIQUE[A-Z ]*(acme_sessions_idempotency )?\\(tenant, idempotency_key\\)")
        .contains("acme_sessions_expires")
        .contains("CREATE TABLE IF NOT EXISTS acme_counters")
        .containsPattern("PRIMARY KEY \\(tenant, counter_key\\)");
  }

  // ---- test doubles --------------------------------------------------------------------------------------

  /** Supplies a connection or fails, like a pool. */
  @FunctionalInterface
  private interface ConnectionSource {
    Connection get() throws SQLException;
  }

  private static DataSource dataSource(ConnectionSource connections) {
    return new DataSource() {
      @Override
      public Connection getConnection() throws SQLException {
        return connections.get();
      }

      @Override
      public Connection getConnection(String username, String password) throws SQLException {
        return connections.get();
      }

      @Override
      public PrintWriter getLogWriter() {
        return null;
      }

      @Override
      public void setLogWriter(PrintWriter out) {}

      @Override
      public void setLoginTimeout(int seconds) {}

      @Override
      public int getLoginTimeout() {
        return 0;
      }

      @Override
      public Logger getParentLogger() {
        return Logger.getGlobal();
      }

      @Override
      public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
      }

      @Override
      public boolean isWrapperFor(Class<?> iface) {
        return false;
      }
    };
  }

  /** An interface whose {@code method} returns {@code value}; close() does nothing; anything else fails. */
  private static <T> T proxy(Class<T> type, String method, Object value) {
    Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
      if (m.getName().equals(method)) {
        return value;
      }
      if (m.getName().equals("close")) {
        return null;
      }
      throw new UnsupportedOperationException(m.getName());
    });
    return type.cast(proxy);
  }
}
