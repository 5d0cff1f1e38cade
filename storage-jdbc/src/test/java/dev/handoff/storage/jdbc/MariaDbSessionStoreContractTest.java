package dev.handoff.storage.jdbc;

import dev.handoff.spi.SessionStore;
import dev.handoff.storage.tck.SessionStoreContract;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.BeforeEach;

/** The storage conformance kit against {@link JdbcSessionStore} on MariaDB. */
class MariaDbSessionStoreContractTest extends SessionStoreContract {
  private final TestDatabase database = TestDatabase.of(TestDatabase.Kind.MARIADB);

  @BeforeEach
  @BeforeProperty
  void requireDatabase() {
    database.assumeAvailable();
  }

  @Override
  protected SessionStore newStore() {
    return database.newStoreMigratedByFlyway(); // the kit on the schema as Flyway applies it
  }

  @Override
  protected void releaseStores() {
    database.close();
  }
}
