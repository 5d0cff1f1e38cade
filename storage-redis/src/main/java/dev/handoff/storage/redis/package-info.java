/**
 * {@link dev.handoff.storage.redis.RedisSessionStore}: sessions in Redis or Valkey (7.0 or later), standalone or
 * Redis Cluster, shared by every engine node that uses the same server. Every change is one Lua script that
 * decides and writes in one atomic server-side step; sessions expire natively.
 */
package dev.handoff.storage.redis;
