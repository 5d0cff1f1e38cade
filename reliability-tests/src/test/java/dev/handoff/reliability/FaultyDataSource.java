package dev.handoff.reliability;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} between a store and its pool that injects real faults at random points, with probability
 * {@link #probability(double)} per point while {@linkplain #enabled(boolean) enabled}:
 * <ul>
 *   <li>{@link Fault#REFUSED}: {@code getConnection} fails, as when the database refuses connections;</li>
 *   <li>{@link Fault#DROPPED_AFTER_SEND}: a statement runs on the database, then the connection is aborted before
 *       the answer arrives (its transaction, uncommitted, is rolled back by the server);</li>
 *   <li>{@link Fault#COMMIT_THEN_ERROR}: the commit happens, then the connection is aborted and the caller gets an
 *       error: the outcome is unknown to it, though the write landed;</li>
 *   <li>{@link Fault#STALL}: the database sleeps on the connection ({@code pg_sleep} / {@code SLEEP}) under the
 *       statement's own query timeout, so only the store's timeout ends the wait.</li>
 * </ul>
 * Thread-safe.
 */
final class FaultyDataSource implements DataSource, Faults {
  enum Fault { REFUSED, DROPPED_AFTER_SEND, COMMIT_THEN_ERROR, STALL }

  private static final Set<String> EXECUTE = Set.of("execute", "executeQuery", "executeUpdate", "executeBatch");

  private final DataSource delegate;
  private final Backend backend;
  private final SplittableRandom random;
  private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);
  private volatile boolean enabled;
  private volatile double probability = 0.05;

  FaultyDataSource(DataSource delegate, Backend backend, long seed) {
    this.delegate = delegate;
    this.backend = backend;
    this.random = new SplittableRandom(seed);
    for (Fault fault : Fault.values()) {
      injected.put(fault, new AtomicInteger());
    }
  }

  @Override
  public void enabled(boolean enabled) {
    this.enabled = enabled;
  }

  void probability(double probability) {
    this.probability = probability;
  }

  @Override
  public Map<Fault, Integer> injected() {
    var counts = new EnumMap<Fault, Integer>(Fault.class);
    injected.forEach((fault, n) -> counts.put(fault, n.get()));
    return counts;
  }

  private boolean strikes(Fault fault) {
    if (!enabled) {
      return false;
    }
    double draw;
    synchronized (random) {
      draw = random.nextDouble();
    }
    if (draw >= probability) {
      return false;
    }
    injected.get(fault).incrementAndGet();
    return true;
  }

  @Override
  public Connection getConnection() throws SQLException {
    if (strikes(Fault.REFUSED)) {
      throw new SQLTransientConnectionException("injected: connection refused", "08001");
    }
    return wrap(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the reliability tests use the pool's credentials");
  }

  private Connection wrap(Connection real) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getName().equals("commit") && strikes(Fault.COMMIT_THEN_ERROR)) {
        real.commit();
        abort(real);
        throw new SQLNonTransientConnectionException("injected: connection lost after commit", "08006");
      }
      Object result = invoke(real, method, args);
      if (result instanceof PreparedStatement ps) {
        return wrap(real, ps);
      }
      return result;
    };
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
        handler);
  }

  private PreparedStatement wrap(Connection connection, PreparedStatement real) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (EXECUTE.contains(method.getName())) {
        if (backend.isServer() && strikes(Fault.STALL)) {
          stall(connection, real.getQueryTimeout());
        }
        if (strikes(Fault.DROPPED_AFTER_SEND)) {
          invoke(real, method, args);
          abort(connection);
          throw new SQLNonTransientConnectionException("injected: connection lost after the statement was sent",
              "08006");
        }
      }
      return invoke(real, method, args);
    };
    return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {PreparedStatement.class}, handler);
  }

  /** The database goes silent on this connection for longer than the statement may take. */
  private void stall(Connection connection, int timeoutSeconds) throws SQLException {
    String sleep = backend == Backend.POSTGRESQL ? "SELECT pg_sleep(30)" : "SELECT SLEEP(30)";
    try (Statement st = connection.createStatement()) {
      st.setQueryTimeout(timeoutSeconds);
      st.execute(sleep);
    }
    // MariaDB ends an interrupted SLEEP() without an error: the caller still must not get its answer.
    throw new SQLTransientConnectionException("injected: the database stalled beyond the timeout", "08006");
  }

  /**
   * Drops the connection for real, and tells the pool, as it learns when a driver error passes through it: a
   * broken connection is never handed out again.
   */
  private void abort(Connection connection) throws SQLException {
    connection.abort(Runnable::run);
    if (delegate instanceof HikariDataSource pool) {
      pool.evictConnection(connection);
    }
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return delegate.isWrapperFor(iface);
  }
}
