/**
 * A {@link dev.handoff.spi.SessionStore} over any {@link javax.sql.DataSource}: PostgreSQL, MariaDB/MySQL and H2.
 */
module dev.handoff.storage.jdbc {
  requires transitive dev.handoff.spi;
  requires transitive java.sql;

  exports dev.handoff.storage.jdbc;
}
