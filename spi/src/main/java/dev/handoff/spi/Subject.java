package dev.handoff.spi;

import java.util.Objects;

/**
 * Who a session is for: decides whether the hosted page needs a sign-in.
 *
 * <ul>
 *   <li>{@link ExistingUser}: authenticated by a user the embedding server already has;</li>
 *   <li>{@link NewUser}: authenticated by details of a user that is created on first redemption, after which
 *       the session's subject becomes an {@link ExistingUser};</li>
 *   <li>{@link Anonymous}: unauthenticated; the end user signs in with a one-time code first.</li>
 * </ul>
 */
public sealed interface Subject {
  /** The unauthenticated subject. */
  Subject ANONYMOUS = new Anonymous();

  /** Whether redemption lands the end user directly in the hosted flow, without a sign-in. */
  default boolean isAuthenticated() {
    return !(this instanceof Anonymous);
  }

  /** @param userId the id of an existing user, as {@link UserDirectory#findById} knows it */
  record ExistingUser(String userId) implements Subject {
    public ExistingUser {
      Objects.requireNonNull(userId, "userId");
      if (userId.isBlank()) {
        throw new IllegalArgumentException("user id must not be blank");
      }
    }
  }

  /** @param details the user to create on first redemption */
  record NewUser(UserDetails details) implements Subject {
    public NewUser {
      Objects.requireNonNull(details, "details");
    }
  }

  /** No user yet; see {@link Subject#ANONYMOUS}. */
  record Anonymous() implements Subject {}
}
