/**
 * The Handoff engine's API. Start with {@link dev.handoff.Handoff#builder()}.
 *
 * <p>Server side: {@link dev.handoff.Handoff#create}, {@link dev.handoff.Handoff#get},
 * {@link dev.handoff.Handoff#list}, {@link dev.handoff.Handoff#update}, {@link dev.handoff.Handoff#revoke}.
 * Hosted-page side: {@link dev.handoff.Handoff#redeem} (the URL token), then
 * {@link dev.handoff.Handoff#authenticate} on every request with the browser-session secret, the one-time-code
 * sign-in ({@link dev.handoff.Handoff#startLogin}, {@link dev.handoff.Handoff#verifyLogin}) for unauthenticated
 * sessions, and {@link dev.handoff.Handoff#completeFromBrowser} or {@link dev.handoff.Handoff#logout}.
 *
 * <p>Every type here is immutable and thread-safe, except the request and engine builders, which are meant for
 * one thread. Nullability: parameters and return values are non-null unless their Javadoc says "or {@code null}".
 * Implementation classes are package-private beside the API.
 */
package dev.handoff;
