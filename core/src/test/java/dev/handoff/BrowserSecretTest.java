package dev.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
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
}
