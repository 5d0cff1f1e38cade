package dev.handoff.storage.memory;

/** The key of a rate-limit counter: tenant and the engine's counter key. Immutable. */
record CounterKey(String tenant, String key) {}
