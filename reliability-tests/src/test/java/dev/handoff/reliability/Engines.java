package dev.handoff.reliability;

import dev.handoff.CreateSessionRequest;
import dev.handoff.Handoff;
import dev.handoff.IntentRegistry;
import dev.handoff.IntentType;
import dev.handoff.KeyRing;
import dev.handoff.spi.SessionStore;
import java.util.Map;

/** Engines wired as an embedding server would, over any store. */
final class Engines {
  static final IntentRegistry INTENTS = IntentRegistry.of(
      IntentType.builder("checkoutNewSubscription").required("plan", String.class).build(),
      IntentType.builder("free").allowUnknownFields().build());

  private Engines() {}

  static Handoff.Builder builder(SessionStore store, Users users, RecordingSender sender) {
    return builder(store, users, sender, KeyRing.generate());
  }

  /** An engine node sharing {@code keys} with others, so that each redeems what another minted. */
  static Handoff.Builder builder(SessionStore store, Users users, RecordingSender sender, KeyRing keys) {
    return Handoff.builder()
        .store(store)
        .userDirectory(users)
        .otpSender(sender)
        // Send before startLogin returns: concurrent flows sign in to one address, and RecordingSender keeps one
        // code per address, so a send landing later could hand one flow's code to another.
        .otpExecutor(Runnable::run)
        .keys(keys)
        .hostedPageUrl("https://connect.example.com/handoff")
        .idPrefix("csn_")
        .intents(INTENTS);
  }

  static CreateSessionRequest.Builder checkout(String tenant) {
    return CreateSessionRequest.builder(tenant).intent("checkoutNewSubscription", Map.of("plan", "pln_1"));
  }
}
