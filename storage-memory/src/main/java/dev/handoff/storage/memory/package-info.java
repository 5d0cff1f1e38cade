/**
 * {@link dev.handoff.storage.memory.CaffeineSessionStore}: sessions kept in a bounded Caffeine cache of one
 * JVM. Nothing survives a restart and nothing is shared between nodes; use a database-backed store for that.
 */
package dev.handoff.storage.memory;
