package dev.handoff;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.Intent;
import dev.handoff.spi.Subject;
import dev.handoff.spi.UserDetails;
import java.util.Locale;
import java.util.Map;

/**
 * A partial change of a session (the PATCH of the Gigs API): only what is set changes. Changing the user mints a
 * new URL and invalidates the earlier one; any other change keeps the URL. Immutable and thread-safe.
 */
public final class UpdateSessionRequest {
  final String callbackUrl;
  final Map<String, Object> metadata;
  final Subject subject;
  final Intent intent;
  final Theme theme;
  final Locale locale;

  private UpdateSessionRequest(Builder b) {
    this.intent = b.intent;
    this.theme = b.theme;
    this.locale = b.locale;
    this.callbackUrl = b.callbackUrl;
    this.metadata = b.metadata;
    this.subject = b.subject;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether this request changes the session's user, which re-mints its URL. */
  public boolean changesUser() {
    return subject != null;
  }

  /** Whether this request changes nothing at all. */
  boolean isEmpty() {
    return callbackUrl == null && metadata == null && subject == null && intent == null && theme == null
        && locale == null;
  }

  @Override
  public String toString() {
    return "UpdateSessionRequest[intent=" + (intent == null ? null : intent.type()) + ", callbackUrl="
        + (callbackUrl != null) + ", metadata=" + (metadata != null) + ", user=" + (subject != null) + "]";
  }

  /**
   * Builds an {@link UpdateSessionRequest}; each property may be set once, and only one of {@link #user} and
   * {@link #userDetails}, else {@link ErrorCode#INVALID_REQUEST}. Not thread-safe.
   */
  public static final class Builder {
    private String callbackUrl;
    private Map<String, Object> metadata;
    private Subject subject;
    private Intent intent;
    private Theme theme;
    private Locale locale;

    private Builder() {}

    /**
     * Replaces the intent (checked against the engine's registry); allowed only before the URL is redeemed, so
     * that an end user is never switched to another task mid-flow. Keeps the URL.
     */
    public Builder intent(String type, Map<String, ?> payload) {
      once(this.intent, "intent");
      this.intent = RequestFields.intent(type, payload);
      return this;
    }

    /** Replaces the callback URL (same rule as on create). */
    public Builder callbackUrl(String callbackUrl) {
      once(this.callbackUrl, "callbackUrl");
      this.callbackUrl = CallbackUrl.validate(RequestFields.required(callbackUrl, "callbackUrl"));
      return this;
    }

    /** Replaces the metadata. */
    public Builder metadata(Map<String, ?> metadata) {
      once(this.metadata, "metadata");
      this.metadata = RequestFields.json(metadata, "metadata");
      return this;
    }

    /** Replaces the theme; {@link Theme#DEFAULT} removes it. Keeps the URL. */
    public Builder theme(Theme theme) {
      once(this.theme, "theme");
      this.theme = RequestFields.required(theme, "theme");
      return this;
    }

    /** Replaces the page's language (same rule as on create). Keeps the URL. */
    public Builder locale(Locale locale) {
      once(this.locale, "locale");
      this.locale = SessionPresentation.checkLocale(RequestFields.required(locale, "locale"));
      return this;
    }

    /** Replaces the page's language, as a BCP 47 tag. */
    public Builder locale(String languageTag) {
      return locale(SessionPresentation.parseLocale(languageTag));
    }

    /** Associates the session with this existing user. */
    public Builder user(String userId) {
      once(this.subject, "user");
      this.subject = RequestFields.existingUser(userId);
      return this;
    }

    /** Associates the session with a user to be created from these details on first redemption. */
    public Builder userDetails(UserDetails details) {
      once(this.subject, "user");
      this.subject = new Subject.NewUser(RequestFields.userDetails(details));
      return this;
    }

    private static void once(Object current, String name) {
      if (current != null) {
        throw new HandoffException(ErrorCode.INVALID_REQUEST, name + " given twice");
      }
    }

    public UpdateSessionRequest build() {
      return new UpdateSessionRequest(this);
    }
  }
}
