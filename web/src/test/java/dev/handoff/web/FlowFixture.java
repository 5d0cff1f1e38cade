package dev.handoff.web;

import dev.handoff.CreateSessionRequest;
import dev.handoff.Handoff;
import dev.handoff.IntentRegistry;
import dev.handoff.IntentType;
import dev.handoff.IssuedSession;
import dev.handoff.LoginPolicy;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.User;
import dev.handoff.spi.UserDetails;
import dev.handoff.spi.UserDirectory;
import dev.handoff.storage.memory.CaffeineSessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** An engine on the real memory store, a fake user directory, a capturing code sender, and the flow over them. */
final class FlowFixture {
  static final String TENANT = "project-1";
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  static final IntentRegistry INTENTS = IntentRegistry.of(
      IntentType.builder("checkoutNewSubscription")
          .required("plan", String.class)
          .optional("addons", List.class)
          .optional("internalRef", String.class)
          .displayName("Subscribe to plan {plan}")
          .displayName(Locale.GERMAN, "Tarif {plan} abonnieren")
          .label("plan", "Plan")
          .label(Locale.GERMAN, "plan", "Tarif")
          .label("addons", "Add-ons")
          .build(),
      IntentType.builder("free").allowUnknownFields().build(),
      IntentType.builder("resumeCheckout")
          .required("plan", String.class)
          .displayName("Subscribe to plan {plan}")
          .displayName(Locale.GERMAN, "Tarif {plan} abonnieren")
          .label("plan", "Plan")
          .recovery(1)
          .build());

  final MutableClock clock = new MutableClock(START);
  final Users users = new Users();
  final List<SentCode> codes = new CopyOnWriteArrayList<>();
  final Handoff handoff;
  final HostedFlow flow;

  record SentCode(String email, String code) {}

  FlowFixture() {
    this("https://connect.example.com", "/checkout", b -> {});
  }

  FlowFixture(String publicUrl, String mountPath, Consumer<HostedFlow.Builder> options) {
    String entry = publicUrl + mountPath + "/entry";
    handoff = Handoff.builder()
        .store(CaffeineSessionStore.builder().clock(clock).build())
        .userDirectory(users)
        .clock(clock)
        .hostedPageUrl(entry)
        .idPrefix("csn_")
        .intents(INTENTS)
        .otpSender((tenant, sessionId, email, code) -> codes.add(new SentCode(email, code)))
        .otpExecutor(Runnable::run) // send before startLogin returns, so that lastCode() sees the code at once
        .loginPolicy(LoginPolicy.defaults())
        .build();
    var builder = HostedFlow.builder(handoff).publicUrl(publicUrl).mountPath(mountPath).intents(INTENTS);
    options.accept(builder);
    flow = builder.build();
    users.add("usr_ada", "ada@example.com", "Ada Lovelace");
  }

  /** A checkout session for Ada, with a callback. */
  IssuedSession authenticated() {
    return handoff.create(checkout().user("usr_ada").callbackUrl("https://app.example.com/done?x=1").build());
  }

  /** A checkout session without a user: the end user signs in with a code. */
  IssuedSession unauthenticated() {
    return handoff.create(checkout().callbackUrl("https://app.example.com/done").build());
  }

  /** A session for Ada whose intent type allows recovery, with a five-minute link. */
  IssuedSession resumable() {
    return handoff.create(CreateSessionRequest.builder(TENANT).intent("resumeCheckout", Map.of("plan", "Gold"))
        .user("usr_ada").callbackUrl("https://app.example.com/done").ttl(Duration.ofMinutes(5)).build());
  }

  static CreateSessionRequest.Builder checkout() {
    return CreateSessionRequest.builder(TENANT).intent("checkoutNewSubscription", Map.of("plan", "Pro"));
  }

  String lastCode() {
    return codes.get(codes.size() - 1).code();
  }

  Browser browser() {
    return new Browser(flow);
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  /** A fake of the embedding server's users. */
  static final class Users implements UserDirectory {
    private final Map<String, User> byId = new ConcurrentHashMap<>();

    void add(String id, String email, String name) {
      byId.put(TENANT + "/" + id, new User(id, email, name));
    }

    @Override
    public Optional<User> findById(String tenant, String userId) {
      return Optional.ofNullable(byId.get(tenant + "/" + userId));
    }

    @Override
    public Optional<User> findByEmail(String tenant, String email) {
      return byId.entrySet().stream()
          .filter(e -> e.getKey().startsWith(tenant + "/") && e.getValue().email().equalsIgnoreCase(email))
          .map(Map.Entry::getValue).findFirst();
    }

    @Override
    public User create(String tenant, UserDetails details) {
      if (findByEmail(tenant, details.email()).isPresent()) {
        throw new HandoffException(ErrorCode.UNPROCESSABLE, "email taken");
      }
      var user = new User("usr_" + byId.size(), details.email(), null);
      byId.put(tenant + "/" + user.id(), user);
      return user;
    }
  }
}
