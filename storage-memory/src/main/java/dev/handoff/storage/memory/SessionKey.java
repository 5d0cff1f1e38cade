package dev.handoff.storage.memory;

/** The cache key of a session: tenant and id. Immutable. */
record SessionKey(String tenant, String id) {}
