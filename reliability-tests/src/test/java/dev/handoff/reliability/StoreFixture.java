package dev.handoff.reliability;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.StoredSession;
import dev.handoff.storage.jdbc.JdbcSessionStore;
import dev.handoff.storage.memory.CaffeineSessionStore;
import java.lang.reflect.RecordComponent;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;

/**
 * One test's store on one {@link Backend}: for databases, a pool and tables with a random prefix (the databases
 * are shared), dropped by {@link #close()}. An unreachable database skips the test with the reason, or fails it
 * under {@code HANDOFF_TEST_DATABASES=required}. Not thread-safe to open or close; the store itself is.
 */
final class StoreFixture implements AutoCloseable {
  /** The statement timeout the reliability tests give the JDBC store: short, so faults resolve quickly. */
  static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(1);

  private final Backend backend;
  private final String prefix = "r" + random() + "_";
  private String url;
  private HikariDataSource pool;
  private final List<HikariDataSource> otherNodes = new ArrayList<>();
  private final SessionStore store;

  private StoreFixture(Backend backend, UnaryOperator<DataSource> wrap) {
    this.backend = backend;
    if (backend == Backend.MEMORY) {
      store = CaffeineSessionStore.builder().retention(Duration.ofDays(1)).build();
      return;
    }
    url = backend == Backend.H2 ? "jdbc:h2:mem:" + random() + ";DB_CLOSE_DELAY=-1" : url(backend);
    assumeReachable(backend, url);
    pool = pool("reliability-" + backend + "-" + prefix);
    store = JdbcSessionStore.builder(wrap.apply(pool)).tablePrefix(prefix).statementTimeout(STATEMENT_TIMEOUT)
        .createSchemaIfMissing().build();
  }

  private HikariDataSource pool(String name) {
    var config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(backend.user);
    config.setPassword(backend.password);
    config.setMaximumPoolSize(10);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(3_000);
    config.setValidationTimeout(1_000);
    config.setPoolName(name);
    return new HikariDataSource(config);
  }

  static StoreFixture open(Backend backend) {
    return new StoreFixture(backend, UnaryOperator.identity());
  }

  /** A JDBC store whose data source is {@code wrap}ped, e.g. to inject faults; the schema is created through it. */
  static StoreFixture open(Backend backend, UnaryOperator<DataSource> wrap) {
    return new StoreFixture(backend, wrap);
  }

  Backend backend() {
    return backend;
  }

  SessionStore store() {
    return store;
  }

  /**
   * The store of another engine node over the same data, as a second node would open it: for a database, a store
   * with its own pool on the same tables (closed with this fixture); the memory store is shared as is.
   */
  SessionStore otherNode() {
    if (backend == Backend.MEMORY) {
      return store;
    }
    var other = pool("reliability-" + backend + "-" + prefix + "node" + (otherNodes.size() + 2));
    otherNodes.add(other);
    return JdbcSessionStore.builder(other).tablePrefix(prefix).statementTimeout(STATEMENT_TIMEOUT).build();
  }

  /**
   * Every stored value as text: for a database, every column of every row of both tables, read directly; for
   * the memory store, every component of every session of {@code tenants} (no {@code toString} redaction).
   */
  List<String> everyStoredValue(Collection<String> tenants) {
    var values = new ArrayList<String>();
    if (backend == Backend.MEMORY) {
      for (String tenant : tenants) {
        for (StoredSession s : store.list(tenant, null, Integer.MAX_VALUE).sessions()) {
          for (RecordComponent component : StoredSession.class.getRecordComponents()) {
            try {
              values.add(String.valueOf(component.getAccessor().invoke(s)));
            } catch (ReflectiveOperationException e) {
              throw new IllegalStateException(e);
            }
          }
        }
      }
      return values;
    }
    for (String table : List.of(prefix + "sessions", prefix + "counters")) {
      try (Connection c = pool.getConnection(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          for (int i = 1; i <= columns; i++) {
            values.add(rs.getString(i));
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException("cannot read " + table, e);
      }
    }
    return values;
  }

  @Override
  public void close() {
    if (pool == null) {
      return;
    }
    try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + prefix + "sessions");
      st.execute("DROP TABLE IF EXISTS " + prefix + "counters");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop the test tables", e);
    } finally {
      otherNodes.forEach(HikariDataSource::close);
      pool.close();
      pool = null;
    }
  }

  private static String url(Backend backend) {
    String configured = System.getenv(backend.urlVariable);
    return configured == null || configured.isBlank() ? backend.defaultUrl : configured;
  }

  /** Skips the test (or fails it when databases are required) if the database cannot be reached. */
  private static void assumeReachable(Backend backend, String url) {
    if (!backend.isServer()) {
      return;
    }
    var props = new Properties();
    props.setProperty("user", backend.user);
    props.setProperty("password", backend.password);
    props.setProperty("connectTimeout", backend == Backend.MARIADB ? "3000" : "3");
    try (Connection c = DriverManager.getConnection(url, props)) {
      c.isValid(3);
    } catch (SQLException e) {
      String reason = backend + " is not reachable at " + url + " (" + e.getMessage() + ")";
      if ("required".equals(System.getenv("HANDOFF_TEST_DATABASES"))) {
        throw new AssertionError(reason + "; HANDOFF_TEST_DATABASES=required", e);
      }
      Assumptions.abort(reason + "; set HANDOFF_TEST_DATABASES=required to fail instead");
    }
  }

  private static String random() {
    byte[] bytes = new byte[6];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
