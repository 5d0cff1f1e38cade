package dev.handoff.storage.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A dialect's migration files, in version order, with the table prefix filled in and split into statements:
 * what {@link JdbcSessionStore.Builder#createSchemaIfMissing()} runs. The files are the very ones Flyway (or an
 * operator, or another migration tool) applies from {@link JdbcSessionStore#MIGRATION_LOCATION}. Immutable.
 */
final class SchemaScript {
  /**
   * Every migration file of each dialect, in version order. A new migration is added here and in each dialect's
   * folder (a test compares the two); like V1 it must be safe to run again ({@code IF NOT EXISTS}), because
   * {@code createSchemaIfMissing()} keeps no history and runs them all at every start.
   */
  static final List<String> MIGRATIONS = List.of("V1__handoff_sessions.sql", "V2__handoff_lifecycle.sql");

  private final List<String> statements;

  private SchemaScript(List<String> statements) {
    this.statements = List.copyOf(statements);
  }

  static SchemaScript load(Dialect dialect, String prefix) {
    var statements = new ArrayList<String>();
    for (String migration : MIGRATIONS) {
      String resource = "/" + dialect.migrationFolder() + "/" + migration;
      String text;
      try (InputStream in = SchemaScript.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + resource);
        }
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      statements.addAll(split(text.replace(JdbcSessionStore.TABLE_PREFIX_PLACEHOLDER, prefix)));
    }
    return new SchemaScript(statements);
  }

  /** The statements of a file: comment lines dropped, split at {@code ;} (the files use no other). */
  private static List<String> split(String text) {
    var withoutComments = new StringBuilder();
    for (String line : text.split("\n")) {
      if (!line.strip().startsWith("--")) {
        withoutComments.append(line).append('\n');
      }
    }
    var statements = new ArrayList<String>();
    for (String statement : withoutComments.toString().split(";")) {
      if (!statement.isBlank()) {
        statements.add(statement.strip());
      }
    }
    return statements;
  }

  List<String> statements() {
    return statements;
  }

  /** Runs every statement, each committed on its own; they are all {@code IF NOT EXISTS}. */
  void run(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
