package dev.handoff.storage.jdbc;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.sql.SQLException;

/**
 * Turns an {@link SQLException} into the {@link HandoffException} the SPI promises, by SQLState class. The
 * message names the operation and the SQLState only: driver messages may quote stored values. Stateless.
 */
final class SqlFailures {
  private SqlFailures() {}

  /** Integrity constraint violation (duplicate key): SQLState class 23. */
  static boolean isConstraintViolation(SQLException e) {
    return sqlStateClass(e).equals("23");
  }

  /** Serialization failure or deadlock: SQLState class 40. The transaction was rolled back; a retry may pass. */
  static boolean isTransactionRollback(SQLException e) {
    return sqlStateClass(e).equals("40");
  }

  /**
   * {@link ErrorCode#INVALID_REQUEST} for a value the database rejects (SQLState class 22: too long, a character
   * it cannot store), otherwise {@link ErrorCode#STORAGE_UNAVAILABLE}, both with {@code e} as the cause.
   */
  static HandoffException translate(String operation, SQLException e) {
    String state = e.getSQLState();
    if (sqlStateClass(e).equals("22")) {
      return new HandoffException(ErrorCode.INVALID_REQUEST,
          "the database rejected a value while trying to " + operation + " (SQLState " + state + ")", e);
    }
    return new HandoffException(ErrorCode.STORAGE_UNAVAILABLE,
        "the session database failed to " + operation + " (SQLState " + state + ")", e);
  }

  private static String sqlStateClass(SQLException e) {
    // Drivers sometimes wrap the server's error: the first SQLState in the chain decides.
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().length() >= 2) {
        return sql.getSQLState().substring(0, 2);
      }
    }
    return "";
  }
}
