package dev.handoff.benchmarks;

import dev.handoff.CreateSessionRequest;
import dev.handoff.Handoff;
import dev.handoff.IntentRegistry;
import dev.handoff.IntentType;
import dev.handoff.KeyRing;
import dev.handoff.spi.SessionStore;
import dev.handoff.spi.User;
import dev.handoff.spi.UserDetails;
import dev.handoff.spi.UserDirectory;
import java.util.Map;
import java.util.Optional;

/**
 * The seed-sized session every benchmark uses: the Gigs example (seed 000), an authenticated
 * {@code checkoutNewSubscription} session for an existing user with a callback URL, on an engine configured as the
 * Gigs example server configures it.
 */
final class GigsSession {
  static final String TENANT = "gigs:project-1";
  static final String USER_ID = "usr_0U2ViuFW0Z7P8Y2S1L76mfADMT6m";
  private static final User USER = new User(USER_ID, "ada@example.com", null);
  private static final CreateSessionRequest REQUEST = CreateSessionRequest.builder(TENANT)
      .callbackUrl("https://example.com")
      .intent("checkoutNewSubscription", Map.of("plan", "pln_0U32ZjA60Z7P8Y5vLtmvXaIMEiPr"))
      .user(USER_ID)
      .build();

  private GigsSession() {}

  /** The create request of seed 000 (immutable, so one is shared). */
  static CreateSessionRequest request() {
    return REQUEST;
  }

  /** An engine over {@code store} with a fixed key ring, Gigs' id prefix and intent, and the one user. */
  static Handoff engine(SessionStore store) {
    return Handoff.builder()
        .store(store)
        .userDirectory(new OneUser())
        .keys(KeyRing.fromMasterSecret("bench", new byte[KeyRing.MASTER_SECRET_BYTES]))
        .hostedPageUrl("https://connect.example.com/checkout/entry")
        .idPrefix("csn_")
        .intents(IntentRegistry.of(IntentType.builder("checkoutNewSubscription").required("plan", String.class)
            .build()))
        .build();
  }

  /** A directory of one existing user, answering from memory. */
  private static final class OneUser implements UserDirectory {
    @Override
    public Optional<User> findById(String tenant, String userId) {
      return USER.id().equals(userId) ? Optional.of(USER) : Optional.empty();
    }

    @Override
    public Optional<User> findByEmail(String tenant, String email) {
      return USER.email().equalsIgnoreCase(email) ? Optional.of(USER) : Optional.empty();
    }

    @Override
    public User create(String tenant, UserDetails details) {
      throw new UnsupportedOperationException("the benchmark's sessions are for an existing user");
    }
  }
}
