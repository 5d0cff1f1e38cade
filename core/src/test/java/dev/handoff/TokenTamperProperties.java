package dev.handoff;

import static dev.handoff.TestKeys.NOW;
import static dev.handoff.TestKeys.claims;
import static dev.handoff.TestKeys.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Untrusted input: whatever is done to a token, or whatever arrives instead of one, redemption answers
 * INVALID_TOKEN — never another exception — in bounded time. Tries are modest so that the suite stays fast.
 */
class TokenTamperProperties {
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
  /** Bounded time per input: generous for a slow CI machine, yet far below any DoS. */
  private static final Duration BOUND = Duration.ofSeconds(2);
  private static final int ONE_MIB = 1 << 20;

  private final TokenCodec codec = TestKeys.codec(KeyRing.fromMasterSecret("k1", secret(1)));
  /** Lets garbage of up to 1 MiB through the length check, so that the parser itself meets it. */
  private final TokenCodec lenient = new TokenCodec(KeyRing.fromMasterSecret("k1", secret(1)),
      Duration.ofSeconds(30), ONE_MIB + 16);
  private final String token = codec.mint(claims("acme", "csn_1", 1));

  @Property(tries = 300)
  void flippedCharactersAreInvalid(@ForAll @IntRange(min = 1, max = 3) int flips, @ForAll long seed) {
    var random = new Random(seed);
    char[] chars = token.toCharArray();
    for (int i = 0; i < flips; i++) {
      int at = random.nextInt(chars.length);
      char c;
      do {
        c = random.nextInt(8) == 0 ? (char) random.nextInt(0x3000) : ALPHABET.charAt(random.nextInt(ALPHABET.length()));
      } while (c == chars[at]);
      chars[at] = c;
    }
    String tampered = new String(chars);
    if (!tampered.equals(token)) {
      assertInvalid(codec, tampered);
      assertInvalid(lenient, tampered);
    }
  }

  @Property(tries = 200)
  void flippedBitsOfTheDecodedPartsAreInvalid(@ForAll @IntRange(min = 0, max = 4) int part, @ForAll long seed) {
    String[] parts = token.split("\\.", -1);
    byte[] bytes = java.util.Base64.getUrlDecoder().decode(parts[part]);
    if (bytes.length == 0) {
      parts[part] = "AA";
    } else {
      var random = new Random(seed);
      int bit = random.nextInt(bytes.length * 8);
      bytes[bit / 8] ^= (byte) (1 << (bit % 8));
      parts[part] = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
    assertInvalid(codec, String.join(".", parts));
  }

  @Property(tries = 100)
  void truncationsAndExtensionsAreInvalid(@ForAll @IntRange(min = 0, max = 2000) int cut, @ForAll("tails") String tail) {
    assertInvalid(codec, token.substring(0, Math.min(cut, token.length() - 1)));
    assertInvalid(codec, token + tail);
  }

  @Provide
  Arbitrary<String> tails() {
    return Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMinLength(1).ofMaxLength(64);
  }

  @Property(tries = 100)
  void headerSwapsAreInvalid(@ForAll @IntRange(min = 1, max = 40) int secretByte,
      @ForAll @IntRange(min = 0, max = 3) int kind) {
    // Another key's token, another kid of the same ring, or a hand-made header over this token's body.
    String other;
    if (kind == 0) {
      other = TestKeys.codec(KeyRing.fromMasterSecret("k1", secret(secretByte + 1))).mint(claims("acme", "csn_1", 1));
    } else if (kind == 1) {
      other = TestKeys.codec(KeyRing.fromMasterSecret("k2", secret(secretByte))).mint(claims("acme", "csn_1", 1));
    } else {
      String header = kind == 2 ? "{\"alg\":\"none\"}" : "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":\"k1."
          + "AAAAAAAAAAAAAAA" + (char) ('A' + secretByte % 26) + "\"}";
      other = java.util.Base64.getUrlEncoder().withoutPadding()
          .encodeToString(header.getBytes(StandardCharsets.UTF_8)) + ".x.x.x.x";
    }
    String swapped = other.substring(0, other.indexOf('.')) + token.substring(token.indexOf('.'));
    assertInvalid(codec, swapped);
    String reversed = token.substring(0, token.indexOf('.')) + other.substring(other.indexOf('.'));
    if (!reversed.equals(token)) {
      assertInvalid(codec, reversed);
    }
  }

  @Property(tries = 50)
  void reEncryptionUnderAnotherKeyIsInvalid(@ForAll @Size(32) byte[] otherSecret) {
    if (Arrays.equals(otherSecret, secret(1))) {
      return;
    }
    // Same claims, same ring kid, a correctly formed token: only the key differs.
    String forged = TestKeys.codec(KeyRing.fromMasterSecret("k1", otherSecret)).mint(claims("acme", "csn_1", 1));
    assertInvalid(codec, forged);
    String kid = TokenCodecTest.header(token).replaceAll(".*\"kid\":\"([^\"]+)\".*", "$1");
    assertInvalid(codec, CraftedTokens.dir(otherSecret, kid, CraftedTokens.header(kid),
        CraftedTokens.claims(NOW.getEpochSecond())));
  }

  @Property(tries = 200)
  void randomGarbageIsInvalid(@ForAll("garbage") String garbage) {
    assertInvalid(codec, garbage);
    assertInvalid(lenient, garbage);
  }

  @Provide
  Arbitrary<String> garbage() {
    var anything = Arbitraries.strings().ofMaxLength(8192);
    var tokenish = Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMaxLength(8192);
    var fiveParts = Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMaxLength(1500).list().ofSize(5)
        .map(p -> String.join(".", p));
    return Arbitraries.oneOf(anything, tokenish, fiveParts);
  }

  @Example
  void oneMebibyteOfGarbageIsInvalid() {
    var random = new Random(42);
    char[] chars = new char[ONE_MIB];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length() - 1));
    }
    String noDots = new String(chars);
    assertInvalid(codec, noDots);
    assertInvalid(lenient, noDots);
    // Five parts of ~200 KiB each, so the length check does not stop it on the lenient codec.
    for (int i = 1; i <= 4; i++) {
      chars[i * (ONE_MIB / 5)] = '.';
    }
    String fiveParts = new String(chars);
    assertInvalid(codec, fiveParts);
    assertInvalid(lenient, fiveParts);
    // A real header followed by a huge body.
    String bigBody = token.substring(0, token.indexOf('.')) + ".." + "A".repeat(16) + "." + "A".repeat(ONE_MIB - 400)
        + "." + "A".repeat(22);
    assertInvalid(lenient, bigBody);
    byte[] bytes = new byte[ONE_MIB];
    random.nextBytes(bytes);
    assertInvalid(lenient, new String(bytes, StandardCharsets.ISO_8859_1));
  }

  static void assertInvalid(TokenCodec codec, String input) {
    assertTimeout(BOUND, () -> assertThatThrownBy(() -> codec.open(input, NOW))
        .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN)));
  }
}
