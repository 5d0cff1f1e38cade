package dev.handoff;

import static dev.handoff.TestEngines.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestValidationTest {
  private final TestEngines t = new TestEngines();
  private final Handoff engine = t.engine();

  private static void assertCode(ErrorCode code, Runnable action) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @Test
  void ttlStringsOfTheSeedsAreAccepted() {
    assertThat(SessionLength.parse("30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(SessionLength.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(SessionLength.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(SessionLength.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(SessionLength.parse("1w")).isEqualTo(Duration.ofDays(7));
    assertThat(SessionLength.parse("PT30M")).isEqualTo(Duration.ofMinutes(30));
    var issued = engine.create(checkout("p1").ttl("30m").build());
    assertThat(issued.session().expiresAt()).isEqualTo(TestEngines.START.plus(Duration.ofMinutes(30)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "30", "m", "-5m", "30 m", "30M", "1y", "P", "PT", "abc", "99999999m"})
  void malformedTtlStringsAreInvalidRequests(String ttl) {
    assertCode(ErrorCode.INVALID_REQUEST, () -> checkout("p1").ttl(ttl));
  }

  @ParameterizedTest
  @ValueSource(strings = {"59s", "PT0S", "PT-1H", "8d"})
  void ttlOutsideBoundsIsAnInvalidRequest(String ttl) {
    assertCode(ErrorCode.INVALID_REQUEST, () -> engine.create(checkout("p1").ttl(ttl).build()));
  }

  @Test
  void ttlBoundsAreInclusive() {
    assertThat(engine.create(checkout("p1").ttl("1m").build()).url()).isPresent();
    assertThat(engine.create(checkout("p1").ttl("7d").build()).url()).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://example.com/done", "ftp://example.com", "/relative/path", "https://user:pw@example.com/",
      "https://user@example.com/", "mailto:a@example.com", "https:///nohost", "not a url", "javascript:alert(1)",
      "https://exa mple.com"})
  void callbackUrlsOtherThanHttpsAreInvalid(String url) {
    assertCode(ErrorCode.INVALID_REQUEST, () -> checkout("p1").callbackUrl(url));
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://example.com", "https://example.com/a?b=c#d", "http://localhost:3000/cb",
      "http://127.0.0.1/cb", "http://[::1]:8080/"})
  void httpsAndLoopbackHttpCallbacksAreAccepted(String url) {
    assertThat(engine.create(checkout("p1").callbackUrl(url).build()).session().callbackUrl()).isEqualTo(url);
  }

  @Test
  void callbackUrlLengthLimitIs2083() {
    String base = "https://example.com/";
    String longest = base + "a".repeat(CallbackUrl.MAX_LENGTH - base.length());
    assertThat(checkout("p1").callbackUrl(longest).build()).isNotNull();
    assertCode(ErrorCode.INVALID_REQUEST, () -> checkout("p1").callbackUrl(longest + "a"));
  }

  @Test
  void unknownIntentAndInvalidPayloadsAreUnprocessable() {
    assertCode(ErrorCode.UNPROCESSABLE, () -> engine.create(CreateSessionRequest.builder("p1")
        .intent("launchRocket", Map.of()).build()));
    assertCode(ErrorCode.UNPROCESSABLE, () -> engine.create(CreateSessionRequest.builder("p1")
        .intent("checkoutNewSubscription", Map.of()).build()));
    assertCode(ErrorCode.UNPROCESSABLE, () -> engine.create(CreateSessionRequest.builder("p1")
        .intent("checkoutNewSubscription", Map.of("plan", 5)).build()));
    assertCode(ErrorCode.UNPROCESSABLE, () -> engine.create(CreateSessionRequest.builder("p1")
        .intent("checkoutNewSubscription", Map.of("plan", " ")).build()));
    assertCode(ErrorCode.UNPROCESSABLE, () -> engine.create(CreateSessionRequest.builder("p1")
        .intent("checkoutNewSubscription", Map.of("plan", "p", "color", "red")).build()));
    assertCode(ErrorCode.UNPROCESSABLE, () -> CreateSessionRequest.builder("p1").intent("bad name!", Map.of()));
    assertThat(engine.list("p1", null, 10).sessions()).isEmpty();
    assertThat(engine.create(CreateSessionRequest.builder("p1")
        .intent("checkoutNewSubscription", Map.of("plan", "p", "addons", List.of("a", "b"))).build()).url())
        .isPresent();
  }

  @Test
  void intentRulesOverTheWholePayloadApply() {
    var registry = IntentRegistry.of(IntentType.builder("pay").required("amount", Long.class)
        .rule(p -> (Long) p.get("amount") > 0, "amount must be positive").build());
    var engine = Handoff.builder().store(t.store).userDirectory(t.users).clock(t.clock).keys(t.keys)
        .hostedPageUrl(TestEngines.BASE_URL).intents(registry).build();
    assertThatThrownBy(() -> engine.create(CreateSessionRequest.builder("p1").intent("pay", Map.of("amount", 0))
        .build()))
        .isInstanceOfSatisfying(HandoffException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
          assertThat(e).hasMessageContaining("amount must be positive");
        });
    assertThat(engine.create(CreateSessionRequest.builder("p1").intent("pay", Map.of("amount", 3)).build())
        .url()).isPresent();
  }

  @Test
  void requestBuildersFailFastOnRepeatsAndContradictions() {
    assertCode(ErrorCode.INVALID_REQUEST, () -> checkout("p1").user("u").userDetails(
        dev.handoff.spi.UserDetails.ofEmail("a@b.c")));
    assertCode(ErrorCode.INVALID_REQUEST, () -> checkout("p1").callbackUrl("https://a.com").callbackUrl("https://b.com"));
    assertCode(ErrorCode.INVALID_REQUEST, () -> checkout("p1").ttl("1h").ttl("2h"));
    assertCode(ErrorCode.INVALID_REQUEST, () -> checkout("p1").intent("viewSubscription", Map.of()));
    assertCode(ErrorCode.INVALID_REQUEST, () -> CreateSessionRequest.builder("p1").build());
    assertCode(ErrorCode.INVALID_REQUEST, () -> checkout("").build());
    assertCode(ErrorCode.INVALID_REQUEST, () -> checkout(" p1").build());
    assertCode(ErrorCode.INVALID_REQUEST, () -> checkout("p\n1").build());
    assertCode(ErrorCode.INVALID_REQUEST, () -> checkout("t".repeat(129)).build());
    assertCode(ErrorCode.INVALID_REQUEST, () -> checkout("p1").metadata(Map.of("x", new Object())));
    assertCode(ErrorCode.INVALID_REQUEST, () -> checkout("p1").idempotencyKey(""));
    assertCode(ErrorCode.INVALID_REQUEST, () -> UpdateSessionRequest.builder().user("a").user("b"));
  }

  @Test
  void engineBuilderIsSetOnceAndFailsFast() {
    assertThatThrownBy(() -> Handoff.builder().clock(t.clock).clock(t.clock))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("clock was already set");
    assertThatThrownBy(() -> Handoff.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("store is required");
    assertThatThrownBy(() -> t.builder().maxTtl(Duration.ofMinutes(30)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("defaultTtl");
    assertThatThrownBy(() -> Handoff.builder().hostedPageUrl("http://example.com/entry"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Handoff.builder().hostedPageUrl("https://example.com/entry#x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Handoff.builder().idPrefix("csn-")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IntentRegistry.of()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IntentRegistry.of(IntentType.builder("a").build(), IntentType.builder("a").build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IntentType.builder("a").required("x", Integer.class))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
