package dev.handoff.storage.jdbc;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.SessionClocks;
import dev.handoff.spi.SessionPage;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.StoredSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A {@link SessionStore} in two tables of a relational database reached through any {@link DataSource}: PostgreSQL,
 * MariaDB (and MySQL 8) or H2, detected from the connection's metadata. Plain JDBC, no ORM.
 *
 * <p>Every engine node may use its own store over the same database: {@link #consume} and {@link #replace} are
 * single conditional {@code UPDATE}s checked by row count, so the database decides races between nodes; no
 * application lock is involved. {@link #deleteExpired} works in short, bounded batches that skip rows another
 * node is deleting, so every node may sweep at once.
 *
 * <p>The tables ({@code <prefix>sessions}, and {@code <prefix>counters} for rate limits) are created by the
 * operator from the versioned migration files under {@link #MIGRATION_LOCATION} in this jar (with Flyway or
 * another migration tool), or by the store itself, from the same files, if
 * {@link Builder#createSchemaIfMissing()} is set. Instants are stored as nanoseconds since the epoch, so they
 * round-trip exactly; they must lie between the years 1677 and 2262. Tenants, ids and idempotency keys are at
 * most 255 characters.
 *
 * <p>Failures of the database surface as {@link HandoffException} with {@link ErrorCode#STORAGE_UNAVAILABLE} and
 * the {@link SQLException} as cause; a transaction that failed is rolled back. A value the database refuses
 * (SQLState class 22) is {@link ErrorCode#INVALID_REQUEST}.
 *
 * <p>Thread-safe: the store holds no mutable state and takes a connection from the data source per call. Give it
 * a pooled data source that does not take part in container-managed transactions.
 */
public final class JdbcSessionStore implements SessionStore {
  /**
   * The class-path folder of the schema's versioned migration files, in Flyway's naming
   * ({@code V1__handoff_sessions.sql}, ...), one sub-folder per database: {@code postgresql}, {@code mariadb}
   * (also MySQL 8) and {@code h2}. For Flyway: {@code locations("classpath:db/handoff-migration/postgresql")}. It
   * is deliberately not under Flyway's default {@code db/migration}, which would pick up all three dialects.
   */
  public static final String MIGRATION_LOCATION = "db/handoff-migration";

  /**
   * The placeholder the migration files use for the table prefix, in Flyway's syntax: give Flyway the
   * placeholder {@code handoff_table_prefix} (e.g. {@code handoff_}), or replace it when copying the files.
   */
  public static final String TABLE_PREFIX_PLACEHOLDER = "${handoff_table_prefix}";

  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,29}");

  private final DataSource dataSource;
  private final Dialect dialect;
  private final String table;
  private final String countersTable;
  private final int deleteBatchSize;
  private final int statementTimeoutSeconds;
  private final int maxSessionBytes;

  private final String insertSql;
  private final String findSql;
  private final String findByKeySql;
  private final String replaceSql;
  private final String consumeSql;
  /** {@link #consumeSql} returning the updated row, where the dialect can ({@code null} elsewhere). */
  private final String consumeReturningSql;
  /** {@link #consumeSql} of one version of the row, where it cannot be returned: see {@link #consumeVersion}. */
  private final String consumeVersionSql;
  private final String listFirstSql;
  private final String listAfterSql;
  // Package-private for IndexUseTest, which has the database explain them.
  final String listByUserFirstSql;
  final String listByUserAfterSql;
  final String listEndedSql;
  private final String counterUpdateSql;
  private final String counterSelectSql;
  private final String counterInsertSql;

  private JdbcSessionStore(Builder builder, Dialect dialect) {
    this.dataSource = builder.dataSource;
    this.dialect = dialect;
    this.table = builder.tablePrefix + "sessions";
    this.countersTable = builder.tablePrefix + "counters";
    this.deleteBatchSize = builder.deleteBatchSize;
    this.statementTimeoutSeconds = (int) builder.statementTimeout.toSeconds();
    this.maxSessionBytes = builder.maxSessionBytes;
    this.insertSql = "INSERT INTO " + table + " (" + SessionRows.INSERT_COLUMNS + ") VALUES ("
        + "?, ".repeat(SessionRows.INSERT_COLUMN_COUNT - 1) + "?)";
    String select = "SELECT " + SessionRows.COLUMNS + " FROM " + table;
    this.findSql = select + " WHERE tenant = ? AND id = ?";
    this.findByKeySql = select + " WHERE tenant = ? AND idempotency_key = ?";
    this.replaceSql = "UPDATE " + table + " SET " + SessionRows.CONTENT_ASSIGNMENTS
        + " WHERE tenant = ? AND id = ? AND row_version = ?";
    // The second clock starts: expiresAt = now + activeLifetime. A row from before the V2 migration has no clocks
    // yet: they are written as SessionRows.read derives them (SessionClocks.single), and used at once. MariaDB
    // assigns left to right, so the link deadline is saved before expires_at_ns changes, and the later use of
    // active_lifetime_ns reads the value just written, the same one.
    String activeLifetime = "COALESCE(active_lifetime_ns, GREATEST(expires_at_ns - created_at_ns, "
        + Duration.ofSeconds(1).toNanos() + "))"; // SessionClocks.single's floor
    this.consumeSql = "UPDATE " + table + " SET status = ?, browser = ?, modified_at_ns = ?, access_log = ?,"
        + " row_version = row_version + 1,"
        + " link_expires_at_ns = COALESCE(link_expires_at_ns, expires_at_ns),"
        + " idle_timeout_ns = COALESCE(idle_timeout_ns, " + SessionClocks.DEFAULT_IDLE_TIMEOUT.toNanos() + "),"
        + " active_lifetime_ns = " + activeLifetime + ","
        + " expires_at_ns = ? + " + activeLifetime
        + " WHERE tenant = ? AND id = ? AND status = 'OPEN' AND token_generation = ? AND expires_at_ns > ?";
    this.consumeReturningSql = dialect.updateReturning(consumeSql, SessionRows.COLUMNS);
    this.consumeVersionSql = consumeSql + " AND row_version = ?";
    this.listFirstSql = select + " WHERE tenant = ? ORDER BY id " + dialect.limitClause();
    this.listAfterSql = select + " WHERE tenant = ? AND id > ? ORDER BY id " + dialect.limitClause();
    this.listByUserFirstSql = select + " WHERE tenant = ? AND user_id = ? ORDER BY id " + dialect.limitClause();
    this.listByUserAfterSql = select + " WHERE tenant = ? AND user_id = ? AND id > ? ORDER BY id "
        + dialect.limitClause();
    this.listEndedSql = dialect.listEndedSql(table, SessionRows.COLUMNS);
    // Assignments in this order: MariaDB applies them left to right, so hits must be decided on the old window end.
    this.counterUpdateSql = "UPDATE " + countersTable
        + " SET hits = CASE WHEN window_end_ns <= ? THEN 1 ELSE hits + 1 END,"
        + " window_end_ns = CASE WHEN window_end_ns <= ? THEN ? ELSE window_end_ns END"
        + " WHERE tenant = ? AND counter_key = ?";
    this.counterSelectSql = "SELECT hits FROM " + countersTable + " WHERE tenant = ? AND counter_key = ?";
    this.counterInsertSql = "INSERT INTO " + countersTable + " (tenant, counter_key, window_end_ns, hits)"
        + " VALUES (?, ?, ?, 1)";
  }

  /** A builder for a store over {@code dataSource}. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /** The name of the sessions table: the prefix followed by {@code sessions}. */
  public String tableName() {
    return table;
  }

  /** The name of the rate-limit counters table: the prefix followed by {@code counters}. */
  public String countersTableName() {
    return countersTable;
  }

  @Override
  public void insert(StoredSession session) {
    Objects.requireNonNull(session, "session");
    var row = SessionRows.encode(session, maxSessionBytes);
    try (Connection c = dataSource.getConnection()) {
      singleStatement(c, () -> {
        try (PreparedStatement ps = prepare(c, insertSql)) {
          SessionRows.bindAll(ps, row);
          return ps.executeUpdate();
        }
      });
    } catch (SQLException e) {
      if (SqlFailures.isConstraintViolation(e)) {
        throw new HandoffException(ErrorCode.CONFLICT,
            "a session with this id or idempotency key already exists in this tenant", e);
      }
      throw SqlFailures.translate("insert a session", e);
    }
  }

  @Override
  public Optional<StoredSession> find(String tenant, String id) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    return selectOne(findSql, tenant, id, "find a session");
  }

  @Override
  public Optional<StoredSession> findByIdempotencyKey(String tenant, String idempotencyKey) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    return selectOne(findByKeySql, tenant, idempotencyKey, "find a session by idempotency key");
  }

  private Optional<StoredSession> selectOne(String sql, String tenant, String key, String operation) {
    try (Connection c = dataSource.getConnection()) {
      return selectOne(c, sql, tenant, key);
    } catch (SQLException e) {
      throw SqlFailures.translate(operation, e);
    }
  }

  private Optional<StoredSession> selectOne(Connection c, String sql, String tenant, String key)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, sql)) {
      ps.setString(1, tenant);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(SessionRows.read(rs)) : Optional.empty();
      }
    }
  }

  @Override
  public boolean replace(StoredSession replacement, long expectedVersion) {
    Objects.requireNonNull(replacement, "replacement");
    if (replacement.version() != expectedVersion + 1) {
      throw new IllegalArgumentException("replacement version must be expectedVersion + 1");
    }
    var row = SessionRows.encode(replacement, maxSessionBytes);
    try (Connection c = dataSource.getConnection()) {
      return singleStatement(c, () -> {
        try (PreparedStatement ps = prepare(c, replaceSql)) {
          int next = SessionRows.bindContent(ps, 1, row);
          ps.setString(next++, replacement.tenant());
          ps.setString(next++, replacement.id());
          ps.setLong(next, expectedVersion);
          return ps.executeUpdate() == 1;
        }
      });
    } catch (SQLException e) {
      if (SqlFailures.isConstraintViolation(e)) {
        throw new HandoffException(ErrorCode.CONFLICT,
            "another session of this tenant has this idempotency key", e);
      }
      throw SqlFailures.translate("replace a session", e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>One transaction, one commit: the conditional {@code UPDATE}s of {@link #replace} go to the database as one
   * JDBC batch, and each one's update count says whether it applied. A driver that answers a batch without a count
   * per statement ({@link Statement#SUCCESS_NO_INFO}) has the batch rolled back and each {@code UPDATE} run on its
   * own, still in one transaction. A failure rolls the transaction back, so none of the replacements was applied,
   * unless the failure was the commit's lost acknowledgement; a replacement that would give its idempotency key to
   * a second session fails the whole batch with {@link ErrorCode#CONFLICT}, nothing applied.
   */
  @Override
  public List<Boolean> replaceEach(List<StoredSession> replacements) {
    SessionStore.checkReplaceEachArguments(replacements);
    if (replacements.isEmpty()) {
      return List.of();
    }
    if (replacements.size() == 1) {
      StoredSession only = replacements.get(0);
      return List.of(replace(only, only.version() - 1));
    }
    var rows = new ArrayList<SessionRows.Encoded>(replacements.size());
    for (StoredSession replacement : replacements) {
      rows.add(SessionRows.encode(replacement, maxSessionBytes));
    }
    try (Connection c = dataSource.getConnection()) {
      List<Boolean> applied = inTransaction(c, () -> replaceBatch(c, rows));
      return applied != null ? applied : inTransaction(c, () -> replaceOneByOne(c, rows));
    } catch (SQLException e) {
      if (SqlFailures.isConstraintViolation(e)) {
        throw new HandoffException(ErrorCode.CONFLICT,
            "another session of this tenant has this idempotency key", e);
      }
      throw SqlFailures.translate("replace sessions", e);
    }
  }

  /**
   * The conditional updates as one batch: which applied, or {@code null} (after rolling back) if the driver did not
   * tell each statement's count.
   */
  private List<Boolean> replaceBatch(Connection c, List<SessionRows.Encoded> rows) throws SQLException {
    int[] counts;
    try (PreparedStatement ps = prepare(c, replaceSql)) {
      for (SessionRows.Encoded row : rows) {
        bindReplace(ps, row);
        ps.addBatch();
      }
      counts = ps.executeBatch();
    }
    var applied = new ArrayList<Boolean>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      if (counts.length != rows.size() || (counts[i] != 0 && counts[i] != 1)) {
        c.rollback();
        return null;
      }
      applied.add(counts[i] == 1);
    }
    return List.copyOf(applied);
  }

  private List<Boolean> replaceOneByOne(Connection c, List<SessionRows.Encoded> rows) throws SQLException {
    var applied = new ArrayList<Boolean>(rows.size());
    try (PreparedStatement ps = prepare(c, replaceSql)) {
      for (SessionRows.Encoded row : rows) {
        bindReplace(ps, row);
        applied.add(ps.executeUpdate() == 1);
      }
    }
    return List.copyOf(applied);
  }

  /** Binds {@link #replaceSql} for {@code row}, expecting the version before it. */
  private static void bindReplace(PreparedStatement ps, SessionRows.Encoded row) throws SQLException {
    StoredSession replacement = row.session();
    int next = SessionRows.bindContent(ps, 1, row);
    ps.setString(next++, replacement.tenant());
    ps.setString(next++, replacement.id());
    ps.setLong(next, replacement.version() - 1);
  }

  /**
   * {@inheritDoc}
   *
   * <p>One conditional {@code UPDATE} decides, and writes the new {@code expiresAt} ({@code now} plus the stored
   * active lifetime) and the access log (the one new record: an {@code OPEN} session's log is empty) in the same
   * statement. On PostgreSQL and H2 it returns the updated row itself (one statement); on MariaDB and MySQL the
   * row is read first and that version of it consumed (two statements, see {@link #consumeVersion}). Either way the
   * result is exactly {@code stored.consumedAs(newStatus, browser, access, now)}.
   */
  @Override
  public Optional<StoredSession> consume(String tenant, String id, long tokenGeneration, SessionStatus newStatus,
      BrowserBinding browser, AccessRecord access, Instant now) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    ConsumeValues consume = consumeValues(newStatus, browser, access, now);
    if (consume == null) {
      return Optional.empty();
    }
    try (Connection c = dataSource.getConnection()) {
      return consume(c, tenant, id, tokenGeneration, consume, newStatus, browser, access, now);
    } catch (SQLException e) {
      throw SqlFailures.translate("consume a session", e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The conditional {@code UPDATE} also compares {@code found}'s version, and the result is {@code found}
   * consumed: one statement and no row read back, on every database (a MariaDB redemption is then its find and this
   * update, as its bare statements). If the row has changed since, this falls back to {@link #consume(String,
   * String, long, SessionStatus, BrowserBinding, AccessRecord, Instant) consume}, on the same connection.
   */
  @Override
  public Optional<StoredSession> consume(StoredSession found, SessionStatus newStatus, BrowserBinding browser,
      AccessRecord access, Instant now) {
    Objects.requireNonNull(found, "found");
    ConsumeValues consume = consumeValues(newStatus, browser, access, now);
    if (consume == null || found.status() != SessionStatus.OPEN || found.isExpiredAt(now)) {
      // found may be stale: only the stored row can say no, as consume does.
      return consume(found.tenant(), found.id(), found.tokenGeneration(), newStatus, browser, access, now);
    }
    try (Connection c = dataSource.getConnection()) {
      boolean consumed = singleStatement(c, () -> {
        try (PreparedStatement ps = prepare(c, consumeVersionSql)) {
          consume.bind(ps, found.tenant(), found.id(), found.tokenGeneration());
          ps.setLong(10, found.version());
          return ps.executeUpdate() == 1;
        }
      });
      if (consumed) {
        return Optional.of(found.consumedAs(newStatus, browser, access, now));
      }
      return consume(c, found.tenant(), found.id(), found.tokenGeneration(), consume, newStatus, browser, access,
          now);
    } catch (SQLException e) {
      throw SqlFailures.translate("consume a session", e);
    }
  }

  /** What consume writes, after checking its arguments; {@code null} if no session can be consumed at {@code now}. */
  private static ConsumeValues consumeValues(SessionStatus newStatus, BrowserBinding browser, AccessRecord access,
      Instant now) {
    Objects.requireNonNull(newStatus, "newStatus");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(now, "now");
    if (newStatus == SessionStatus.OPEN) {
      throw new IllegalArgumentException("newStatus must not be OPEN");
    }
    if (EpochNanos.saturated(now) == Long.MAX_VALUE) {
      return null; // later than any storable expiresAt: every session has expired
    }
    return new ConsumeValues(newStatus.name(), HostedStateJson.writeBrowser(browser),
        LifecycleJson.writeAccessLog(List.of(access)), EpochNanos.of(now));
  }

  private Optional<StoredSession> consume(Connection c, String tenant, String id, long tokenGeneration,
      ConsumeValues consume, SessionStatus newStatus, BrowserBinding browser, AccessRecord access, Instant now)
      throws SQLException {
    if (consumeReturningSql != null) {
      return singleStatement(c, () -> {
        try (PreparedStatement ps = prepare(c, consumeReturningSql)) {
          consume.bind(ps, tenant, id, tokenGeneration);
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(SessionRows.read(rs)) : Optional.<StoredSession>empty();
          }
        }
      });
    }
    return singleStatement(c, () -> consumeVersion(c, tenant, id, tokenGeneration, consume, newStatus, browser,
        access, now));
  }

  /**
   * {@link #consume} without {@code UPDATE ... RETURNING} (MariaDB, MySQL): reads the row, then consumes exactly
   * that version of it (the conditional {@code UPDATE} also compares {@code row_version}), so the result is the
   * row read, consumed. Two statements in auto-commit and no transaction, whose opening and closing (auto-commit
   * off, {@code COMMIT}, auto-commit on) cost three round trips more on MariaDB. A write that lands between the two
   * statements makes the update miss; the row is then read again and consumed if it still may be.
   */
  private Optional<StoredSession> consumeVersion(Connection c, String tenant, String id, long tokenGeneration,
      ConsumeValues consume, SessionStatus newStatus, BrowserBinding browser, AccessRecord access, Instant now)
      throws SQLException {
    while (true) {
      StoredSession row = selectOne(c, findSql, tenant, id).orElse(null);
      if (row == null || row.status() != SessionStatus.OPEN || row.tokenGeneration() != tokenGeneration
          || row.isExpiredAt(now)) {
        return Optional.empty();
      }
      try (PreparedStatement ps = prepare(c, consumeVersionSql)) {
        consume.bind(ps, tenant, id, tokenGeneration);
        ps.setLong(10, row.version());
        if (ps.executeUpdate() == 1) {
          return Optional.of(row.consumedAs(newStatus, browser, access, now));
        }
      }
    }
  }

  /** What {@link #consumeSql} writes, as bound: status, browser and access log JSON, now. */
  private record ConsumeValues(String status, String browserJson, String accessLogJson, long nowNanos) {
    void bind(PreparedStatement ps, String tenant, String id, long tokenGeneration) throws SQLException {
      ps.setString(1, status);
      SessionRows.setNullableString(ps, 2, browserJson);
      ps.setLong(3, nowNanos);
      ps.setString(4, accessLogJson);
      ps.setLong(5, nowNanos); // expires_at_ns = now + active lifetime
      ps.setString(6, tenant);
      ps.setString(7, id);
      ps.setLong(8, tokenGeneration);
      ps.setLong(9, nowNanos);
    }
  }

  @Override
  public SessionPage list(String tenant, String cursor, int limit) {
    Objects.requireNonNull(tenant, "tenant");
    return page(cursor == null ? listFirstSql : listAfterSql, List.of(tenant), cursor, limit, "list sessions");
  }

  /**
   * {@inheritDoc}
   *
   * <p>One {@code SELECT} on the index {@code (tenant, user_id, id)}.
   */
  @Override
  public SessionPage listByUser(String tenant, String userId, String cursor, int limit) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(userId, "userId");
    return page(cursor == null ? listByUserFirstSql : listByUserAfterSql,
        List.of(tenant, SubjectJson.userIdColumn(userId)), cursor, limit,
        "list a user's sessions");
  }

  /** One page of {@code sql}, bound to {@code keys}, then the cursor if any, then the row count. */
  private SessionPage page(String sql, List<String> keys, String cursor, int limit, String operation) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    // One row more than asked tells whether another page follows.
    int fetch = limit == Integer.MAX_VALUE ? limit : limit + 1;
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql)) {
      int i = 1;
      for (String key : keys) {
        ps.setString(i++, key);
      }
      if (cursor != null) {
        ps.setString(i++, cursor);
      }
      ps.setInt(i, fetch);
      List<StoredSession> sessions = readAll(ps);
      if (sessions.size() > limit) {
        List<StoredSession> page = sessions.subList(0, limit);
        return new SessionPage(page, page.get(limit - 1).id());
      }
      return new SessionPage(sessions, null);
    } catch (SQLException e) {
      throw SqlFailures.translate(operation, e);
    }
  }

  private static List<StoredSession> readAll(PreparedStatement ps) throws SQLException {
    var sessions = new ArrayList<StoredSession>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        sessions.add(SessionRows.read(rs));
      }
    }
    return sessions;
  }

  /**
   * {@inheritDoc}
   *
   * <p>One {@code SELECT}, earliest {@code expiresAt} first, that reads only rows in a non-terminal status: on
   * PostgreSQL from a partial index on {@code expires_at_ns} of those rows; on MariaDB and H2 from the index
   * {@code (status, expires_at_ns)}, one range per status, merged.
   */
  @Override
  public List<StoredSession> listEnded(Instant now, int limit) {
    Objects.requireNonNull(now, "now");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    long nowNanos = EpochNanos.saturated(now);
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, listEndedSql)) {
      dialect.bindListEnded(ps, nowNanos, limit);
      return readAll(ps);
    } catch (SQLException e) {
      throw SqlFailures.translate("list ended sessions", e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Deletes in batches of at most {@link Builder#deleteBatchSize}, each in its own short transaction, and
   * stops early when a batch comes back short: the rest is gone or being deleted by another node. Rows locked by
   * other transactions are skipped rather than waited for (PostgreSQL, MariaDB/MySQL).
   */
  @Override
  public int deleteExpired(Instant expiredBefore, int limit) {
    Objects.requireNonNull(expiredBefore, "expiredBefore");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    long before = EpochNanos.saturated(expiredBefore);
    try (Connection c = dataSource.getConnection()) {
      int sessions = deleteInBatches(c, new ExpiringRows(table, "id", "expires_at_ns"), before, limit);
      deleteInBatches(c, new ExpiringRows(countersTable, "counter_key", "window_end_ns"), before, limit);
      return sessions;
    } catch (SQLException e) {
      throw SqlFailures.translate("delete expired sessions", e);
    }
  }

  /** A table whose rows expire: its name, the key column beside {@code tenant}, and the expiry column. */
  private record ExpiringRows(String table, String keyColumn, String expiryColumn) {}

  private int deleteInBatches(Connection c, ExpiringRows rows, long before, int limit) throws SQLException {
    int total = 0;
    while (total < limit) {
      int batch = Math.min(limit - total, deleteBatchSize);
      int deleted;
      try {
        deleted = deleteBatch(c, rows, before, batch);
      } catch (SQLException e) {
        if (total > 0 && SqlFailures.isTransactionRollback(e)) {
          break; // lost a race with another sweeper: keep what this call already deleted
        }
        throw e;
      }
      total += deleted;
      if (deleted < batch) {
        break;
      }
    }
    return total;
  }

  private int deleteBatch(Connection c, ExpiringRows rows, long before, int batch) throws SQLException {
    switch (dialect) {
      case POSTGRESQL -> {
        String sql = "DELETE FROM " + rows.table() + " WHERE (tenant, " + rows.keyColumn() + ") IN (SELECT tenant, "
            + rows.keyColumn() + " FROM " + rows.table() + " WHERE " + rows.expiryColumn() + " < ? ORDER BY "
            + rows.expiryColumn() + " LIMIT ? FOR UPDATE SKIP LOCKED)";
        return inTransaction(c, () -> executeUpdate(c, sql, before, batch));
      }
      case H2 -> {
        String sql = "DELETE FROM " + rows.table() + " WHERE " + rows.expiryColumn() + " < ? FETCH FIRST ? ROWS ONLY";
        return inTransaction(c, () -> executeUpdate(c, sql, before, batch));
      }
      default -> {
        int isolation = c.getTransactionIsolation();
        // Read committed takes no gap locks, so the sweep never blocks inserts of new sessions.
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        try {
          return inTransaction(c, () -> deleteByKeys(c, rows, before, batch));
        } finally {
          c.setTransactionIsolation(isolation);
        }
      }
    }
  }

  private int executeUpdate(Connection c, String sql, long before, int batch) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql)) {
      ps.setLong(1, before);
      ps.setInt(2, batch);
      return ps.executeUpdate();
    }
  }

  /** MariaDB/MySQL: lock a batch of expired rows, skipping locked ones, then delete exactly those by key. */
  private int deleteByKeys(Connection c, ExpiringRows rows, long before, int batch) throws SQLException {
    var keys = new ArrayList<byte[][]>();
    try (PreparedStatement ps = prepare(c, "SELECT tenant, " + rows.keyColumn() + " FROM " + rows.table()
        + " WHERE " + rows.expiryColumn() + " < ? ORDER BY " + rows.expiryColumn()
        + " LIMIT ? FOR UPDATE SKIP LOCKED")) {
      ps.setLong(1, before);
      ps.setInt(2, batch);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.add(new byte[][] {rs.getBytes(1), rs.getBytes(2)});
        }
      }
    }
    if (keys.isEmpty()) {
      return 0;
    }
    // One primary-key lookup per row, so the delete touches only rows this transaction already locked: an IN or
    // OR list may be run as a scan that waits on other sweepers' rows and deadlocks with them.
    try (PreparedStatement ps = prepare(c, "DELETE FROM " + rows.table() + " WHERE tenant = ? AND "
        + rows.keyColumn() + " = ?")) {
      for (byte[][] key : keys) {
        ps.setBytes(1, key[0]);
        ps.setBytes(2, key[1]);
        ps.addBatch();
      }
      int deleted = 0;
      for (int count : ps.executeBatch()) {
        // Rows locked above cannot vanish before this delete: a count the driver does not report is one row.
        deleted += count == Statement.SUCCESS_NO_INFO ? 1 : count;
      }
      return deleted;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>A conditional {@code UPDATE} of the counter's row, read back in the same transaction under its row lock;
   * if no row exists, an {@code INSERT}. When another node inserted the row first (a duplicate key), the update
   * runs again. Counters whose window ended are deleted by {@link #deleteExpired}, so a sweeper bounds the table.
   */
  @Override
  public long incrementCounter(String tenant, String key, Instant windowEnd, Instant now) {
    SessionStore.checkCounterArguments(tenant, key, windowEnd, now);
    checkTenantLength(tenant);
    long nowNanos = EpochNanos.saturated(now);
    long windowEndNanos = EpochNanos.of(windowEnd);
    try (Connection c = dataSource.getConnection()) {
      while (true) {
        Long counted = inTransaction(c, () -> {
          try (PreparedStatement ps = prepare(c, counterUpdateSql)) {
            ps.setLong(1, nowNanos);
            ps.setLong(2, nowNanos);
            ps.setLong(3, windowEndNanos);
            ps.setString(4, tenant);
            ps.setString(5, key);
            if (ps.executeUpdate() == 0) {
              return null;
            }
          }
          try (PreparedStatement ps = prepare(c, counterSelectSql)) {
            ps.setString(1, tenant);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
        if (counted != null) {
          return counted;
        }
        try {
          inTransaction(c, () -> {
            try (PreparedStatement ps = prepare(c, counterInsertSql)) {
              ps.setString(1, tenant);
              ps.setString(2, key);
              ps.setLong(3, windowEndNanos);
              return ps.executeUpdate();
            }
          });
          return 1;
        } catch (SQLException e) {
          if (!SqlFailures.isConstraintViolation(e)) {
            throw e;
          }
          // Another caller created the counter between our update and insert: count on its row.
        }
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("count a rate-limited event", e);
    }
  }

  private static void checkTenantLength(String tenant) {
    if (tenant.length() > SessionRows.MAX_KEY_LENGTH) {
      throw new HandoffException(ErrorCode.INVALID_REQUEST,
          "tenant must be at most " + SessionRows.MAX_KEY_LENGTH + " characters to be stored, got "
              + tenant.length());
    }
  }

  /** A statement bounded by the {@linkplain Builder#statementTimeout statement timeout}. */
  private PreparedStatement prepare(Connection c, String sql) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      // H2 keeps the timeout per connection and runs SET QUERY_TIMEOUT on every call, which also makes every
      // prepared statement of the database parse and plan again (H2 2.3): 13x a bare SELECT in JdbcBenchmark.
      // Other drivers keep it per statement and answer from a field, so it is set as before.
      if (ps.getQueryTimeout() != statementTimeoutSeconds) {
        ps.setQueryTimeout(statementTimeoutSeconds);
      }
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
    return ps;
  }

  /** Work that runs inside a transaction. */
  @FunctionalInterface
  private interface TransactionWork<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code work}, one statement (or statements that are correct without a transaction around them), in
   * auto-commit mode if the connection is in it, else in one transaction: a statement that commits itself costs no
   * {@code COMMIT} (and, on MariaDB, no switching of auto-commit) as a round trip of its own.
   */
  private static <T> T singleStatement(Connection c, TransactionWork<T> work) throws SQLException {
    return c.getAutoCommit() ? work.run() : inTransaction(c, work);
  }

  /** Runs {@code work} in one transaction on {@code c}: committed if it returns, rolled back if it throws. */
  private static <T> T inTransaction(Connection c, TransactionWork<T> work) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      T result = work.run();
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException rollbackFailure) {
        e.addSuppressed(rollbackFailure);
      }
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /**
   * Configures a {@link JdbcSessionStore}. Setters validate their argument at once and throw
   * {@link IllegalArgumentException} or {@link NullPointerException} with the reason.
   *
   * <p>Not thread-safe; use one builder per thread.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private String tablePrefix = "handoff_";
    private int deleteBatchSize = 500;
    private Duration statementTimeout = Duration.ofSeconds(5);
    private int maxSessionBytes = 1 << 20;
    private boolean createSchema;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The prefix of the table names: {@code <prefix>sessions} and {@code <prefix>counters}. Default
     * {@code handoff_}.
     *
     * @param tablePrefix 1 to 30 characters: a lower-case letter, then lower-case letters, digits or {@code _}
     */
    public Builder tablePrefix(String tablePrefix) {
      Objects.requireNonNull(tablePrefix, "tablePrefix");
      if (!PREFIX.matcher(tablePrefix).matches()) {
        throw new IllegalArgumentException("tablePrefix must match " + PREFIX.pattern() + ", got '"
            + tablePrefix + "'");
      }
      this.tablePrefix = tablePrefix;
      return this;
    }

    /**
     * The most rows one transaction of {@link JdbcSessionStore#deleteExpired} deletes. Default 500.
     *
     * @param deleteBatchSize 1 to 10,000
     */
    public Builder deleteBatchSize(int deleteBatchSize) {
      if (deleteBatchSize < 1 || deleteBatchSize > 10_000) {
        throw new IllegalArgumentException("deleteBatchSize must be between 1 and 10000, got " + deleteBatchSize);
      }
      this.deleteBatchSize = deleteBatchSize;
      return this;
    }

    /**
     * How long one SQL statement may run before the driver cancels it and the call fails with
     * {@link ErrorCode#STORAGE_UNAVAILABLE} ({@link java.sql.Statement#setQueryTimeout}): a database that stalls
     * or a row lock held elsewhere then cannot block callers for the whole outage. An operation runs one to three
     * statements. Waiting for a pooled connection and a dead network are bounded by the pool's and the driver's
     * own timeouts, which the store cannot set: see {@code docs/storage.md}. Default 5 seconds.
     *
     * @param statementTimeout whole seconds, 1 second to 1 hour
     */
    public Builder statementTimeout(Duration statementTimeout) {
      Objects.requireNonNull(statementTimeout, "statementTimeout");
      if (statementTimeout.toNanos() % 1_000_000_000L != 0 || statementTimeout.toSeconds() < 1
          || statementTimeout.toSeconds() > 3600) {
        throw new IllegalArgumentException("statementTimeout must be whole seconds between 1 s and 1 h, got "
            + statementTimeout);
      }
      this.statementTimeout = statementTimeout;
      return this;
    }

    /**
     * The largest session this store writes, in UTF-8 bytes of its stored text (JSON parts, keys, digests). A
     * larger one is refused with {@link ErrorCode#INVALID_REQUEST} before the database is contacted, so that no
     * value reaches a driver or server limit that would break the connection (MariaDB's
     * {@code max_allowed_packet}, 16 MiB by default, closes the connection). The engine enforces its own, smaller
     * limits first; this is the store's guard. Default 1 MiB.
     *
     * @param maxSessionBytes 1 KiB to 15 MiB
     */
    public Builder maxSessionBytes(int maxSessionBytes) {
      if (maxSessionBytes < 1024 || maxSessionBytes > 15 << 20) {
        throw new IllegalArgumentException("maxSessionBytes must be between 1024 and " + (15 << 20) + ", got "
            + maxSessionBytes);
      }
      this.maxSessionBytes = maxSessionBytes;
      return this;
    }

    /**
     * Lets {@link #build()} create the tables and their indexes if they do not exist yet, by running every
     * migration file of the detected database from {@link #MIGRATION_LOCATION} (each statement is
     * {@code IF NOT EXISTS}). Off by default: production schemas usually belong to a migration tool.
     */
    public Builder createSchemaIfMissing() {
      this.createSchema = true;
      return this;
    }

    /**
     * Connects once to detect the database (and create the schema if asked), then returns the store.
     *
     * @throws IllegalArgumentException if the database is not one of PostgreSQL, MariaDB, MySQL or H2
     * @throws HandoffException {@link ErrorCode#STORAGE_UNAVAILABLE} if the database cannot be reached or the
     *     schema cannot be created
     */
    public JdbcSessionStore build() {
      try (Connection c = dataSource.getConnection()) {
        Dialect dialect = Dialect.detect(c.getMetaData());
        if (createSchema) {
          createSchema(c, SchemaScript.load(dialect, tablePrefix));
        }
        return new JdbcSessionStore(this, dialect);
      } catch (SQLException e) {
        throw SqlFailures.translate("start (detect the database" + (createSchema ? ", create the schema" : "")
            + ")", e);
      }
    }

    private static void createSchema(Connection c, SchemaScript script) throws SQLException {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(true); // each DDL statement on its own, whatever the pool's default
      try {
        script.run(c);
      } catch (SQLException e) {
        // Nodes starting together race on CREATE ... IF NOT EXISTS (PostgreSQL then reports a duplicate in its
        // catalog); once the winner is done, the script is a no-op.
        script.run(c);
      } finally {
        c.setAutoCommit(autoCommit);
      }
    }
  }
}
