package dev.handoff.storage.redis;

/** The storage conformance kit against {@link RedisSessionStore} on a standalone Redis server. */
class StandaloneRedisContractTest extends RedisContract {
  @Override
  TestRedis.Mode mode() {
    return TestRedis.Mode.STANDALONE;
  }
}
