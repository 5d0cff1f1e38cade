package dev.handoff.storage.redis;

/** The storage conformance kit against {@link RedisSessionStore} on a three-master Redis Cluster. */
class ClusterRedisContractTest extends RedisContract {
  @Override
  TestRedis.Mode mode() {
    return TestRedis.Mode.CLUSTER;
  }
}
