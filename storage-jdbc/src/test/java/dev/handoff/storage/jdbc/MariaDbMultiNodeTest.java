package dev.handoff.storage.jdbc;

/** Two nodes over one MariaDB database. */
class MariaDbMultiNodeTest extends MultiNodeScenarios {
  @Override
  TestDatabase.Kind kind() {
    return TestDatabase.Kind.MARIADB;
  }
}
