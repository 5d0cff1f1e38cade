package dev.handoff.storage.jdbc;

/** Two nodes over one PostgreSQL database. */
class PostgresMultiNodeTest extends MultiNodeScenarios {
  @Override
  TestDatabase.Kind kind() {
    return TestDatabase.Kind.POSTGRESQL;
  }
}
