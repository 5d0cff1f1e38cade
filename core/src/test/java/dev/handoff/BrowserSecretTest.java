package dev.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.From;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class BrowserSecretTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Property(tries = 200)
  void parseReadsBackWhatCreateWrote(@ForAll @StringLength(min = 1, max = 60) String tenant,
      @ForAll @AlphaChars @CharRange(from = '0', to = '9') @CharRange(from = '_', to = '_') @StringLength(min = 1,
          max = 40) String sessionId) {
    Assume.that(RequestFields.isIdentifier(tenant, RequestFields.MAX_TENANT_LENGTH)); // what create accepts
    var secret = BrowserSecret.create(tenant, sessionId, RANDOM);

    var parsed = BrowserSecret.parse(secret.value());

    assertThat(parsed).isEqualTo(secret);
  }

  @Property(tries = 300)
  void arbitraryInputIsRefusedWithoutThrowing(@ForAll @StringLength(max = 120) @CharRange(from = '-', to = '9')
      @CharRange(from = 'a', to = 'h') String noise) {
    var parsed = BrowserSecret.parse(noise);

    // Anything accepted has the four parts of a secret.
    if (parsed != null) {
      assertThat(noise).startsWith("hb1.").matches("hb1\\.[^.]+\\.[^.]+\\.[^.]{43}");
    }
  }

  @Test
  void malformedSecretsAreRefused() {
    String good = BrowserSecret.create("acme", "csn_1", RANDOM).value();
    String random = good.substring(good.lastIndexOf('.') + 1);

    assertThat(BrowserSecret.parse(good)).isNotNull();
    assertThat(BrowserSecret.parse("hb2.YWNtZQ.csn_1." + random)).isNull();
    assertThat(BrowserSecret.parse("hb1..csn_1." + random)).isNull();
    assertThat(BrowserSecret.parse("hb1.YWNtZQ.." + random)).isNull();
    assertThat(BrowserSecret.parse("hb1.YWNtZQ.csn_1." + random + ".x")).isNull();
    assertThat(BrowserSecret.parse("hb1.YWNtZQ.csn_1." + random.substring(1))).isNull();
    assertThat(BrowserSecret.parse("hb1.YWNtZQ.csn_1")).isNull();
    assertThat(BrowserSecret.parse("xhb1.YWNtZQ.csn_1." + random)).isNull();
    assertThat(BrowserSecret.parse("hb1.!!!.csn_1." + random)).isNull();
    assertThat(BrowserSecret.parse("hb1.YWNtZR.csn_1." + random)).as("non-zero unused bits").isNull();
    assertThat(BrowserSecret.parse("hb1.YWNtZQ==.csn_1." + random)).as("padding").isNull();
    assertThat(BrowserSecret.parse("hb1.4oCu.csn_1." + random)).as("a bidi control as the tenant").isNull();
    assertThat(BrowserSecret.parse(null)).isNull();
  }

  @Property(tries = 2000)
  void hostileInputIsRefusedExactlyAsBefore(@ForAll("nearlySecrets") String value) {
    var expected = ReferenceBrowserSecretParser.parse(value);

    assertThat(BrowserSecret.parse(value)).isEqualTo(expected);
    assertThat(BrowserSecret.parse(value, new RecentTenant())).isEqualTo(expected);
    Statistics.collect(expected != null ? "accepted" : "refused");
    // Both outcomes must be drawn often enough for the comparison to mean something.
    Statistics.coverage(coverage -> {
      coverage.check("accepted").percentage(p -> p >= 3);
      coverage.check("refused").percentage(p -> p >= 30);
    });
  }

  @Property(tries = 300)
  void theRecentTenantNeverChangesAnAnswer(@ForAll @Size(max = 12) List<@From("nearlySecrets") String> values) {
    var recent = new RecentTenant();
    for (String value : values) {
      var parsed = BrowserSecret.parse(value, recent);

      assertThat(parsed).isEqualTo(ReferenceBrowserSecretParser.parse(value));
    }
  }

  @Test
  void aRememberedTenantIsOnlyTakenForItsExactSpelling() {
    var recent = new RecentTenant();
    String acme = BrowserSecret.create("acme", "csn_1", RANDOM).value();
    String random = acme.substring(acme.lastIndexOf('.') + 1);
    assertThat(BrowserSecret.parse(acme, recent).tenant()).isEqualTo("acme");

    assertThat(BrowserSecret.parse("hb1.YWNtZR.csn_1." + random, recent)).as("same length, other bits").isNull();
    assertThat(BrowserSecret.parse("hb1.YWNtZQx.csn_1." + random, recent)).as("longer").isNull();
    assertThat(BrowserSecret.parse("hb1.YWNt.csn_1." + random, recent).tenant()).isEqualTo("acm");
    assertThat(BrowserSecret.parse(acme, recent).tenant()).isEqualTo("acme");
  }

  /**
   * Strings shaped like secrets, most of them broken somewhere: each part drawn from valid spellings, hostile
   * characters (dots, padding, white space, non-ASCII, bidi controls, surrogates) and lengths around the valid ones.
   */
  @Provide
  Arbitrary<String> nearlySecrets() {
    Arbitrary<String> version = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just("hb1")),
        Tuple.of(1, Arbitraries.of("hb2", "hb", "xhb1", "HB1", "")));
    Arbitrary<String> tenant = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of("acme", "gigs:project-1", "é", " acme", "a\u202Eb", "\u0000", "a.b", "\uD800")
            .map(t -> Base64.getUrlEncoder().withoutPadding().encodeToString(t.getBytes(StandardCharsets.UTF_8)))),
        Tuple.of(1, Arbitraries.of("YWNtZQ", "YWNtZR", "YWNtZQ==", "YQ", "YR", "Y", "", "!!!", "4oCu", "w6k", "w6", "Ow",
            "IA", "YWNt.ZQ", "YWNtZQ\u00e9")),
        Tuple.of(1, Arbitraries.strings().withChars("ABYZabyz09-_+/=.é ").ofMaxLength(12)));
    Arbitrary<String> sessionId = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("csn_1", "csn_0U32ZjA60Z7P8Y5vLtmvXaIMEiPr", "", " csn", "csn ", "c\u202Ed",
            "c\u0007", "\uD83D\uDE00", "\uD83D", "é", "a.b", "x".repeat(RequestFields.MAX_ID_LENGTH),
            "x".repeat(RequestFields.MAX_ID_LENGTH + 1))),
        Tuple.of(1, Arbitraries.strings().withChars("az09_-. é\t\u202E").ofMaxLength(10)));
    Arbitrary<String> random = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.strings().withChars("AZaz09-_").ofLength(43)),
        Tuple.of(1, Arbitraries.strings().withChars("AZaz09-_.é ").ofMinLength(41).ofMaxLength(45)),
        Tuple.of(1, Arbitraries.strings().withChars("AZaz09-_").ofMaxLength(3)));
    Arbitrary<String> dot = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just(".")),
        Tuple.of(1, Arbitraries.of("", "..")));
    return Combinators.combine(version, tenant, sessionId, random, dot, dot, dot)
        .as((v, t, id, r, d1, d2, d3) -> v + d1 + t + d2 + id + d3 + r);
  }
}
