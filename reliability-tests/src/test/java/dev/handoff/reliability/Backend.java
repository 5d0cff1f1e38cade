package dev.handoff.reliability;

/** The stores every reliability test runs on. */
enum Backend {
  MEMORY(null, null, null, null),
  H2(null, null, "sa", ""),
  POSTGRESQL("HANDOFF_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test", "postgres", ""),
  MARIADB("HANDOFF_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test", "root", ""),
  /** Standalone Redis (see {@code .ci/start-redis}). */
  REDIS("HANDOFF_TEST_REDIS_URL", "redis://127.0.0.1:6379", null, null),
  /** A Redis Cluster, reached by one seed node; the store discovers the other masters. */
  REDIS_CLUSTER("HANDOFF_TEST_REDIS_CLUSTER_URL", "redis://127.0.0.1:7101", null, null);

  final String urlVariable;
  final String defaultUrl;
  final String user;
  final String password;

  Backend(String urlVariable, String defaultUrl, String user, String password) {
    this.urlVariable = urlVariable;
    this.defaultUrl = defaultUrl;
    this.user = user;
    this.password = password;
  }

  boolean isJdbc() {
    return this == H2 || isServer();
  }

  /** Whether it is a database server reached over JDBC and the network (where connections can be cut). */
  boolean isServer() {
    return this == POSTGRESQL || this == MARIADB;
  }

  boolean isRedis() {
    return this == REDIS || this == REDIS_CLUSTER;
  }
}
