package dev.handoff;

import java.time.Instant;

/**
 * Something that happened to a session, delivered to every {@link SessionListener}. Carries no token, URL, browser
 * secret or one-time code, nor the address a sign-in code was sent to: the session as {@link Handoff#get} shows
 * it. Immutable and thread-safe.
 *
 * <p>Each session's end is published once: {@link Type#COMPLETED}, {@link Type#REVOKED}, {@link Type#LOGGED_OUT}
 * or {@link Type#EXPIRED}, each by the one write that made the session so, whatever the number of nodes.
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
    /**
     * The end user logged out of the hosted page, or its browser session timed out for idleness (then followed by
     * {@link #ABANDONED}; {@link Session#endedByIdleness()} tells the two apart).
     */
    LOGGED_OUT,
    REVOKED,
    /**
     * The session's time ran out (its link was never opened, or its time in the page ended) without a final status.
     * Published exactly once per session, by whichever engine marks it expired first: {@link Handoff#sweep} on any
     * node, or an operation that notices the expiry on a read.
     */
    EXPIRED,
    /**
     * A sign-in code could not be handed to the {@code OtpSender}: it threw, or the executor refused the send. The
     * end user may ask for another code. Published on the sending thread.
     */
    CODE_NOT_SENT,
    /**
     * The session had been redeemed but ended by time without being completed: its time in the page ran out
     * (right after {@link #EXPIRED}) or its browser session timed out for idleness (right after
     * {@link #LOGGED_OUT}). Not published when the end user signs out or the session is revoked. At most once per
     * session.
     */
    ABANDONED,
    /**
     * A one-time code was requested for an unauthenticated session, or to recover a session (for a known or unknown
     * email alike).
     */
    SIGN_IN_STARTED,
    /** A wrong one-time code was entered; it used up one attempt. */
    SIGN_IN_FAILED,
    /**
     * Sign-in was locked: a wrong code used up the current code's last attempt (once per code, right after
     * {@link #SIGN_IN_FAILED}), or a request for a code was refused by a send limit of the session, the address or
     * the tenant (each time).
     */
    SIGN_IN_LOCKED,
    /**
     * Published by recovery, on the replacement: an expired, used or ended session was replaced, after its end
     * user signed in by email, by this new session with the same intent; {@code session().recovery()
     * .recoveredFrom()} names the original.
     */
    RECOVERED
  }
}
