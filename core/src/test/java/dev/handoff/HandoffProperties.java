package dev.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.time.Duration;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** The laws of the create → URL → redeem loop, on random input. */
class HandoffProperties {

  record Ask(String tenant, String intentType, Map<String, Object> payload, Duration ttl) {}

  @Provide
  Arbitrary<Ask> asks() {
    Arbitrary<String> tenants = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(40)
        .filter(s -> s.strip().equals(s));
    Arbitrary<Map<String, Object>> checkout = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(30)
        .map(plan -> Map.of("plan", plan));
    Arbitrary<Map<String, Object>> free = Arbitraries.maps(
        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
        // Any text the engine accepts: controls and lone surrogates are refused (HostileIdentifierTest).
        Arbitraries.oneOf(Arbitraries.strings().withCharRange(' ', '\uD7FF').withChars('\t', '\n', '\r')
                .ofMaxLength(20).filter(s -> s.chars().noneMatch(c -> c >= 0x7F && c <= 0x9F)).map(s -> (Object) s),
            Arbitraries.longs().map(l -> (Object) l), Arbitraries.of(true, false).map(b -> (Object) b)))
        .ofMaxSize(5);
    Arbitrary<Duration> ttls = Arbitraries.longs().between(60, Duration.ofDays(7).toSeconds()).map(Duration::ofSeconds);
    return Combinators.combine(tenants, Arbitraries.of("checkoutNewSubscription", "free"), checkout, free, ttls)
        .as((tenant, type, c, f, ttl) -> new Ask(tenant, type, type.equals("free") ? f : c, ttl));
  }

  @Property(tries = 200)
  void createThenRedeemRoundTrips(@ForAll("asks") Ask ask) {
    var t = new TestEngines();
    var engine = t.engine();
    var issued = engine.create(CreateSessionRequest.builder(ask.tenant()).intent(ask.intentType(), ask.payload())
        .ttl(ask.ttl()).build());
    var redemption = engine.redeem(issued.token().orElseThrow());
    assertThat(redemption.session().id()).isEqualTo(issued.session().id());
    assertThat(redemption.session().tenant()).isEqualTo(ask.tenant());
    assertThat(redemption.session().intent().type()).isEqualTo(ask.intentType());
    assertThat(redemption.session().intent().payload()).isEqualTo(ask.payload());
    assertThat(redemption.session().linkExpiresAt()).isEqualTo(TestEngines.START.plus(ask.ttl()));
    // Redeemed at once: the time in the page (the engine's default of an hour) counts from now.
    assertThat(redemption.session().expiresAt()).isEqualTo(TestEngines.START.plus(Duration.ofHours(1)));
  }

  @Property(tries = 300)
  void anySingleCharacterChangeOfATokenIsRejected(@ForAll @IntRange(min = 0, max = 10_000) int position,
      @ForAll @IntRange(min = 1, max = 63) int delta) {
    var t = new TestEngines();
    var engine = t.engine();
    String token = engine.create(TestEngines.checkout("p1").build()).token().orElseThrow();
    int i = position % token.length();
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char original = token.charAt(i);
    char replacement = original == '.' ? 'A' : alphabet.charAt((alphabet.indexOf(original) + delta) % 64);
    String tampered = token.substring(0, i) + replacement + token.substring(i + 1);

    assertThatThrownBy(() -> engine.redeem(tampered))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
    // The rejection changed nothing: the genuine token still works.
    assertThat(engine.redeem(token).loginRequired()).isTrue();
  }

  @Property(tries = 100)
  void aSessionIsNeverFoundUnderAnotherTenant(@ForAll("asks") Ask ask, @ForAll("asks") Ask other) {
    if (ask.tenant().equals(other.tenant())) {
      return;
    }
    var engine = new TestEngines().engine();
    var session = engine.create(CreateSessionRequest.builder(ask.tenant()).intent(ask.intentType(), ask.payload())
        .build()).session();
    engine.create(CreateSessionRequest.builder(other.tenant()).intent(other.intentType(), other.payload()).build());
    assertThatThrownBy(() -> engine.get(other.tenant(), session.id()))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(engine.list(other.tenant(), null, 100).sessions()).noneMatch(s -> s.id().equals(session.id()));
    assertThat(engine.list(ask.tenant(), null, 100).sessions()).extracting(Session::id).containsExactly(session.id());
  }

  @Property(tries = 200)
  void redemptionSucceedsBeforeExpiryAndFailsAfter(@ForAll @LongRange(min = 60, max = 86_400) long ttlSeconds,
      @ForAll @LongRange(min = 0, max = 172_800) long waitSeconds) {
    var t = new TestEngines();
    var engine = t.engine();
    String token = engine.create(TestEngines.checkout("p1").ttl(Duration.ofSeconds(ttlSeconds)).build())
        .token().orElseThrow();
    t.clock.advance(Duration.ofSeconds(waitSeconds));
    if (waitSeconds < ttlSeconds) {
      assertThat(engine.redeem(token).session().id()).isNotEmpty();
    } else {
      assertThatThrownBy(() -> engine.redeem(token))
          .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXPIRED));
    }
  }
}
