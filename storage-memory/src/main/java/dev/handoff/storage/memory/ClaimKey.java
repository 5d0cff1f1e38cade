package dev.handoff.storage.memory;

/** The key of an idempotency claim: tenant and idempotency key. Immutable. */
record ClaimKey(String tenant, String idempotencyKey) {}
