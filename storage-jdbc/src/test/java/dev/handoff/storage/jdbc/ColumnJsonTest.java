package dev.handoff.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.AccessRecord;
import dev.handoff.spi.BrowserBinding;
import dev.handoff.spi.Json;
import dev.handoff.spi.LoginChallenge;
import dev.handoff.spi.Recovery;
import dev.handoff.spi.Subject;
import dev.handoff.spi.UserDetails;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store's own JSON columns (browser, challenge, recovery, access log, subject), written directly and read with
 * {@link JsonCursor}: they round-trip any value, read what the general {@link Json} writer wrote before (field
 * order, whitespace and unknown fields do not matter), and refuse malformed text.
 */
class ColumnJsonTest {
  private static final Instant AT = Instant.ofEpochSecond(1_767_225_600L, 123_456_789);

  @Provide
  Arbitrary<String> anyText() {
    // Every char: escapes, control characters, lone surrogates, U+2028.
    return Arbitraries.strings().all().ofMaxLength(40);
  }

  @Provide
  Arbitrary<Instant> instants() {
    return Arbitraries.longs().map(EpochNanos::toInstant);
  }

  @Property
  void browserBindingsRoundTrip(@ForAll("anyText") String digest, @ForAll("instants") Instant activated) {
    var binding = new BrowserBinding(digest, activated, activated);
    assertThat(HostedStateJson.readBrowser(HostedStateJson.writeBrowser(binding))).isEqualTo(binding);
  }

  @Property
  void challengesRoundTrip(@ForAll("anyText") String email, @ForAll("anyText") String digest,
      @ForAll("instants") Instant at) {
    var challenge = new LoginChallenge(email, digest, at, 3, 2, at);
    assertThat(HostedStateJson.readChallenge(HostedStateJson.writeChallenge(challenge))).isEqualTo(challenge);
  }

  @Property
  void subjectsAndRecoveryRoundTrip(@ForAll("anyText") String userId, @ForAll("anyText") String other) {
    if (!userId.isBlank()) {
      var existing = new Subject.ExistingUser(userId);
      assertThat(SubjectJson.read(SubjectJson.write(existing))).isEqualTo(existing);
    }
    var recovery = new Recovery(userId, other, 1);
    assertThat(LifecycleJson.readRecovery(LifecycleJson.writeRecovery(recovery))).isEqualTo(recovery);
  }

  @Test
  void writesWhatTheGeneralWriterWrote() {
    var binding = new BrowserBinding("k1.abc\"\\", AT, AT.plusNanos(1));
    assertThat(HostedStateJson.writeBrowser(binding)).isEqualTo(Json.write(ordered(
        "secretDigest", binding.secretDigest(), "activatedAt", EpochNanos.of(AT),
        "lastSeenAt", EpochNanos.of(AT) + 1)));
    var log = List.of(new AccessRecord(AccessRecord.Step.REDEEMED, AT, "203.0.113.0/24", "Mozilla \"5\""),
        new AccessRecord(AccessRecord.Step.SIGNED_IN, AT, null, null));
    assertThat(LifecycleJson.writeAccessLog(log)).isEqualTo("[" + Json.write(ordered("step", "REDEEMED",
        "at", EpochNanos.of(AT), "clientAddress", "203.0.113.0/24", "userAgent", "Mozilla \"5\"")) + ","
        + Json.write(ordered("step", "SIGNED_IN", "at", EpochNanos.of(AT))) + "]");
    assertThat(SubjectJson.write(new Subject.ExistingUser("usr_1")))
        .isEqualTo(Json.write(ordered("kind", "existingUser", "userId", "usr_1")));
    assertThat(LifecycleJson.writeRecovery(new Recovery(null, "csn_2", 0)))
        .isEqualTo(Json.write(ordered("recoveredFrom", null, "replacedBy", "csn_2", "count", 0L)));
  }

  private static Map<String, Object> ordered(Object... keysAndValues) {
    var map = new java.util.LinkedHashMap<String, Object>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  @Test
  void readsAnyFieldOrderWhitespaceAndUnknownFields() {
    assertThat(HostedStateJson.readBrowser(" { \"lastSeenAt\" : 2 , \"extra\": {\"a\": [1, 2.5e3, true, null, "
        + "{\"b\": \"}\"}]}, \"activatedAt\":-1,\"secret\\u0044igest\":\"d\\n\\u00e9\"} "))
        .isEqualTo(new BrowserBinding("d\né", EpochNanos.toInstant(-1), EpochNanos.toInstant(2)));
    assertThat(LifecycleJson.readAccessLog("[ ]")).isEmpty();
    assertThat(LifecycleJson.readAccessLog(
        "[{\"at\":" + Long.MIN_VALUE + ",\"step\":\"RECOVERED\",\"userAgent\":null},"
            + " {\"step\":\"REDEEMED\",\"at\":" + Long.MAX_VALUE + ",\"clientAddress\":\"x\",\"more\":[]}]"))
        .containsExactly(new AccessRecord(AccessRecord.Step.RECOVERED, EpochNanos.toInstant(Long.MIN_VALUE),
            null, null), new AccessRecord(AccessRecord.Step.REDEEMED, EpochNanos.toInstant(Long.MAX_VALUE), "x",
            null));
    assertThat(SubjectJson.read("{\"userId\":\"u\",\"kind\":\"existingUser\"}"))
        .isEqualTo(new Subject.ExistingUser("u"));
    assertThat(SubjectJson.read("{\"kind\":\"anonymous\"}")).isEqualTo(Subject.ANONYMOUS);
    var newUser = new Subject.NewUser(new UserDetails("ann@example.com", "Ann", Map.of("n", 1L, "x", List.of())));
    assertThat(SubjectJson.read(SubjectJson.write(newUser))).isEqualTo(newUser);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "[", "{}x", "{\"secretDigest\":\"d\",\"activatedAt\":1.0,\"lastSeenAt\":1}",
      "{\"secretDigest\":\"d\",\"activatedAt\":01,\"lastSeenAt\":1}",
      "{\"secretDigest\":\"d\",\"activatedAt\":9223372036854775808,\"lastSeenAt\":1}",
      "{\"secretDigest\":\"d\",\"activatedAt\":-9223372036854775809,\"lastSeenAt\":1}",
      "{\"secretDigest\":\"d\",\"activatedAt\":-92233720368547758070,\"lastSeenAt\":1}",
      "{\"secretDigest\":\"d\",\"activatedAt\":1e3,\"lastSeenAt\":1}",
      "{\"secretDigest\":\"d\" \"activatedAt\":1,\"lastSeenAt\":1}",
      "{\"secretDigest\":\"d\u0001\",\"activatedAt\":1,\"lastSeenAt\":1}",
      "{\"secretDigest\":\"d\\x\",\"activatedAt\":1,\"lastSeenAt\":1}",
      "{\"secretDigest\":\"d\\u12\",\"activatedAt\":1,\"lastSeenAt\":1}",
      "{\"secretDigest\":\"d\",\"activatedAt\":-,\"lastSeenAt\":1}",
      "{\"secretDigest\":\"d\",\"activatedAt\":1,\"lastSeenAt\":1,}",
      "{\"secretDigest\":5,\"activatedAt\":1,\"lastSeenAt\":1}",
      "{\"secretDigest\":\"d\",\"activatedAt\":1,\"lastSeenAt\":1} {}"})
  void refusesMalformedText(String text) {
    assertThatThrownBy(() -> HostedStateJson.readBrowser(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesMalformedLogsAndSubjects() {
    assertThatThrownBy(() -> LifecycleJson.readAccessLog("[{\"step\":\"REDEEMED\",\"at\":1}{\"step\":\"REDEEMED\","
        + "\"at\":1}]")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LifecycleJson.readAccessLog("[{\"step\":\"REDEEMED\",\"at\":1},]"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SubjectJson.read("{\"kind\":\"robot\"}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SubjectJson.read("{\"kind\":5}")).isInstanceOf(IllegalArgumentException.class);
  }
}
