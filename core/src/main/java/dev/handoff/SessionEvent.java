package dev.handoff;

import java.time.Instant;

/**
 * Something that happened to a session, delivered to every {@link SessionListener}. Carries no token, URL or
 * personal data. Immutable and thread-safe.
 *
 * @param type what happened
 * @param session the session right after it happened
 * @param at when it happened, by the engine's clock
 */
public record SessionEvent(Type type, Session session, Instant at) {
  /** The kinds of event. */
  public enum Type {
    CREATED,
    UPDATED,
    REDEEMED,
    /** An unauthenticated session's end user signed in with a one-time code. */
    SIGNED_IN,
    COMPLETED,
    /** The end user logged out of the hosted page, or its browser session timed out for idleness. */
    LOGGED_OUT,
    REVOKED,
    /** Published once, by the engine that first notices that a session's lifetime ended while it was in use. */
    EXPIRED,
    /**
     * A sign-in code could not be handed to the {@code OtpSender}: it threw, or the executor refused the send. The
     * end user may ask for another code. Published on the sending thread.
     */
    CODE_NOT_SENT,
    /**
     * Published by recovery, on the replacement: the end user continued an expired, used or ended session by
     * email, and this new session replaced it; {@code session().recovery().recoveredFrom()} names the original.
     */
    RECOVERED
  }
}
