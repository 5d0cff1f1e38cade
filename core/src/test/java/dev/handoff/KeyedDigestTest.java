package dev.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The browser-secret digest: {@code <kid>.<base64url(HMAC-SHA256(key, purpose NUL secret))>}, checked exactly. */
class KeyedDigestTest {
  private static final KeyRing RING = KeyRing.fromMasterSecret("k1", TestKeys.secret(1));
  private static final KeyedDigest DIGESTS =
      new KeyedDigest(() -> RING, MasterKey::tokenDigestKey, "browser-session");
  private static final String SECRET = "hb1.YWNtZQ.csn_1.0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";

  @Test
  void theDigestIsTheDocumentedHmacAndMatchesItsSecretOnly() throws Exception {
    var mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(TestKeys.hkdf(TestKeys.secret(1), Hkdf.TOKEN_DIGEST), "HmacSHA256"));
    String expected = "k1." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac.doFinal(("browser-session\u0000" + SECRET).getBytes(StandardCharsets.UTF_8)));

    assertThat(DIGESTS.digest(SECRET)).isEqualTo(expected);
    assertThat(DIGESTS.matches(SECRET, expected)).isTrue();
    assertThat(DIGESTS.matches(SECRET + "x", expected)).isFalse();
    assertThat(DIGESTS.matches(SECRET.replace('G', 'F'), expected)).isFalse();
  }

  /** Every digest but the right one is refused: one character changed anywhere, into anything. */
  @Property(tries = 1000)
  void anyChangedCharacterIsRefused(@ForAll @IntRange(min = 0, max = 45) int position,
      @ForAll @CharRange(from = 0, to = 0x17f) char replacement) {
    String digest = DIGESTS.digest(SECRET);
    String changed = digest.substring(0, position) + replacement + digest.substring(position + 1);

    assertThat(DIGESTS.matches(SECRET, changed)).isEqualTo(changed.equals(digest));
  }

  @Property(tries = 300)
  void anyOtherStringIsRefusedWithoutThrowing(@ForAll @StringLength(max = 60) String stored) {
    assertThat(DIGESTS.matches(SECRET, stored)).isEqualTo(stored.equals(DIGESTS.digest(SECRET)));
  }

  @Test
  void lengthKidAndSeparatorAreChecked() {
    String digest = DIGESTS.digest(SECRET);
    String mac = digest.substring(3);

    assertThat(DIGESTS.matches(SECRET, digest.substring(0, digest.length() - 1))).isFalse();
    assertThat(DIGESTS.matches(SECRET, digest + "A")).isFalse();
    assertThat(DIGESTS.matches(SECRET, "k2." + mac)).as("unknown kid").isFalse();
    assertThat(DIGESTS.matches(SECRET, "." + mac)).as("no kid").isFalse();
    assertThat(DIGESTS.matches(SECRET, "k1" + mac)).as("no separator").isFalse();
    assertThat(DIGESTS.matches(SECRET, "k1:" + mac)).as("another separator").isFalse();
    assertThat(DIGESTS.matches(SECRET, mac)).isFalse();
    assertThat(DIGESTS.matches(SECRET, "")).isFalse();
  }

  @Test
  void aDigestUnderAnOlderRingSecretMatchesWhileThatSecretStaysInTheRing() {
    String old = DIGESTS.digest(SECRET);
    var rotated = KeyRing.builder().masterSecret("k2", TestKeys.secret(2)).masterSecret("k1", TestKeys.secret(1))
        .build();
    var afterRotation = new KeyedDigest(() -> rotated, MasterKey::tokenDigestKey, "browser-session");
    var retired = new KeyedDigest(() -> KeyRing.fromMasterSecret("k2", TestKeys.secret(2)),
        MasterKey::tokenDigestKey, "browser-session");

    assertThat(afterRotation.digest(SECRET)).startsWith("k2.");
    assertThat(afterRotation.matches(SECRET, old)).isTrue();
    assertThat(retired.matches(SECRET, old)).isFalse();
  }
}
