package dev.handoff.examples.readme;

// README:begin (README.md, "Embed in plain Java", shows this region verbatim; ReadmeSnippetTest checks it)
import dev.handoff.CreateSessionRequest;
import dev.handoff.Handoff;
import dev.handoff.IntentRegistry;
import dev.handoff.IntentType;
import dev.handoff.IssuedSession;
import dev.handoff.KeyRing;
import dev.handoff.Redemption;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.User;
import dev.handoff.spi.UserDetails;
import dev.handoff.spi.UserDirectory;
import dev.handoff.storage.memory.CaffeineSessionStore;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

public class EmbedInPlainJava {

  /** Your users, behind the UserDirectory SPI; here one user, in a real server your user table. */
  static class MyUsers implements UserDirectory {
    private final User ada = new User("usr_42", "ada@example.com", "Ada");

    @Override
    public Optional<User> findById(String tenant, String userId) {
      return ada.id().equals(userId) ? Optional.of(ada) : Optional.empty();
    }

    @Override
    public Optional<User> findByEmail(String tenant, String email) {
      return ada.email().equalsIgnoreCase(email) ? Optional.of(ada) : Optional.empty();
    }

    @Override
    public User create(String tenant, UserDetails details) {
      throw new HandoffException(ErrorCode.UNPROCESSABLE, "sign-up is closed");
    }
  }

  static Redemption createAndRedeem(byte[] masterSecret) {   // 32 random bytes from your secret store
    Handoff handoff = Handoff.builder()
        .store(CaffeineSessionStore.builder().build())      // or JdbcSessionStore, or your own SessionStore
        .userDirectory(new MyUsers())
        .keys(KeyRing.fromMasterSecret("k1", masterSecret))
        .hostedPageUrl("https://connect.example.com/checkout/entry")
        .idPrefix("csn_")
        .intents(IntentRegistry.of(
            IntentType.builder("checkoutNewSubscription").required("plan", String.class).build()))
        .build();

    // Your API: create a session, answer with its URL. Never store or log the URL: its token is a password.
    IssuedSession issued = handoff.create(CreateSessionRequest.builder("project-1")   // the tenant
        .intent("checkoutNewSubscription", Map.of("plan", "pln_123"))
        .user("usr_42")                                     // or .userDetails(...), or neither
        .callbackUrl("https://example.com/done").ttl("30m").build());
    String url = issued.url().orElseThrow();
    // -> https://connect.example.com/checkout/entry?session=csn_...&token=eyJ...

    // Your hosted page: the browser arrives at that URL; the token is its query parameter "token".
    String token = queryParameter(URI.create(url), "token");
    return handoff.redeem(token);                           // a second redeem throws INVALID_TOKEN
  }

  static String queryParameter(URI uri, String name) {
    for (String pair : uri.getRawQuery().split("&")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);           // tokens are URL-safe: nothing to decode
      }
    }
    throw new IllegalArgumentException("no " + name + " parameter");
  }
}
// README:end
