package dev.handoff;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.Intent;
import dev.handoff.spi.Recovery;
import dev.handoff.spi.SessionStatus;
import dev.handoff.spi.StoredSession;
import dev.handoff.spi.Subject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A hosted session as the embedding server sees it: never with its URL or token. Immutable and thread-safe.
 *
 * @param tenant the tenant that owns it
 * @param id its id, e.g. {@code csn_…}
 * @param intent what the end user comes to do
 * @param subject who it is for: an existing user, details of a user to create, or nobody yet
 * @param callbackUrl where the hosted page sends the end user back to, or {@code null}
 * @param metadata the embedding server's JSON-shaped data, as given
 * @param createdAt when it was created
 * @param modifiedAt when it last changed
 * @param expiresAt the first instant at which it is expired
 * @param status its status at the time it was read, {@link SessionStatus#EXPIRED} once its lifetime is over
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
    SessionStatus status,
    boolean singleUse,
    Theme theme,
    Locale locale,
    Recovery recovery,
    List<AccessRecord> accessLog) {

  static Session of(StoredSession s, Instant now) {
    return new Session(s.tenant(), s.id(), s.intent(), s.subject(), s.callbackUrl(), s.metadata(), s.createdAt(),
        s.modifiedAt(), s.expiresAt(), s.statusAt(now), s.singleUse(), SessionPresentation.theme(s.presentation()),
        SessionPresentation.locale(s.presentation()), s.recovery(), s.accessLog());
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
        + subject.getClass().getSimpleName() + ", status=" + status + ", expiresAt=" + expiresAt
        + (recovery.equals(Recovery.NONE) ? "" : ", recovery=" + recovery) + "]";
  }
}
