package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import dev.handoff.spi.Intent;
import dev.handoff.spi.UserDetails;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10 finding #1 and #10: text a database driver would fold or choke on (lone surrogates, NUL and other C0
 * controls, bidi overrides in identifiers) and null arguments are refused by core with INVALID_REQUEST before any
 * store is called, so every store sees the same input.
 */
class HostileIdentifierTest {
  private final TestEngines t = new TestEngines();
  private final InterceptedStore store = new InterceptedStore(t.store);
  private final Handoff engine = Handoff.builder().store(store).userDirectory(t.users).keys(t.keys).clock(t.clock)
      .hostedPageUrl(TestEngines.BASE_URL).intents(TestEngines.INTENTS).otpSender(new RecordingOtpSender())
      .build();

  /** Each is hostile in an identifier; those marked are also hostile in free text. */
  private static final String LONE_HIGH = "x\uD800";
  private static final String LONE_HIGH_END = "x\uDBFF";
  private static final String LONE_LOW = "\uDC00x";
  private static final String NUL = "x\u0000y";
  private static final String BELL = "x\u0007y";
  private static final String ESCAPE = "x\u001By";
  private static final String DELETE = "x\u007Fy";
  private static final String RLO = "x\u202Ey";
  private static final String RLI = "x\u2067y";

  private void assertRefusedBeforeTheStore(Runnable action) {
    int before = store.calls.get();
    assertThatThrownBy(action::run).isInstanceOfSatisfying(HandoffException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThat(store.calls.get()).as("store calls").isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(strings = {LONE_HIGH, LONE_HIGH_END, LONE_LOW, NUL, BELL, ESCAPE, DELETE, RLO, RLI})
  void hostileIdentifiersAreRefusedEverywhere(String hostile) {
    assertRefusedBeforeTheStore(() -> engine.create(checkout("tenant" + hostile).build()));
    assertRefusedBeforeTheStore(() -> engine.create(checkout("p1").user("usr" + hostile).build()));
    assertRefusedBeforeTheStore(() -> engine.create(checkout("p1").idempotencyKey("k" + hostile).build()));
    assertRefusedBeforeTheStore(() -> engine.get("tenant" + hostile, "csn_1"));
    assertRefusedBeforeTheStore(() -> engine.get("p1", "csn_1" + hostile));
    assertRefusedBeforeTheStore(() -> engine.list("tenant" + hostile, null, 10));
    assertRefusedBeforeTheStore(() -> engine.list("p1", "cursor" + hostile, 10));
    assertRefusedBeforeTheStore(() -> engine.complete("p1", "csn_1" + hostile));
    assertRefusedBeforeTheStore(() -> engine.revoke("tenant" + hostile, "csn_1"));
    assertRefusedBeforeTheStore(() -> engine.update("p1" + hostile, "csn_1",
        UpdateSessionRequest.builder().callbackUrl("https://example.com/").build()));
    assertRefusedBeforeTheStore(() -> engine.create(checkout("p1")
        .metadata(Map.of("key" + hostile, "value")).build()));
    assertRefusedBeforeTheStore(() -> engine.startLogin("hb1.cDE.csn_1." + "A".repeat(43),
        "a" + hostile + "@example.com"));
    if (hostile.chars().allMatch(c -> c > ' ')) { // UserDetails itself refuses the others
      assertRefusedBeforeTheStore(() -> engine.create(checkout("p1")
          .userDetails(UserDetails.ofEmail("a" + hostile + "@example.com")).build()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {LONE_HIGH, LONE_HIGH_END, LONE_LOW, NUL, BELL, ESCAPE})
  void hostileFreeTextIsRefusedInPayloadMetadataAndUserDetails(String hostile) {
    assertRefusedBeforeTheStore(() -> engine.create(CreateSessionRequest.builder("p1")
        .intent("checkoutNewSubscription", Map.of("plan", "pln" + hostile)).build()));
    assertRefusedBeforeTheStore(() -> engine.create(CreateSessionRequest.builder("p1")
        .intent(new Intent("free", Map.of("nested", Map.of("list", java.util.List.of("ok", hostile))))).build()));
    assertRefusedBeforeTheStore(() -> engine.create(checkout("p1").metadata(Map.of("note", hostile)).build()));
    assertRefusedBeforeTheStore(() -> engine.create(checkout("p1")
        .userDetails(new UserDetails("a@example.com", "Ann" + hostile, Map.of())).build()));
    assertRefusedBeforeTheStore(() -> engine.create(checkout("p1")
        .userDetails(new UserDetails("a@example.com", "Ann", Map.of("city", hostile))).build()));
    assertRefusedBeforeTheStore(() -> engine.update("p1", "csn_1",
        UpdateSessionRequest.builder().metadata(Map.of("note", hostile)).build()));
  }

  @Test
  void textKeepsLineBreaksTabsAndEveryPairedCharacter() {
    String text = "line 1\r\nline\t2 \uD83D\uDE00 \u05D0\u202B bidi is fine in text";
    var issued = engine.create(checkout("p1").metadata(Map.of("note", text))
        .userDetails(new UserDetails("ann@example.com", "Ann \uD83D\uDE00", Map.of())).build());
    assertThat(engine.get("p1", issued.session().id()).metadata()).containsEntry("note", text);
  }

  @Test
  void nullArgumentsAreInvalidRequests() {
    assertRefusedBeforeTheStore(() -> engine.get("p1", null));
    assertRefusedBeforeTheStore(() -> engine.get(null, "csn_1"));
    assertRefusedBeforeTheStore(() -> engine.complete("p1", null));
    assertRefusedBeforeTheStore(() -> engine.revoke(null, null));
    assertRefusedBeforeTheStore(() -> engine.create(null));
    assertRefusedBeforeTheStore(() -> engine.update("p1", "csn_1", null));
    assertRefusedBeforeTheStore(() -> engine.list(null, null, 10));
    assertRefusedBeforeTheStore(() -> checkout("p1").callbackUrl(null));
    assertRefusedBeforeTheStore(() -> checkout("p1").userDetails(null));
    assertRefusedBeforeTheStore(() -> checkout("p1").ttl((java.time.Duration) null));
    assertRefusedBeforeTheStore(() -> checkout("p1").metadata(null));
    assertRefusedBeforeTheStore(() -> UpdateSessionRequest.builder().callbackUrl(null));
  }

  @Test
  void aBrowserSecretNamingAHostileTenantNeverReachesTheStore() {
    var encoder = java.util.Base64.getUrlEncoder().withoutPadding();
    Consumer<String> tryTenant = tenant -> {
      String secret = "hb1." + encoder.encodeToString(tenant.getBytes(java.nio.charset.StandardCharsets.UTF_8))
          + ".csn_1." + "A".repeat(43);
      int before = store.calls.get();
      assertThatThrownBy(() -> engine.authenticate(secret)).isInstanceOfSatisfying(HandoffException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
      assertThat(store.calls.get()).isEqualTo(before);
    };
    tryTenant.accept("p\u0000");
    tryTenant.accept("p\u202E");
    // Malformed UTF-8 decodes to U+FFFD; a different tenant than the bytes said would be a fold, so refuse it.
    String malformed = "hb1." + encoder.encodeToString(new byte[] {'p', (byte) 0xC3}) + ".csn_1." + "A".repeat(43);
    assertThatThrownBy(() -> engine.authenticate(malformed)).isInstanceOf(HandoffException.class);
  }
}
