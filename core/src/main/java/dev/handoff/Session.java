package dev.handoff;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.Intent;
import dev.handoff.spi.Recovery;
import dev.handoff.spi.SessionClocks;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A hosted session as the embedding server sees it: never with its URL or token. Immutable and thread-safe.
 *
 * <p>A session runs on two clocks. Until its link is first opened, it lives until {@code linkExpiresAt} (the link
 * lifetime, e.g. 7 days for an emailed link). Opening it starts the second clock: the session then ends at the
 * latest {@code activeLifetime} later (its new {@code expiresAt}, e.g. 30 minutes in the page), and earlier if the
 * browser goes {@code idleTimeout} without a page load ({@code idleExpiresAt}).
 *
 * @param tenant the tenant that owns it
 * @param id its id, e.g. {@code csn_…}
 * @param intent what the end user comes to do
 * @param subject who it is for: an existing user, details of a user to create, or nobody yet
 * @param callbackUrl where the hosted page sends the end user back to, or {@code null}
 * @param metadata the embedding server's JSON-shaped data, as given
 * @param createdAt when it was created
 * @param modifiedAt when it last changed
 * @param expiresAt the first instant at which it is expired, whatever the activity: its link deadline
 *     ({@code linkExpiresAt}) until the link is first opened, then the cap on the time in the page (the first
 *     redemption plus {@code activeLifetime}). Opening a reusable link again does not move it
 * @param linkExpiresAt the first instant at which its link can no longer be opened: the deadline of the first
 *     redemption, and of any later one of a reusable link
 * @param idleTimeout how long the hosted page may go without a page load, once the link was opened
 * @param activeLifetime how long the session lasts at most from the first redemption
 * @param idleExpiresAt once the link was opened: when the browser session ends for idleness unless the browser
 *     loads a page before (its last recorded page load plus {@code idleTimeout}; a page load is recorded at most
 *     once per tenth of the idle timeout); for an ended session, when it ended or would have ended so.
 *     {@code null} while no browser session was opened. The page ends at the earlier of this and {@code expiresAt}
 * @param status its status at the time it was read, {@link SessionStatus#EXPIRED} once {@code expiresAt} passed
 * @param singleUse whether its URL can be redeemed only once
 * @param theme how the hosted page presents it, {@link Theme#DEFAULT} when not set
 * @param locale the hosted page's language, or {@code null} to follow the browser
 * @param recovery how it relates to recovery: the session it replaced ({@link Recovery#recoveredFrom()}), the one
 *     that replaced it ({@link Recovery#replacedBy()}), {@link Recovery#NONE} for most sessions
 * @param accessLog the browser steps taken in it, oldest first: when the link was redeemed, the end user signed in,
 *     or the session was recovered, from which client address (as the engine's {@link AddressPolicy} kept it)
 *     and with which user agent; at most {@link AccessRecord#MAX_RECORDS}, the first and the latest. See
 *     {@code docs/privacy.md}
 */
public record Session(
    String tenant,
    String id,
    Intent intent,
    Subject subject,
    String callbackUrl,
    Map<String, Object> metadata,
    Instant createdAt,
    Instant modifiedAt,
    Instant expiresAt,
    Instant linkExpiresAt,
    Duration idleTimeout,
    Duration activeLifetime,
    Instant idleExpiresAt,
    SessionStatus status,
    boolean singleUse,
    Theme theme,
    Locale locale,
    Recovery recovery,
    List<AccessRecord> accessLog) {

  static Session of(StoredSession s, Instant now) {
    SessionClocks clocks = s.clocks();
    return new Session(s.tenant(), s.id(), s.intent(), s.subject(), s.callbackUrl(), s.metadata(), s.createdAt(),
        s.modifiedAt(), s.expiresAt(), clocks.linkExpiresAt(), clocks.idleTimeout(), clocks.activeLifetime(),
        s.browser() == null ? null : idleExpiresAt(s), s.statusAt(now),
        s.singleUse(), SessionPresentation.theme(s.presentation()), SessionPresentation.locale(s.presentation()),
        s.recovery(), s.accessLog());
  }

  /**
   * When the browser session of {@code s} (which has one) ends for idleness: its last recorded page load plus the
   * idle timeout. {@code plusSeconds} and {@code plusNanos} add exactly what {@code Instant.plus(Duration)} adds,
   * without its dispatch through {@code TemporalAmount} and {@code ChronoUnit} on every page load.
   */
  static Instant idleExpiresAt(StoredSession s) {
    Duration idleTimeout = s.clocks().idleTimeout();
    return s.browser().lastSeenAt().plusSeconds(idleTimeout.getSeconds()).plusNanos(idleTimeout.getNano());
  }

  /**
   * Whether the session ended because its browser session went {@code idleTimeout} without a page load (rather
   * than by the end user signing out, which is {@link SessionStatus#LOGGED_OUT} too). Lets a hosted page say
   * "timed out" rather than "signed out".
   */
  public boolean endedByIdleness() {
    return status == SessionStatus.LOGGED_OUT && idleExpiresAt != null && !modifiedAt.isBefore(idleExpiresAt);
  }

  /** The callback URL, if the session has one. */
  public Optional<String> callback() {
    return Optional.ofNullable(callbackUrl);
  }

  /** The id of the session's user, if it has one yet. */
  public Optional<String> userId() {
    return subject instanceof Subject.ExistingUser u ? Optional.of(u.userId()) : Optional.empty();
  }

  /** Omits metadata and personal data. */
  @Override
  public String toString() {
    return "Session[tenant=" + tenant + ", id=" + id + ", intent=" + intent.type() + ", subject="
        + subject.getClass().getSimpleName() + ", status=" + status + ", linkExpiresAt=" + linkExpiresAt
        + ", expiresAt=" + expiresAt + (recovery.equals(Recovery.NONE) ? "" : ", recovery=" + recovery) + "]";
  }
}
