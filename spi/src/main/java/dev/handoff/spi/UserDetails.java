package dev.handoff.spi;

import java.util.Map;
import java.util.Objects;

/**
 * The details of a user that does not exist yet and is created, through {@link UserDirectory#create}, when the
 * end user first redeems the session's URL (the {@code userDetails} of the Gigs API).
 *
 * <p>{@code toString()} does not print the email or name: they are personal data.
 *
 * @param email the user's email address; unique per tenant in the {@link UserDirectory}
 * @param name the user's display name, or {@code null}
 * @param attributes further JSON-shaped attributes the embedding server understands (see {@link Json})
 */
public record UserDetails(String email, String name, Map<String, Object> attributes) {
  /** Longest accepted email address (RFC 5321 path limit). */
  public static final int MAX_EMAIL_LENGTH = 254;

  public UserDetails {
    Objects.requireNonNull(email, "email");
    int at = email.indexOf('@');
    if (email.length() > MAX_EMAIL_LENGTH || at < 1 || at != email.lastIndexOf('@') || at == email.length() - 1
        || email.chars().anyMatch(c -> c <= ' ')) {
      throw new IllegalArgumentException("not a plausible email address");
    }
    attributes = Json.copyOf(Objects.requireNonNull(attributes, "attributes"));
  }

  /** Details with only an email address. */
  public static UserDetails ofEmail(String email) {
    return new UserDetails(email, null, Map.of());
  }

  @Override
  public String toString() {
    return "UserDetails[email=<redacted>, name=" + (name == null ? "null" : "<redacted>")
        + ", attributes=" + attributes.keySet() + "]";
  }
}
