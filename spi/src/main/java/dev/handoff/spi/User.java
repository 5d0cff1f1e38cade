package dev.handoff.spi;

import java.util.Objects;

/**
 * A user of the embedding server, as its {@link UserDirectory} reports it.
 *
 * <p>{@code toString()} does not print the email or name: they are personal data.
 *
 * @param id the user's stable id in the embedding server (e.g. {@code usr_…})
 * @param email the user's email address
 * @param name the user's display name, or {@code null}
 */
public record User(String id, String email, String name) {
  public User {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(email, "email");
    if (id.isBlank()) {
      throw new IllegalArgumentException("user id must not be blank");
    }
  }

  @Override
  public String toString() {
    return "User[id=" + id + ", email=<redacted>, name=" + (name == null ? "null" : "<redacted>") + "]";
  }
}
