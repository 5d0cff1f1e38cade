package dev.handoff.examples.server;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A customer of a workspace, as the Customer Sessions API embeds it in its response (seed 002). The embedding
 * server's own record; the engine only sees it as a {@link dev.handoff.spi.User} with the same id.
 */
record Customer(
    UUID id,
    String workspaceId,
    Instant createdAt,
    Instant modifiedAt,
    Map<String, Object> metadata,
    String externalId,
    String email,
    boolean emailVerified,
    String name,
    Map<String, Object> billingAddress,
    String avatarUrl,
    String type) {}
