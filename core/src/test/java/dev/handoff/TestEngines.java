package dev.handoff;

import dev.handoff.spi.SessionStore;
import dev.handoff.storage.memory.CaffeineSessionStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Engines wired as an embedding server would, on the real in-memory store, for core's tests. */
final class TestEngines {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  static final String BASE_URL = "https://connect.example.com/checkout/entry";

  static final IntentRegistry INTENTS = IntentRegistry.of(
      IntentType.builder("checkoutNewSubscription").required("plan", String.class).optional("addons", List.class)
          .build(),
      IntentType.builder("viewSubscription").required("subscription", String.class).build(),
      IntentType.builder("free").allowUnknownFields().build(),
      // Recovery: up to two replacements in a chain, also for sessions without a user.
      IntentType.builder("resumeCheckout").required("plan", String.class).recovery(2).recoveryWithoutUser().build());

  final MutableClock clock = new MutableClock(START);
  final InMemoryUserDirectory users = new InMemoryUserDirectory();
  final SessionStore store = CaffeineSessionStore.builder().clock(clock).build();
  final KeyRing keys = KeyRing.generate();

  Handoff.Builder builder() {
    return builder(store);
  }

  /** An engine's builder over another store, with this one's users, keys and clock. */
  Handoff.Builder builder(SessionStore store) {
    return Handoff.builder()
        .store(store)
        .userDirectory(users)
        .keys(keys)
        .clock(clock)
        .hostedPageUrl(BASE_URL)
        .idPrefix("csn_")
        .intents(INTENTS)
        .otpExecutor(Runnable::run); // codes are sent before startLogin returns, so tests can read them at once
  }

  Handoff engine() {
    return builder().build();
  }

  static CreateSessionRequest.Builder checkout(String tenant) {
    return CreateSessionRequest.builder(tenant).intent("checkoutNewSubscription", Map.of("plan", "pln_1"));
  }
}
