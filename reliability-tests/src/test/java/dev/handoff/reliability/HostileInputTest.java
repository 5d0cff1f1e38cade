package dev.handoff.reliability;

import static dev.handoff.reliability.Engines.checkout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.CreateSessionRequest;
import dev.handoff.Handoff;
import dev.handoff.UpdateSessionRequest;
import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A catalogue of hostile requests (URLs, emails, TTL strings, Unicode edge cases, sizes, ids), each with the typed
 * error the documentation promises. On every store: the same error, and nothing stored.
 */
class HostileInputTest {
  /** One hostile request: a name, what to call, and the documented answer. */
  private record Entry(String name, Function<Handoff, Object> call, ErrorCode expected) {}

  private static final String LONE_HIGH = "\uD800";
  private static final String LONE_LOW = "\uDC00";
  private static final String NUL = "\u0000";
  private static final String ESC = "\u001B";
  private static final String RLO = "\u202E";

  private static Entry create(String name, ErrorCode expected, Function<CreateSessionRequest.Builder,
      CreateSessionRequest.Builder> change) {
    return new Entry(name, engine -> engine.create(change.apply(checkout("t1").user("usr_1")).build()), expected);
  }

  /** The catalogue; sign-in entries use {@code browserSecret}, the browser of a session waiting for sign-in. */
  static List<Entry> catalogue(String browserSecret) {
    var entries = new ArrayList<Entry>();
    // Callback URLs.
    for (String url : List.of("javascript:alert(1)", "http://evil.example/cb", "http://127.evil.example/cb",
        "https://shop.example/cb\r\nSet-Cookie: a=b", "ftp://shop.example/cb", "//shop.example/cb", "",
        "https://shop.example/" + LONE_HIGH, "https://" + "a".repeat(3000) + ".example/")) {
      entries.add(create("callback " + printable(url), ErrorCode.INVALID_REQUEST, b -> b.callbackUrl(url)));
    }
    // Emails typed into the hosted page's sign-in form. (A UserDetails with such an email cannot even be built:
    // its constructor throws IllegalArgumentException, the embedding server's programming error.)
    for (String email : List.of("not-an-email", "a@", "@shop.example", "a b@shop.example",
        "a@shop.example\r\nBcc: x@evil.example", "a" + NUL + "@shop.example", "a" + LONE_LOW + "@shop.example",
        "a".repeat(400) + "@shop.example")) {
      entries.add(new Entry("sign-in email " + printable(email), engine -> {
        engine.startLogin(browserSecret, email);
        return null;
      }, ErrorCode.INVALID_REQUEST));
    }
    // TTL strings.
    for (String ttl : List.of("-5m", "0s", "abc", "5", "999999d", "1h30", "PT-1H", " 5m", "5m" + NUL)) {
      entries.add(create("ttl " + printable(ttl), ErrorCode.INVALID_REQUEST, b -> b.ttl(ttl)));
    }
    // Unicode edge cases in identifiers and text.
    for (String hostile : List.of(LONE_HIGH, LONE_LOW, NUL, ESC, RLO)) {
      String p = printable(hostile);
      entries.add(new Entry("tenant with " + p, engine -> engine.create(checkout("t1" + hostile).build()),
          ErrorCode.INVALID_REQUEST));
      entries.add(create("idempotency key with " + p, ErrorCode.INVALID_REQUEST,
          b -> b.idempotencyKey("k" + hostile)));
      entries.add(create("user id with " + p, ErrorCode.INVALID_REQUEST, b -> b.user("usr_1" + hostile)));
      entries.add(new Entry("get id with " + p, engine -> engine.get("t1", "csn_1" + hostile),
          ErrorCode.INVALID_REQUEST));
      entries.add(new Entry("list tenant with " + p, engine -> engine.list("t1" + hostile, null, 10),
          ErrorCode.INVALID_REQUEST));
      if (!hostile.equals(RLO)) { // bidi controls are fine in free text
        entries.add(create("metadata text with " + p, ErrorCode.INVALID_REQUEST,
            b -> b.metadata(Map.of("note", "a" + hostile))));
      }
    }
    // Sizes.
    entries.add(create("metadata of 20 KiB", ErrorCode.INVALID_REQUEST,
        b -> b.metadata(Map.of("blob", "x".repeat(20 * 1024)))));
    entries.add(new Entry("payload of 20 KiB", engine -> engine.create(CreateSessionRequest.builder("t1")
        .intent("checkoutNewSubscription", Map.of("plan", "x".repeat(20 * 1024))).user("usr_1").build()),
        ErrorCode.INVALID_REQUEST));
    entries.add(new Entry("tenant of 300 characters", engine -> engine.create(checkout("t".repeat(300)).build()),
        ErrorCode.INVALID_REQUEST));
    entries.add(create("idempotency key of 300 characters", ErrorCode.INVALID_REQUEST,
        b -> b.idempotencyKey("k".repeat(300))));
    // Ids and tokens.
    entries.add(new Entry("get null id", engine -> engine.get("t1", null), ErrorCode.INVALID_REQUEST));
    entries.add(new Entry("get null tenant", engine -> engine.get(null, "csn_1"), ErrorCode.INVALID_REQUEST));
    entries.add(new Entry("get unknown id", engine -> engine.get("t1", "csn_unknown"), ErrorCode.NOT_FOUND));
    entries.add(new Entry("complete unknown id", engine -> engine.complete("t1", "csn_unknown"),
        ErrorCode.NOT_FOUND));
    entries.add(new Entry("update null request", engine -> engine.update("t1", "csn_1", null),
        ErrorCode.INVALID_REQUEST));
    entries.add(new Entry("update unknown id", engine -> engine.update("t1", "csn_unknown",
        UpdateSessionRequest.builder().metadata(Map.of("a", "b")).build()), ErrorCode.NOT_FOUND));
    for (String token : List.of("garbage", "a.b.c.d.e", "x".repeat(5000), "hb1." + LONE_HIGH)) {
      entries.add(new Entry("redeem " + printable(token.length() > 40 ? token.substring(0, 40) + "…" : token),
          engine -> engine.redeem(token), ErrorCode.INVALID_TOKEN));
    }
    entries.add(new Entry("authenticate garbage", engine -> engine.authenticate("garbage"),
        ErrorCode.INVALID_TOKEN));
    return entries;
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void everyHostileRequestGetsItsDocumentedErrorAndStoresNothing(Backend backend) {
    try (StoreFixture fixture = StoreFixture.open(backend)) {
      var users = new Users();
      users.add("t1", "usr_1", "ann@example.com");
      Handoff engine = Engines.builder(fixture.store(), users, new RecordingSender()).build();
      String browserSecret = engine.redeem(engine.create(checkout("t1").build()).token().orElseThrow())
          .browserSecret();
      List<String> before = fixture.everyStoredValue(List.of("t1"));
      var answers = new LinkedHashMap<String, String>();
      var expected = new LinkedHashMap<String, String>();
      for (Entry entry : catalogue(browserSecret)) {
        answers.put(entry.name(), answer(engine, entry));
        expected.put(entry.name(), entry.expected().name());
      }
      assertThat(answers).as("answers on %s", backend).containsExactlyEntriesOf(expected);
      assertThat(fixture.everyStoredValue(List.of("t1", "t".repeat(300)))).as("stored on %s", backend)
          .containsExactlyInAnyOrderElementsOf(before);
    }
  }

  private static String answer(Handoff engine, Entry entry) {
    try {
      entry.call().apply(engine);
      return "accepted";
    } catch (HandoffException e) {
      return e.code().name();
    } catch (RuntimeException e) {
      return "untyped " + e.getClass().getSimpleName();
    }
  }

  private static String printable(String s) {
    var out = new StringBuilder();
    s.chars().forEach(c -> out.append(c < 0x20 || (c >= 0x7F && c < 0xA0) || Character.isSurrogate((char) c)
        || c == 0x202E ? String.format("\\u%04X", c) : String.valueOf((char) c)));
    return out.toString();
  }
}
