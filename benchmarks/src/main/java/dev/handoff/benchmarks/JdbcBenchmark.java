package dev.handoff.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.handoff.BrowserSession;
import dev.handoff.Handoff;
import dev.handoff.Redemption;
import dev.handoff.Session;
import dev.handoff.storage.jdbc.JdbcSessionStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The engine's operations on the JDBC store, each next to the bare prepared statement(s) the operation must issue,
 * through the same HikariCP pool in the same run:
 *
 * <ul>
 *   <li>{@code create}: one {@code INSERT} of the row;
 *   <li>{@code redeem}: one {@code SELECT} of the session (the token is checked against it) and one conditional
 *       {@code UPDATE} that consumes it, writing what redemption changes: status, browser binding, access log,
 *       the second clock's expiry;
 *   <li>{@code authenticate}: one {@code SELECT};
 *   <li>{@code complete}: one {@code SELECT} and one compare-and-set {@code UPDATE} of the row.
 * </ul>
 *
 * <p>Each bare statement carries the statement timeout the store sets on its own (a documented bound, and on
 * PostgreSQL a timer task per statement). The bare statements bind every column of a real session row the engine
 * wrote (the columns are read from the table, so the benchmark follows the schema), so both sides move the same
 * bytes. Rows that an operation consumes are prepared per invocation, outside the timing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JdbcBenchmark {
  /** {@code JdbcSessionStore.Builder#statementTimeout}'s default, which the engine's store below runs with. */
  private static final int STATEMENT_TIMEOUT_SECONDS = 5;

  @Param({"h2", "postgresql", "mariadb"})
  public String db;

  private HikariDataSource pool;
  private String table;
  private Handoff engine;
  private String browserSecret;
  /** The columns of a redeemed (ACTIVE) session row, as JDBC returns them; copied with a new id by the bare side. */
  private Object[] activeRow;
  private String activeId;
  private List<String> columns;
  private int idColumn;
  private int statusColumn;
  private int browserColumn;
  private int accessLogColumn;
  private int generationColumn;
  private int versionColumn;
  private final AtomicLong ids = new AtomicLong();

  private String insertSql;
  private String selectSql;
  private String consumeSql;
  private String casSql;

  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    pool = Databases.pool(db, 4);
    String prefix = Databases.randomPrefix();
    var store = JdbcSessionStore.builder(pool).tablePrefix(prefix).createSchemaIfMissing().build();
    table = store.tableName();
    engine = GigsSession.engine(store);
    var redemption = engine.redeem(engine.create(GigsSession.request()).token().orElseThrow());
    browserSecret = redemption.browserSecret();
    activeId = redemption.session().id();
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE tenant = ? AND id = ?")) {
      ps.setString(1, GigsSession.TENANT);
      ps.setString(2, activeId);
      try (ResultSet rs = ps.executeQuery()) {
        var meta = rs.getMetaData();
        columns = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          columns.add(meta.getColumnName(i).toLowerCase(Locale.ROOT));
        }
      }
    }
    idColumn = column("id");
    statusColumn = column("status");
    browserColumn = column("browser");
    accessLogColumn = column("access_log");
    generationColumn = column("token_generation");
    versionColumn = column("row_version");
    String list = String.join(", ", columns);
    insertSql = "INSERT INTO " + table + " (" + list + ") VALUES (" + "?, ".repeat(columns.size() - 1) + "?)";
    selectSql = "SELECT " + list + " FROM " + table + " WHERE tenant = ? AND id = ?";
    // Redemption writes the browser binding, the access log and the second clock's expiry (consumedAs), so the bare
    // update writes them too.
    consumeSql = "UPDATE " + table + " SET status = ?, browser = ?, modified_at_ns = ?, access_log = ?,"
        + " row_version = row_version + 1, expires_at_ns = ? + active_lifetime_ns"
        + " WHERE tenant = ? AND id = ? AND status = 'OPEN' AND token_generation = ? AND expires_at_ns > ?";
    casSql = "UPDATE " + table + " SET " + String.join(" = ?, ", columns.subList(2, columns.size()))
        + " = ? WHERE tenant = ? AND id = ? AND row_version = ?";
    activeRow = select(GigsSession.TENANT, activeId);
  }

  /** The 1-based position of {@code name} in {@link #columns}. */
  private int column(String name) {
    int i = columns.indexOf(name);
    if (i < 0) {
      throw new IllegalStateException("the sessions table has no column " + name);
    }
    return i + 1;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    Databases.drop(pool, table);
    pool.close();
  }

  /** A fresh URL token per invocation, for {@link #redeem}; the create is not counted ({@link TimedInvocation}). */
  @State(Scope.Thread)
  public static class FreshToken {
    String token;

    @Setup(Level.Invocation)
    public void create(JdbcBenchmark bench, TimedInvocation timer) {
      token = bench.engine.create(GigsSession.request()).token().orElseThrow();
      timer.start();
    }
  }

  /** A freshly redeemed session per invocation, for {@link #complete}; not counted ({@link TimedInvocation}). */
  @State(Scope.Thread)
  public static class FreshActiveSession {
    String id;

    @Setup(Level.Invocation)
    public void redeem(JdbcBenchmark bench, TimedInvocation timer) {
      id = bench.engine.redeem(bench.engine.create(GigsSession.request()).token().orElseThrow()).session().id();
      timer.start();
    }
  }

  /** A fresh OPEN row per invocation, for {@link #bareRedeem}; the insert is not counted ({@link TimedInvocation}). */
  @State(Scope.Thread)
  public static class FreshOpenRow {
    String id;

    @Setup(Level.Invocation)
    public void insert(JdbcBenchmark bench, TimedInvocation timer) throws SQLException {
      id = bench.insertRow("OPEN");
      timer.start();
    }
  }

  /** A fresh ACTIVE row per invocation, for {@link #bareComplete}; not counted ({@link TimedInvocation}). */
  @State(Scope.Thread)
  public static class FreshActiveRow {
    String id;

    @Setup(Level.Invocation)
    public void insert(JdbcBenchmark bench, TimedInvocation timer) throws SQLException {
      id = bench.insertRow("ACTIVE");
      timer.start();
    }
  }

  @Benchmark
  public String create() {
    return engine.create(GigsSession.request()).url().orElseThrow();
  }

  /** Bare {@link #create}: one INSERT of the same row. */
  @Benchmark
  public String bareCreate() throws SQLException {
    return insertRow("OPEN");
  }

  @Benchmark
  public Redemption redeem(FreshToken fresh) {
    return engine.redeem(fresh.token);
  }

  /** Bare {@link #redeem}: SELECT the row, then the conditional UPDATE that consumes it. */
  @Benchmark
  public int bareRedeem(FreshOpenRow row) throws SQLException {
    try (Connection c = pool.getConnection()) {
      Object[] found = select(c, GigsSession.TENANT, row.id);
      try (PreparedStatement ps = prepare(c, consumeSql)) {
        long now = System.currentTimeMillis() * 1_000_000;
        ps.setString(1, "ACTIVE");
        ps.setObject(2, activeRow[browserColumn - 1]);
        ps.setLong(3, now);
        ps.setObject(4, activeRow[accessLogColumn - 1]);
        ps.setLong(5, now);
        ps.setString(6, GigsSession.TENANT);
        ps.setString(7, row.id);
        ps.setLong(8, ((Number) found[generationColumn - 1]).longValue());
        ps.setLong(9, now);
        return check(ps.executeUpdate());
      }
    }
  }

  @Benchmark
  public BrowserSession authenticate() {
    return engine.authenticate(browserSecret);
  }

  /** Bare {@link #authenticate}: one SELECT by key. */
  @Benchmark
  public Object[] bareAuthenticate() throws SQLException {
    return select(GigsSession.TENANT, activeId);
  }

  @Benchmark
  public Session complete(FreshActiveSession fresh) {
    return engine.complete(GigsSession.TENANT, fresh.id);
  }

  /** Bare {@link #complete}: SELECT the row, then the compare-and-set UPDATE of all its content. */
  @Benchmark
  public int bareComplete(FreshActiveRow row) throws SQLException {
    try (Connection c = pool.getConnection()) {
      Object[] found = select(c, GigsSession.TENANT, row.id);
      try (PreparedStatement ps = prepare(c, casSql)) {
        int p = 1;
        long version = ((Number) found[versionColumn - 1]).longValue();
        for (int column = 3; column <= columns.size(); column++) {
          Object value = found[column - 1];
          if (column == statusColumn) {
            value = "COMPLETED";
          } else if (column == versionColumn) {
            value = version + 1;
          }
          ps.setObject(p++, value);
        }
        ps.setString(p++, GigsSession.TENANT);
        ps.setString(p++, row.id);
        ps.setLong(p, version);
        return check(ps.executeUpdate());
      }
    }
  }

  /** Inserts a copy of the template row with a new id and {@code status}; returns the id. */
  String insertRow(String status) throws SQLException {
    String id = "csn_bare" + Thread.currentThread().getId() + "x" + ids.incrementAndGet();
    try (Connection c = pool.getConnection(); PreparedStatement ps = prepare(c, insertSql)) {
      for (int column = 1; column <= columns.size(); column++) {
        Object value = column == idColumn ? id : column == statusColumn ? status : activeRow[column - 1];
        ps.setObject(column, value);
      }
      check(ps.executeUpdate());
    }
    return id;
  }

  private Object[] select(String tenant, String id) throws SQLException {
    try (Connection c = pool.getConnection()) {
      return select(c, tenant, id);
    }
  }

  private Object[] select(Connection c, String tenant, String id) throws SQLException {
    try (PreparedStatement ps = prepare(c, selectSql)) {
      ps.setString(1, tenant);
      ps.setString(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("no row " + id);
        }
        var row = new Object[columns.size()];
        for (int i = 0; i < row.length; i++) {
          row[i] = rs.getObject(i + 1);
        }
        return row;
      }
    }
  }

  /**
   * A bare statement bounded as the store must bound each of its own: by the statement timeout (the store's default,
   * 5 s), set the way the store sets it (only where it differs: H2 keeps it per connection). The store documents
   * this bound on lock waits and stalls, so the floor pays it too; on PostgreSQL it is real work (pgjdbc schedules a
   * cancel task on its timer for every statement: 10.8 -> 14.9 us of CPU per SELECT, session 5).
   */
  private static PreparedStatement prepare(Connection c, String sql) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    if (ps.getQueryTimeout() != STATEMENT_TIMEOUT_SECONDS) {
      ps.setQueryTimeout(STATEMENT_TIMEOUT_SECONDS);
    }
    return ps;
  }

  private static int check(int updated) {
    if (updated != 1) {
      throw new IllegalStateException("expected one row, updated " + updated);
    }
    return updated;
  }
}
