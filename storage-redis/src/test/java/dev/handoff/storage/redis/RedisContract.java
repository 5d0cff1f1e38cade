package dev.handoff.storage.redis;

import dev.handoff.spi.SessionStore;
import dev.handoff.storage.tck.SessionStoreContract;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.BeforeEach;

/**
 * The storage conformance kit against {@link RedisSessionStore}; subclasses pick standalone Redis or the cluster.
 * Every store gets a fresh key prefix over the JVM's one connection (a connection the application owns, one of
 * the builder's ways in; its own clients are covered by {@link RedisSessionStoreTest} and
 * {@link ClusterRedisStoreTest}), and the keys of all of them are deleted after each test and property.
 */
abstract class RedisContract extends SessionStoreContract {
  private final List<String> prefixes = new ArrayList<>();

  abstract TestRedis.Mode mode();

  @BeforeEach
  @BeforeProperty
  void requireRedis() {
    TestRedis.assumeAvailable(mode());
  }

  @Override
  protected SessionStore newStore() {
    String prefix = TestRedis.newPrefix();
    prefixes.add(prefix);
    return TestRedis.sharedStore(mode(), prefix);
  }

  @Override
  protected void releaseStores() {
    if (!prefixes.isEmpty()) {
      TestRedis.deleteKeys(TestRedis.sync(mode()), prefixes);
      prefixes.clear();
    }
  }
}
