package dev.handoff.storage.redis;

import dev.handoff.spi.SessionStore;
import dev.handoff.storage.tck.SessionStoreContract;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.BeforeEach;

/**
 * The storage conformance kit against {@link RedisSessionStore}; subclasses pick standalone Redis or the cluster.
 * Every store gets a fresh key prefix, and the keys of all of them are deleted after each test and property.
 */
abstract class RedisContract extends SessionStoreContract {
  private final List<RedisSessionStore> stores = new ArrayList<>();
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
    RedisSessionStore store = TestRedis.storeBuilder(mode(), prefix).build();
    stores.add(store);
    return store;
  }

  @Override
  protected void releaseStores() {
    stores.forEach(RedisSessionStore::close);
    stores.clear();
    if (!prefixes.isEmpty()) {
      TestRedis.deleteKeys(TestRedis.sync(mode()), prefixes);
      prefixes.clear();
    }
  }
}
