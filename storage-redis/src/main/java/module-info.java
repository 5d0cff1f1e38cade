/**
 * A {@link dev.handoff.spi.SessionStore} on Redis or Valkey, standalone or cluster, through Lettuce.
 */
module dev.handoff.storage.redis {
  requires transitive dev.handoff.spi;
  requires lettuce.core;

  exports dev.handoff.storage.redis;
}
