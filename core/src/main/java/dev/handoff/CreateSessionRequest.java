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
 * <pre>{@code
 * CreateSessionRequest.builder("project-1")
 *     .intent("checkoutNewSubscription", Map.of("plan", "pln_123"))
 *     .user("usr_42")                        // or .userDetails(...), or neither
 *     .callbackUrl("https://example.com/done")
 *     .ttl("30m")
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
        + ", subject=" + subject.getClass().getSimpleName() + ", ttl=" + ttl + "]";
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

    /** The session's lifetime; the engine's default when not given. Checked against the engine's bounds. */
    public Builder ttl(Duration ttl) {
      setOnce(this.ttl, "ttl");
      this.ttl = RequestFields.required(ttl, "ttl");
      return this;
    }

    /** The session's lifetime as the seeds write it: {@code "30m"}, {@code "1h"}, {@code "PT30M"}. */
    public Builder ttl(String ttl) {
      return ttl(SessionLength.parse(ttl));
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

    /** Overrides the engine's redemption policy for this session: single use, or reusable until expiry. */
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
