/**
 * Contracts and value types shared by the Handoff engine and its adapters.
 *
 * <p>An adapter author implements {@link dev.handoff.spi.SessionStore} (where sessions live) and the embedding
 * server implements {@link dev.handoff.spi.UserDirectory} (its users). Everything they exchange is an immutable
 * record. Failures are reported with the single unchecked {@link dev.handoff.spi.HandoffException}, whose
 * {@link dev.handoff.spi.ErrorCode} maps to an HTTP status.
 *
 * <p>Every record and enum here is immutable and thread-safe; the interfaces state what they require of their
 * implementations.
 *
 * <p>Nullability: parameters and return values are non-null unless their Javadoc says "or {@code null}".
 */
package dev.handoff.spi;
