package dev.handoff.examples;

import dev.handoff.CreateSessionRequest;
import dev.handoff.Handoff;
import dev.handoff.IntentRegistry;
import dev.handoff.IntentType;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.User;
import dev.handoff.spi.UserDetails;
import dev.handoff.spi.UserDirectory;
import dev.handoff.storage.memory.CaffeineSessionStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The smallest embedding of Handoff: an in-memory store, a generated key, one authenticated session created,
 * redeemed once, and a replay refused. Run it with {@code ./mvnw -q -pl examples -am compile exec:java}.
 */
public final class QuickStart {
  private QuickStart() {}

  public static void main(String[] args) {
    var users = new ExampleUsers();
    users.add(new User("usr_0U2ViuFW0Z7P8Y2S1L76mfADMT6m", "ada@example.com", "Ada"));

    Handoff handoff = Handoff.builder()
        .store(CaffeineSessionStore.builder().build())
        .userDirectory(users)
        .hostedPageUrl("https://connect.example.com/checkout/entry")
        .idPrefix("csn_")
        .intents(IntentRegistry.of(IntentType.builder("checkoutNewSubscription").required("plan", String.class)
            .build()))
        .build();

    var issued = handoff.create(CreateSessionRequest.builder("project-1")
        .intent("checkoutNewSubscription", Map.of("plan", "pln_0U32ZjA60Z7P8Y5vLtmvXaIMEiPr"))
        .user("usr_0U2ViuFW0Z7P8Y2S1L76mfADMT6m")
        .callbackUrl("https://example.com")
        .build());
    // A real server hands this URL to the end user's browser and never logs it: it is a password.
    String url = issued.url().orElseThrow();
    System.out.println("created " + issued.session().id() + ", expires " + issued.session().expiresAt());
    System.out.println("url:    " + url);

    String token = issued.token().orElseThrow();
    var redemption = handoff.redeem(token);
    System.out.println("redeemed: session " + redemption.session().id() + " is " + redemption.session().status()
        + " for user " + redemption.user().id() + ", intent " + redemption.session().intent().type() + " "
        + redemption.session().intent().payload());

    try {
      handoff.redeem(token);
      System.out.println("BUG: the replay was accepted");
      System.exit(1);
    } catch (HandoffException e) {
      System.out.println("replay refused: " + e.code() + " (HTTP " + e.httpStatus() + "): " + e.getMessage());
    }
  }

  /** The embedding server's users; a real server asks its own database. */
  private static final class ExampleUsers implements UserDirectory {
    private final Map<String, User> byId = new ConcurrentHashMap<>();

    void add(User user) {
      byId.put(user.id(), user);
    }

    @Override
    public Optional<User> findById(String tenant, String userId) {
      return Optional.ofNullable(byId.get(userId));
    }

    @Override
    public Optional<User> findByEmail(String tenant, String email) {
      return byId.values().stream().filter(u -> u.email().equalsIgnoreCase(email)).findFirst();
    }

    @Override
    public User create(String tenant, UserDetails details) {
      var user = new User("usr_" + (byId.size() + 1), details.email(), details.name());
      add(user);
      return user;
    }
  }
}
