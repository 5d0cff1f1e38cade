package dev.handoff.examples.spring;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs the test class only where PostgreSQL answers at {@link #URL}; otherwise skips it with the reason, or fails
 * it under {@code HANDOFF_TEST_DATABASES=required} (as CI runs).
 */
final class PostgreSQLAvailable implements ExecutionCondition {
  static final String URL = urlFromEnvironment();
  static final String USER = "postgres";

  private static String urlFromEnvironment() {
    String configured = System.getenv("HANDOFF_TEST_POSTGRES_URL");
    return configured == null || configured.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/test" : configured;
  }

  static Connection connect() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", USER);
    props.setProperty("password", "");
    props.setProperty("connectTimeout", "3");
    props.setProperty("loginTimeout", "3");
    return DriverManager.getConnection(URL, props);
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    try (Connection c = connect()) {
      c.isValid(3);
      return ConditionEvaluationResult.enabled("PostgreSQL answers at " + URL);
    } catch (SQLException e) {
      String reason = "PostgreSQL is not reachable at " + URL + " (" + e.getMessage() + ")";
      if ("required".equals(System.getenv("HANDOFF_TEST_DATABASES"))) {
        throw new AssertionError(reason + "; HANDOFF_TEST_DATABASES=required", e);
      }
      return ConditionEvaluationResult.disabled(reason + "; set HANDOFF_TEST_DATABASES=required to fail instead");
    }
  }
}
