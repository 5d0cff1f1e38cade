package dev.handoff;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.Intent;
import dev.handoff.spi.Subject;
import dev.handoff.spi.UserDetails;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What the embedding server asks for when it creates a hosted session. Build one with {@link #builder(String)};
 * the engine validates it in {@link Handoff#create}. Immutable and thread-safe.
 *
 * <p>A session has two clocks (see {@link Session}): the link lifetime ({@link Builder#ttl}), how long the link may
 * wait to be opened for the first time; and, from that first redemption on, the time in the hosted page, capped by
 * {@link Builder#activeLifetime} and ended earlier by {@link Builder#idleTimeout} without a page load. Each is
 * optional, takes the engine's default, and must lie within the engine's bounds (see {@link Handoff.Builder}).
 *
 * <pre>{@code
 * CreateSessionRequest.builder("project-1")
 *     .intent("checkoutNewSubscription", Map.of("plan", "pln_123"))
 *     .user("usr_42")                        // or .userDetails(...), or neither
 *     .callbackUrl("https://example.com/done")
 *     .ttl("7d")                             // the link may wait a week in an inbox…
 *     .activeLifetime("30m")                 // …and gives 30 minutes in the page once opened
 *     .theme(new Theme("Acme Mobile", "https://cdn.acme.example/logo.svg", "#286efa"))
 *     .locale("de-DE")
 *     .build();
 * }</pre>
 */
public final class CreateSessionRequest {
  final String tenant;
  final Intent intent;
  final Subject subject;
  final String callbackUrl;
  final Map<String, Object> metadata;
  final Duration ttl;
  final Duration idleTimeout;
  final Duration activeLifetime;
  final String idempotencyKey;
  final Boolean singleUse;
  final Theme theme;
  final Locale locale;

  private CreateSessionRequest(Builder b) {
    this.tenant = b.tenant;
    this.intent = b.intent;
    this.subject = b.subject;
    this.callbackUrl = b.callbackUrl;
    this.metadata = b.metadata;
    this.ttl = b.ttl;
    this.idleTimeout = b.idleTimeout;
    this.activeLifetime = b.activeLifetime;
    this.idempotencyKey = b.idempotencyKey;
    this.singleUse = b.singleUse;
    this.theme = b.theme;
    this.locale = b.locale;
  }

  /** Starts a request for {@code tenant} (a Gigs project, an Apideck app and consumer, a workspace…). */
  public static Builder builder(String tenant) {
    return new Builder(tenant);
  }

  @Override
  public String toString() {
    return "CreateSessionRequest[tenant=" + tenant + ", intent=" + (intent == null ? null : intent.type())
        + ", subject=" + subject.getClass().getSimpleName() + ", ttl=" + ttl + ", idleTimeout=" + idleTimeout
        + ", activeLifetime=" + activeLifetime + "]";
  }

  /**
   * Builds a {@link CreateSessionRequest}. Each property may be set once, and only one of {@link #user} and
   * {@link #userDetails}; a second call fails at once with {@link ErrorCode#INVALID_REQUEST}, as does a malformed
   * value. Not thread-safe.
   */
  public static final class Builder {
    private final String tenant;
    private Intent intent;
    private Subject subject = Subject.ANONYMOUS;
    private String callbackUrl;
    private Map<String, Object> metadata = Map.of();
    private Duration ttl;
    private Duration idleTimeout;
    private Duration activeLifetime;
    private String idempotencyKey;
    private Boolean singleUse;
    private Theme theme;
    private Locale locale;
    private boolean subjectSet;
    private boolean metadataSet;

    private Builder(String tenant) {
      this.tenant = tenant;
    }

    /** Required: what the end user comes to do. */
    public Builder intent(Intent intent) {
      setOnce(this.intent, "intent");
      this.intent = RequestFields.intent(intent);
      return this;
    }

    /** Required: what the end user comes to do, as a type name and a JSON-shaped payload. */
    public Builder intent(String type, Map<String, ?> payload) {
      return intent(RequestFields.intent(type, payload));
    }

    /** Authenticates the session as the existing user with this id. */
    public Builder user(String userId) {
      return subject(RequestFields.existingUser(userId));
    }

    /** Authenticates the session as a new user, created from these details on first redemption. */
    public Builder userDetails(UserDetails details) {
      return subject(new Subject.NewUser(RequestFields.userDetails(details)));
    }

    private Builder subject(Subject subject) {
      if (subjectSet) {
        throw new HandoffException(ErrorCode.INVALID_REQUEST, "give at most one of user and userDetails");
      }
      subjectSet = true;
      this.subject = subject;
      return this;
    }

    /** Where the hosted page sends the end user back to: {@code https} (or {@code http} on localhost). */
    public Builder callbackUrl(String callbackUrl) {
      setOnce(this.callbackUrl, "callbackUrl");
      this.callbackUrl = CallbackUrl.validate(RequestFields.required(callbackUrl, "callbackUrl"));
      return this;
    }

    /** JSON-shaped data stored with the session and returned as is. */
    public Builder metadata(Map<String, ?> metadata) {
      if (metadataSet) {
        throw new HandoffException(ErrorCode.INVALID_REQUEST, "metadata given twice");
      }
      metadataSet = true;
      this.metadata = RequestFields.json(metadata, "metadata");
      return this;
    }

    /**
     * The link lifetime: how long the link may wait to be opened for the first time, e.g. a week for a link sent by
     * email; the engine's {@linkplain Handoff.Builder#defaultTtl default} when not given, and within
     * {@link Handoff#MIN_TTL} to {@linkplain Handoff.Builder#maxTtl its maximum}. Once opened, the session runs on
     * its second clock ({@link #activeLifetime}, {@link #idleTimeout}).
     */
    public Builder ttl(Duration ttl) {
      setOnce(this.ttl, "ttl");
      this.ttl = RequestFields.required(ttl, "ttl");
      return this;
    }

    /** The link lifetime as the seeds write it: {@code "30m"}, {@code "1h"}, {@code "7d"}, {@code "PT30M"}. */
    public Builder ttl(String ttl) {
      return ttl(SessionLength.parse(ttl));
    }

    /**
     * How long the hosted page may go without a page load once the link was opened before its browser session ends;
     * the engine's {@linkplain Handoff.Builder#idleTimeout default} when not given, and within
     * {@link Handoff#MIN_IDLE_TIMEOUT} to {@linkplain Handoff.Builder#maxIdleTimeout its maximum}.
     */
    public Builder idleTimeout(Duration idleTimeout) {
      setOnce(this.idleTimeout, "idleTimeout");
      this.idleTimeout = RequestFields.required(idleTimeout, "idleTimeout");
      return this;
    }

    /** The idle timeout as text: {@code "10m"}, {@code "PT10M"}; see {@link #idleTimeout(Duration)}. */
    public Builder idleTimeout(String idleTimeout) {
      return idleTimeout(SessionLength.parse(idleTimeout));
    }

    /**
     * The absolute cap on the time in the hosted page: the session ends this long after the link was first opened,
     * whatever the activity. The engine's {@linkplain Handoff.Builder#defaultActiveLifetime default} when not
     * given, and within {@link Handoff#MIN_ACTIVE_LIFETIME} to {@linkplain Handoff.Builder#maxActiveLifetime its
     * maximum}.
     */
    public Builder activeLifetime(Duration activeLifetime) {
      setOnce(this.activeLifetime, "activeLifetime");
      this.activeLifetime = RequestFields.required(activeLifetime, "activeLifetime");
      return this;
    }

    /** The active lifetime as text: {@code "30m"}, {@code "PT30M"}; see {@link #activeLifetime(Duration)}. */
    public Builder activeLifetime(String activeLifetime) {
      return activeLifetime(SessionLength.parse(activeLifetime));
    }

    /**
     * A client-chosen key that makes the create idempotent within the tenant: a retry with the same key and the
     * same request within 24 hours returns the same session with a freshly minted URL (the earlier one stops
     * working); the same key with a different request is a {@link ErrorCode#CONFLICT}.
     */
    public Builder idempotencyKey(String idempotencyKey) {
      setOnce(this.idempotencyKey, "idempotencyKey");
      this.idempotencyKey = RequestFields.idempotencyKey(idempotencyKey);
      return this;
    }

    /**
     * Overrides the engine's redemption policy for this session: single use, or reusable. A reusable link opens the
     * session again, each time into a new browser session that replaces the earlier one, until its link deadline
     * or the session's end, whichever comes first. Opening it again does not extend the session: its cap counts
     * from the first redemption.
     */
    public Builder singleUse(boolean singleUse) {
      setOnce(this.singleUse, "singleUse");
      this.singleUse = singleUse;
      return this;
    }

    /** How the hosted page presents this session: product name, logo, primary colour (validated on creation). */
    public Builder theme(Theme theme) {
      setOnce(this.theme, "theme");
      this.theme = RequestFields.required(theme, "theme");
      return this;
    }

    /**
     * The language of the hosted page for this session; without one, the page follows the browser's
     * {@code Accept-Language}. A BCP 47 tag with a language, at most 35 characters.
     */
    public Builder locale(Locale locale) {
      setOnce(this.locale, "locale");
      this.locale = SessionPresentation.checkLocale(RequestFields.required(locale, "locale"));
      return this;
    }

    /** The page's language as a BCP 47 tag, e.g. {@code "de-DE"}; see {@link #locale(Locale)}. */
    public Builder locale(String languageTag) {
      return locale(SessionPresentation.parseLocale(languageTag));
    }

    private static void setOnce(Object current, String name) {
      if (current != null) {
        throw new HandoffException(ErrorCode.INVALID_REQUEST, name + " given twice");
      }
    }

    /** @throws HandoffException {@link ErrorCode#INVALID_REQUEST} if the tenant or the intent is missing */
    public CreateSessionRequest build() {
      RequestFields.tenant(tenant);
      if (intent == null) {
        throw new HandoffException(ErrorCode.INVALID_REQUEST, "intent is required");
      }
      return new CreateSessionRequest(this);
    }
  }
}
