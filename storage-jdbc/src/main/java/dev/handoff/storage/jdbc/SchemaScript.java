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
 * A dialect's schema script with the table prefix filled in, split into statements. The scripts are plain SQL
 * files that operators can also run by hand or copy into their migration tool. Immutable.
 */
final class SchemaScript {
  private final List<String> statements;

  private SchemaScript(List<String> statements) {
    this.statements = List.copyOf(statements);
  }

  static SchemaScript load(Dialect dialect, String prefix) {
    String text;
    try (InputStream in = SchemaScript.class.getResourceAsStream(dialect.schemaResource())) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + dialect.schemaResource());
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var withoutComments = new StringBuilder();
    for (String line : text.split("\n")) {
      if (!line.strip().startsWith("--")) {
        withoutComments.append(line).append('\n');
      }
    }
    var statements = new ArrayList<String>();
    for (String statement : withoutComments.toString().replace("${prefix}", prefix).split(";")) {
      if (!statement.isBlank()) {
        statements.add(statement.strip());
      }
    }
    return new SchemaScript(statements);
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
