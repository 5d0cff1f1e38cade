/**
 * The hosted flow of Handoff, framework-neutral: {@link dev.handoff.web.HostedFlow} answers
 * {@link dev.handoff.web.HostedRequest}s with {@link dev.handoff.web.HostedResponse}s, which a server adapter
 * (for example {@code handoff-servlet}) reads from and writes to its own request and response types.
 */
package dev.handoff.web;
