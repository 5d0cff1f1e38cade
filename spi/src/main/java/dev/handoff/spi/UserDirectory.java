package dev.handoff.spi;

import java.util.Optional;

/**
 * The engine's link to the embedding server's users. Implemented by the embedding server; must be safe for
 * concurrent use. Every method is scoped to a tenant: a user of one tenant does not exist for another.
 */
public interface UserDirectory {

  /** The user with this id in this tenant, or empty. */
  Optional<User> findById(String tenant, String userId);

  /**
   * The user with this email in this tenant, or empty. Email addresses compare as the directory defines
   * (typically case-insensitively).
   */
  Optional<User> findByEmail(String tenant, String email);

  /**
   * Creates a user from {@code details}.
   *
   * @throws HandoffException {@link ErrorCode#UNPROCESSABLE} if the email is already taken in this tenant
   */
  User create(String tenant, UserDetails details);
}
