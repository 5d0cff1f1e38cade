package dev.handoff.storage.jdbc;

import static dev.handoff.storage.tck.StoredSessions.open;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The requests each operation sends to the database, counted at the JDBC boundary: statements executed, commits
 * and rollbacks, and switches of auto-commit (each its own round trip on MariaDB). The figures are those of
 * {@code docs/storage.md}; an operation that starts to need more fails here.
 */
class RoundTripsTest {
  private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate", "executeBatch",
      "executeLargeUpdate", "commit", "rollback");

  /** A data source whose connections count what they send to {@link #sent}. */
  private static final class CountingDataSource {
    final AtomicInteger sent = new AtomicInteger();
    final DataSource dataSource;
    /** Whether batches answer {@link Statement#SUCCESS_NO_INFO} for every statement, as some drivers' bulk mode. */
    volatile boolean noBatchCounts;

    CountingDataSource(DataSource target) {
      this.dataSource = counting(DataSource.class, target);
    }

    /** {@code target} behind a proxy that counts what it sends and wraps the connections and statements it makes. */
    private <T> T counting(Class<T> type, T target) {
      InvocationHandler handler = (self, method, args) -> {
        String name = method.getName();
        if (EXECUTIONS.contains(name) || name.equals("setAutoCommit")
            && ((Connection) target).getAutoCommit() != (Boolean) args[0]) {
          sent.incrementAndGet();
        }
        Object result;
        try {
          result = method.invoke(target, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
        if (noBatchCounts && name.equals("executeBatch")) {
          int[] unknown = new int[((int[]) result).length];
          Arrays.fill(unknown, Statement.SUCCESS_NO_INFO);
          return unknown;
        }
        if (result instanceof PreparedStatement ps) {
          return counting(PreparedStatement.class, ps);
        }
        if (result instanceof Statement s) {
          return counting(Statement.class, s);
        }
        return result instanceof Connection c ? counting(Connection.class, c) : result;
      };
      return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void eachOperationSendsTheFewestRequestsItsDialectAllows(TestDatabase.Kind kind) {
    try (TestDatabase database = TestDatabase.of(kind)) {
      database.assumeAvailable();
      database.newStore(); // creates the tables
      var counting = new CountingDataSource(database.dataSource());
      var store = JdbcSessionStore.builder(counting.dataSource).tablePrefix(database.prefix()).build();
      StoredSession session = open("t1", "csn_1").build();
      Instant now = session.createdAt().plusSeconds(1);
      var browser = new BrowserBinding("digest", now, now);
      var access = new AccessRecord(AccessRecord.Step.REDEEMED, now, null, null);
      int consumeUnread = kind == TestDatabase.Kind.MARIADB ? 2 : 1; // MariaDB reads first: no UPDATE RETURNING

      assertThat(sent(counting, () -> store.insert(session))).as("insert").isEqualTo(1);
      StoredSession changed = session.toBuilder().metadata(Map.of("k", "v")).version(1).build();
      assertThat(sent(counting, () -> store.replace(changed, 0))).as("replace").isEqualTo(1);
      assertThat(sent(counting, () -> assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, browser,
          access, now)).contains(changed.consumedAs(SessionStatus.ACTIVE, browser, access, now))))
          .as("consume, not found before").isEqualTo(consumeUnread);
      assertThat(sent(counting, () -> assertThat(store.consume("t1", "csn_1", 1, SessionStatus.ACTIVE, browser,
          access, now)).isEmpty())).as("consume of a consumed session").isEqualTo(1);

      // As the engine redeems: find (to check the token), then consume that version without reading it again.
      StoredSession second = open("t1", "csn_2").build();
      store.insert(second);
      StoredSession[] found = new StoredSession[1];
      assertThat(sent(counting, () -> found[0] = store.find("t1", "csn_2").orElseThrow())).as("find").isEqualTo(1);
      assertThat(sent(counting, () -> assertThat(store.consume(found[0], SessionStatus.ACTIVE, browser, access, now))
          .contains(second.consumedAs(SessionStatus.ACTIVE, browser, access, now))))
          .as("consume of the session just found").isEqualTo(1);

      // Changed since it was found: the version no longer matches, and the current row is consumed.
      StoredSession third = open("t1", "csn_3").build();
      store.insert(third);
      StoredSession stale = store.find("t1", "csn_3").orElseThrow();
      StoredSession thirdChanged = third.toBuilder().metadata(Map.of("k", "v")).version(1).build();
      store.replace(thirdChanged, 0);
      assertThat(sent(counting, () -> assertThat(store.consume(stale, SessionStatus.ACTIVE, browser, access, now))
          .contains(thirdChanged.consumedAs(SessionStatus.ACTIVE, browser, access, now))))
          .as("consume of a session changed since found").isEqualTo(1 + consumeUnread);

      // As the engine sweeps: a batch of marks, one stale, in one transaction whatever its size (auto-commit off,
      // one batch, commit, auto-commit on), where one replace per session would commit each.
      var marks = new ArrayList<StoredSession>();
      for (int i = 0; i < 20; i++) {
        StoredSession ended = open("t2", "csn_" + i).build();
        store.insert(ended);
        marks.add(ended.toBuilder().status(SessionStatus.EXPIRED).version(i == 7 ? 2 : 1).build());
      }
      var applied = new ArrayList<Boolean>();
      assertThat(sent(counting, () -> applied.addAll(store.replaceEach(marks)))).as("replaceEach of 20").isEqualTo(4);
      assertThat(applied).hasSize(20).containsOnlyOnce(false).element(7).isEqualTo(false);
      assertThat(store.find("t2", "csn_8")).contains(marks.get(8));
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void replaceEachIsRightWhenTheDriverGivesNoCountPerStatement(TestDatabase.Kind kind) {
    try (TestDatabase database = TestDatabase.of(kind)) {
      database.assumeAvailable();
      database.newStore(); // creates the tables
      var counting = new CountingDataSource(database.dataSource());
      counting.noBatchCounts = true;
      var store = JdbcSessionStore.builder(counting.dataSource).tablePrefix(database.prefix()).build();
      var marks = new ArrayList<StoredSession>();
      for (int i = 0; i < 5; i++) {
        StoredSession ended = open("t1", "csn_" + i).build();
        store.insert(ended);
        marks.add(ended.toBuilder().status(SessionStatus.EXPIRED).version(i == 2 ? 2 : 1).build());
      }
      // The batch is rolled back and the updates run one by one: had it stayed, each would now answer false.
      assertThat(store.replaceEach(marks)).containsExactly(true, true, false, true, true);
      assertThat(store.find("t1", "csn_1")).contains(marks.get(1));
      assertThat(store.find("t1", "csn_2").orElseThrow().version()).isZero();
    }
  }

  private static int sent(CountingDataSource counting, Runnable operation) {
    int before = counting.sent.get();
    operation.run();
    return counting.sent.get() - before;
  }
}
