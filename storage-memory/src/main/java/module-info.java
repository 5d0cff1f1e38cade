/**
 * An in-memory {@link dev.handoff.spi.SessionStore} backed by Caffeine, for single-node deployments and tests.
 */
module dev.handoff.storage.memory {
  requires transitive dev.handoff.spi;
  requires com.github.benmanes.caffeine;

  exports dev.handoff.storage.memory;
}
